"""The sample city's address points, generated: a street grid over the sample districts.

Deterministic (a seeded generator), so the committed file and a bench's half a million points come
from the same rule: `python -m civic311_city.geocoding.sample > address_points.csv` writes the
sample's; `sample_points(streets=...)` makes a bigger city for a bench.
"""

from __future__ import annotations

import csv
import math
import random
import sys
from collections.abc import Iterator

from civic311_city.geocoding.points import AddressPoint

SOUTH, NORTH, WEST, EAST = 42.3005, 42.3995, -71.1495, -70.9905
"""Inside the sample districts' outer edge (42.30-42.40 N, 71.15-70.99 W)."""
METRES_PER_DEGREE = 111_320.0
_NAMES = (
    "Elm Maple Oak Pine Cedar Birch Walnut Chestnut Spruce Willow Aspen Hickory Poplar Sycamore "
    "Laurel Magnolia Juniper Hawthorn Linden Alder Beacon Harbor Summer Winter Spring Autumn Meadow "
    "River Brook Hill Valley Ridge Lake Pond Forest Garden Orchard Mill Church School Market Union "
    "Liberty Franklin Washington Adams Jefferson Madison Monroe Lincoln Grant Harrison Quincy "
    "Hancock Revere Everett Dudley Tremont Boylston Newbury Commonwealth Dorchester Columbia Centre "
    "Common Prospect Pleasant Highland"
)
_TYPES = ("St", "Ave", "Rd", "Pl", "Ter", "Way", "Blvd", "Ln")
_SYLLABLES = "ba be bo bri ca co da del den fa fer gan ha hol ka ker la lin ma mer na nor pa per ra ros sa sel ta ton va ver wa win"


def street_names(count: int, seed: int = 311) -> list[str]:
    """`count` distinct street names: the sample's words first, then made-up ones; some carry a
    direction, as real cities' do (W Broadway, N Harvard St)."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible sample, not a secret)
    names: list[str] = []
    seen: set[str] = set()
    words = _NAMES.split()
    syllables = _SYLLABLES.split()
    while len(names) < count:
        word = words.pop(0) if words else "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))
        word = word.capitalize()
        if word in seen:
            continue
        seen.add(word)
        prefix = rng.choice(("N ", "S ", "E ", "W ")) if rng.random() < 0.15 else ""
        names.append(f"{prefix}{word} {rng.choice(_TYPES)}")
    return names


def sample_points(streets: int = 80, spacing_m: float = 50.0, seed: int = 311) -> Iterator[AddressPoint]:
    """Half the streets run east-west, half north-south, evenly over the city, each across all of it;
    a house every `spacing_m` on each side (even numbers on one, odd on the other), 4 m off the middle."""
    names = street_names(streets, seed)
    half = streets // 2
    scale = math.cos(math.radians((SOUTH + NORTH) / 2))
    offset = 4 / METRES_PER_DEGREE
    for index, name in enumerate(names):
        along_ns = index >= half
        slot, count = (index - half, streets - half) if along_ns else (index, half)
        span = (NORTH - SOUTH) if along_ns else (EAST - WEST) * scale
        houses = int(span * METRES_PER_DEGREE / spacing_m)
        for house in range(houses):
            share = (house + 0.5) / houses
            for side, number in ((-1, 2 * house + 2), (1, 2 * house + 1)):
                if along_ns:
                    lat = SOUTH + (NORTH - SOUTH) * share
                    long = WEST + (EAST - WEST) * (slot + 0.5) / count + side * offset / scale
                else:
                    lat = SOUTH + (NORTH - SOUTH) * (slot + 0.5) / count + side * offset
                    long = WEST + (EAST - WEST) * share
                yield AddressPoint(
                    f"{number} {name}", round(lat, 7), round(long, 7), f"S{index:04d}-{number}"
                )


def main() -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["address", "lat", "long", "id"])
    for point in sample_points():
        out.writerow([point.address, point.lat, point.long, point.address_id])


if __name__ == "__main__":
    main()
