"""Geocoding with 500,000 address points loaded: forward (exact, typo'd, intersections) and reverse.

The points are the sample city's generator at a bigger size (a grid of generated streets over the
sample districts, a house every ~29 m on both sides); the geocoder is the gateway's own, in this
process, asked one query after another. Ceilings in the same run: a dict lookup of the already
normalised key (what an exact answer could cost at best, with no parsing), and the STRtree's own
nearest query (what reverse could cost, with no answer built).

`python -m bench.geocoding_bench` (BENCH_GEOCODING_POINTS, default 500,000; BENCH_GEOCODING_QUERIES,
default 2,000 of each kind), or `BENCH_ONLY=geocoding python -m bench`.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from itertools import islice

from shapely import Point, STRtree, points

from bench.report import Figure, table
from civic311_city.geocoding import AddressPoint, Geocoder, Match
from civic311_city.geocoding.normalise import parse_listed
from civic311_city.geocoding.sample import EAST, METRES_PER_DEGREE, NORTH, SOUTH, WEST, sample_points

STREETS = 600
CEILINGS = {"dict": "dict lookup of the key", "strtree": "STRtree nearest alone"}
GEOCODING_POINTS = int(os.environ.get("BENCH_GEOCODING_POINTS", "500000"))
GEOCODING_QUERIES = int(os.environ.get("BENCH_GEOCODING_QUERIES", "2000"))


def city(size: int) -> list[AddressPoint]:
    """`size` generated points: the street grid's spacing chosen so that many fit."""
    width = (EAST - WEST) * METRES_PER_DEGREE * 0.74 + (NORTH - SOUTH) * METRES_PER_DEGREE
    spacing = STREETS * width / size
    return list(islice(sample_points(streets=STREETS, spacing_m=spacing * 0.98), size))


def _timed(
    queries: Sequence[str | tuple[float, float]], ask: Callable[[object], object]
) -> tuple[float, float, int]:
    """Queries a second, p99 in microseconds, and how many found a match."""
    took, found = [], 0
    started = time.perf_counter()
    for query in queries:
        before = time.perf_counter()
        answer = ask(query)
        took.append(time.perf_counter() - before)
        found += isinstance(answer, Match) or answer is True
    total = time.perf_counter() - started
    return len(queries) / total, statistics.quantiles(took, n=100)[98] * 1e6, found


def _typo(rng: random.Random, address: str) -> str:
    number, *street = address.split()
    word = max(range(len(street) - 1), key=lambda i: len(street[i]))
    letters = list(street[word])
    at = rng.randrange(1, len(letters))
    letters[at] = "o" if letters[at].lower() != "o" else "e"
    street[word] = "".join(letters)
    return " ".join([number, *street])


def geocoding_figures(size: int, per_kind: int) -> tuple[list[Figure], dict[str, object]]:
    rng = random.Random(14)
    listed = city(size)
    started = time.perf_counter()
    geocoder = Geocoder(listed)
    load_seconds = time.perf_counter() - started
    chosen = rng.sample(listed, per_kind)
    exact = [p.address for p in chosen]
    fuzzy = [_typo(rng, p.address) for p in chosen]
    streets = sorted({" ".join(p.address.split()[1:]) for p in listed})
    corners = [f"{rng.choice(streets)} and {rng.choice(streets)}" for _ in range(per_kind // 4)]
    spots = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(per_kind)]
    keys = {}
    for p in listed:
        parsed = parse_listed(p.address)
        if parsed is not None:
            keys[f"{parsed[0]} {parsed[1].key}"] = p
    wanted = [f"{parsed[0]} {parsed[1].key}" for p in chosen if (parsed := parse_listed(p.address))]
    tree = STRtree(points([(p.long, p.lat) for p in listed]))

    runs = {
        "exact": _timed(exact, lambda q: geocoder.forward(str(q))),
        "fuzzy": _timed(fuzzy, lambda q: geocoder.forward(str(q))),
        "intersection": _timed(corners, lambda q: geocoder.forward(str(q))),
        "reverse": _timed(spots, lambda q: geocoder.reverse(*q)),  # type: ignore[misc]
        "dict": _timed(wanted, lambda q: q in keys),
        "strtree": _timed(spots, lambda q: tree.nearest(Point(q[1], q[0])) is not None),  # type: ignore[index]
    }
    ceilings = {"exact": "dict", "fuzzy": "dict", "reverse": "strtree"}
    names = {"exact": "forward exact", "fuzzy": "forward typo'd", "intersection": "intersection"}
    figures = []
    for kind in ("exact", "fuzzy", "intersection", "reverse"):
        ceiling = ceilings.get(kind)
        name = f"geocode {names.get(kind, kind)}"
        figures.append(
            Figure(
                f"{name} (queries/s)",
                runs[kind][0],
                "q/s",
                CEILINGS.get(ceiling or ""),
                runs[ceiling][0] if ceiling else None,
            )
        )
        figures.append(Figure(f"{name} p99", runs[kind][1], "µs"))
    figures.append(Figure("geocoder build from the points", load_seconds, "s"))
    right = sum(
        isinstance(answer := geocoder.forward(query), Match) and answer.address_id == point.address_id
        for query, point in zip(fuzzy, chosen, strict=True)
    )
    parameters: dict[str, object] = {
        "geocoding_points": len(geocoder),
        "geocoding_queries_per_kind": per_kind,
        "geocoding_exact_found": runs["exact"][2],
        "geocoding_typod_found": runs["fuzzy"][2],
        "geocoding_typod_right": right,
        "geocoding_intersections_asked": len(corners),
        "geocoding_intersections_found": runs["intersection"][2],
    }
    return figures, parameters


def main() -> int:
    figures, parameters = geocoding_figures(GEOCODING_POINTS, GEOCODING_QUERIES)
    print(table(figures))
    print(parameters)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
