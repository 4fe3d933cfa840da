"""Forward and reverse geocoding against the city's own address points.

Forward: the canonical key first (exact); then a typo-tolerant match of the street among the streets
that have that house number (fuzzy: one block per house number keeps a query fast with half a million
points); then the street alone, at its nearest listed house number (nearest). Intersections come from
the points of the two streets: the closest pair of their points, and the middle of it. Reverse: the
address point nearest a point, from an STRtree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# shapely ships no type information (types-shapely is not a dependency yet).
from shapely import Point, STRtree, box, points

from civic311_city.geocoding.corners import corner
from civic311_city.geocoding.normalise import Street, parse_listed, parse_query
from civic311_city.geocoding.points import AddressPoint

Kind = Literal["exact", "fuzzy", "intersection", "nearest"]
Reason = Literal["not_found", "ambiguous", "outside_city", "geocoder_error"]

MARGIN = 3.0
"""Two streets scoring closer than this are a toss-up: ambiguous, not a guess."""
NEAREST_NUMBERS = 100
"""How far a house number may be from the nearest listed one on its street to be placed there."""
MEET_METRES = 250.0
"""How close two streets' points must come to call it their intersection."""
INTERPOLATE_METRES = 400.0
"""Two listed houses farther apart than this are not one stretch of street to place a house between."""
REVERSE_METRES = 1000.0
"""Farther than this from every address point, a point has no address."""
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True, slots=True)
class Match:
    address: str
    """The address as the city's list (or, for an intersection, its two streets) writes it."""
    address_id: str | None
    lat: float
    long: float
    kind: Kind
    score: float
    """How sure, 0-100: 100 for an exact key, less the more the words had to bend."""
    distance_m: float | None = None
    """Reverse: how far the address point is from the point asked about."""


@dataclass(frozen=True, slots=True)
class Unplaced:
    reason: Reason
    detail: str


Answer = Match | Unplaced


class Geocoder:
    """Built once from the address points (lines it cannot read as an address are skipped and counted)."""

    def __init__(
        self, listed: Sequence[AddressPoint], inside: Callable[[float, float], bool] | None = None
    ) -> None:
        self._inside = inside
        self._points: list[AddressPoint] = []
        self._numbers: list[str] = []
        self.skipped = 0
        self._exact: dict[str, int] = {}
        self._street_ids: dict[str, int] = {}
        self._streets: list[Street] = []
        self._street_points: list[list[int]] = []
        blocks: dict[str, dict[int, int]] = defaultdict(dict)
        for point in listed:
            parsed = parse_listed(point.address)
            if parsed is None:
                self.skipped += 1
                continue
            number, street = parsed
            sid = self._street_ids.setdefault(street.key, len(self._streets))
            if sid == len(self._streets):
                self._streets.append(street)
                self._street_points.append([])
            key = f"{number} {street.key}"
            if key in self._exact:
                continue  # the first of a repeated address stands
            index = len(self._points)
            self._points.append(point)
            self._numbers.append(number)
            self._exact[key] = index
            self._street_points[sid].append(index)
            blocks[number][sid] = index
        self._blocks = {n: (list(b), [self._streets[s].name for s in b], b) for n, b in blocks.items()}
        by_name: dict[str, list[int]] = defaultdict(list)
        for sid, street in enumerate(self._streets):
            by_name[street.name].append(sid)
        self._by_name = dict(by_name)
        self._names = list(self._by_name)
        self._scale = math.cos(math.radians(_mean_lat(self._points)))
        self._shapes: dict[int, tuple[list[tuple[float, float]], STRtree]] = {}
        self._tree = STRtree(points([self._xy(p.lat, p.long) for p in self._points]))

    def __len__(self) -> int:
        return len(self._points)

    def forward(self, text: str) -> Answer:
        """The point of an address or an intersection as a resident writes it."""
        parsed = parse_query(text)
        if parsed.street is None:
            return Unplaced("not_found", "no street in the address")
        if parsed.second is not None:
            return self._checked(self._intersection(parsed.street, parsed.second))
        if parsed.number is None:
            return Unplaced("ambiguous", f"{parsed.street.key}: a street without a house number")
        index = self._exact.get(f"{parsed.number} {parsed.street.key}")
        if index is not None:
            return self._checked(self._match(index, "exact", 100.0))
        return self._checked(self._fuzzy(parsed.number, parsed.street))

    def reverse(self, lat: float, long: float) -> Answer:
        """The address point nearest (lat, long), with its distance."""
        if not self._points:
            return Unplaced("not_found", "the city has no address points")
        index = int(self._tree.nearest(Point(*self._xy(lat, long))))
        point = self._points[index]
        distance = metres(lat, long, point.lat, point.long)
        if distance > REVERSE_METRES:
            return Unplaced("not_found", f"no address within {REVERSE_METRES:.0f} m")
        return Match(point.address, point.address_id, point.lat, point.long, "nearest", 100.0, distance)

    def within(
        self, south: float, west: float, north: float, east: float, *, limit: int
    ) -> tuple[list[AddressPoint], bool]:
        """The address points in a box (a map's view), at most `limit` of them spread over it, and
        whether some were left out."""
        (x0, y0), (x1, y1) = self._xy(south, west), self._xy(north, east)
        found = self._tree.query(box(x0, y0, x1, y1))  # indices, as an array
        found.sort()  # list order: along the streets
        truncated = len(found) > limit
        if truncated:
            found = found[[k * len(found) // limit for k in range(limit)]]  # evenly spaced in that order
        return [self._points[i] for i in found.tolist()], truncated

    def _fuzzy(self, number: str, street: Street) -> Answer:
        known = self._street_ids.get(street.key)
        if known is not None:  # a street of the city at a house its list lacks: its nearest house
            return self._nearest_house(number, known, 95.0)
        block = self._blocks.get(number)
        if block is not None:
            sids, names, houses = block
            scored = [(score, sids[at]) for score, at in _alike(street.name, names)]
            if street.type == "":  # a misspelt type ("Tarrace") stays in the name: compare whole labels too
                labels = [self._streets[sid].label for sid in sids]
                scored += [(score, sids[at]) for score, at in _alike(street.name, labels)]
            ranked = self._ranked(street, scored)
            if ranked:
                best, sid = ranked[0]
                if len(ranked) > 1 and ranked[1][0] > best - MARGIN:
                    return self._toss_up(number, sid, ranked[1][1])
                return self._match(houses[sid], "fuzzy", min(best, 99.0))
        ranked = self._ranked(street, self._streets_named(street.name))
        if not ranked:
            return Unplaced("not_found", f"no street like {street.key} in the city's addresses")
        if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - MARGIN:
            return self._toss_up(number, ranked[0][1], ranked[1][1])
        return self._nearest_house(number, ranked[0][1], min(ranked[0][0], 90.0))

    def _nearest_house(self, number: str, sid: int, score: float) -> Answer:
        """Between the street's listed houses on either side of the number, in proportion (as a city's
        address ranges are read), when both are near each other; else its nearest listed house."""
        wanted = _numeric(number)
        below = above = None
        for i in self._street_points[sid]:
            listed = _numeric(self._numbers[i])
            if listed <= wanted and (below is None or listed > _numeric(self._numbers[below])):
                below = i
            if listed >= wanted and (above is None or listed < _numeric(self._numbers[above])):
                above = i
        nearest = min(
            (i for i in (below, above) if i is not None),
            key=lambda i: abs(_numeric(self._numbers[i]) - wanted),
        )
        if abs(_numeric(self._numbers[nearest]) - wanted) > NEAREST_NUMBERS:
            return Unplaced("not_found", f"no house near {number} on {self._streets[sid].key}")
        if below is None or above is None or below == above:
            return self._match(nearest, "nearest", score)
        low, high = self._points[below], self._points[above]
        if metres(low.lat, low.long, high.lat, high.long) > INTERPOLATE_METRES:
            return self._match(nearest, "nearest", score)
        low_number, high_number = _numeric(self._numbers[below]), _numeric(self._numbers[above])
        share = (wanted - low_number) / (high_number - low_number) if high_number != low_number else 0.0
        lat, long = low.lat + (high.lat - low.lat) * share, low.long + (high.long - low.long) * share
        near = self._points[nearest]
        return Match(near.address, near.address_id, lat, long, "nearest", round(score, 1))

    def _intersection(self, first: Street, second: Street) -> Answer:
        sides = [[sid for _, sid in self._ranked(s, self._streets_named(s.name))] for s in (first, second)]
        if not sides[0] or not sides[1]:
            missing = first if not sides[0] else second
            return Unplaced("not_found", f"no street like {missing.key} in the city's addresses")
        best: tuple[float, tuple[float, float], tuple[float, float], int, int] | None = None
        for a in sides[0][:3]:
            for b in sides[1][:3]:
                if a == b:
                    continue
                gap, near_a, near_b = self._closest(a, b)
                if best is None or gap < best[0]:
                    best = (gap, near_a, near_b, a, b)
        if best is None or best[0] > MEET_METRES:
            return Unplaced("not_found", f"{first.key} and {second.key} do not meet in the city's addresses")
        _, near_a, near_b, a, b = best
        lat, long = self._latlong(*corner(self._plane(a), self._plane(b), near_a, near_b))
        name = f"{self._streets[a].key} & {self._streets[b].key}"
        return Match(name, None, lat, long, "intersection", 100.0 - best[0] / MEET_METRES * 10)

    def _streets_named(self, name: str) -> list[tuple[float, int]]:
        """Streets whose name is (like) `name`, each with its name's similarity."""
        exact = self._by_name.get(name)
        if exact is not None:
            return [(100.0, sid) for sid in exact]
        return [
            (score, sid) for score, at in _alike(name, self._names) for sid in self._by_name[self._names[at]]
        ]

    def _ranked(self, asked: Street, scored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Candidates by name similarity, moved up by the parts (type, directions) they share with the
        query and down by those they contradict; best first, one entry per street."""
        ranked: dict[int, float] = {}
        for score, sid in scored:
            total = score + _agreement(asked, self._streets[sid])
            ranked[sid] = max(total, ranked.get(sid, total))
        return sorted(((score, sid) for sid, score in ranked.items()), key=lambda pair: -pair[0])

    def _toss_up(self, number: str, first: int, second: int) -> Unplaced:
        keys = sorted((self._streets[first].key, self._streets[second].key))
        return Unplaced("ambiguous", f"{number} {keys[0]} or {number} {keys[1]}?")

    def _match(self, index: int, kind: Kind, score: float) -> Match:
        point = self._points[index]
        return Match(point.address, point.address_id, point.lat, point.long, kind, round(score, 1))

    def _checked(self, answer: Answer) -> Answer:
        if (
            isinstance(answer, Match)
            and self._inside is not None
            and not self._inside(answer.lat, answer.long)
        ):
            return Unplaced("outside_city", f"{answer.address} is outside the city's districts")
        return answer

    def _closest(self, a: int, b: int) -> tuple[float, tuple[float, float], tuple[float, float]]:
        """The closest pair of street a's and street b's houses, and how far apart (one tree query per
        house of b, not every pair: a long street has a thousand houses)."""
        (plane_a, tree_a), (plane_b, tree_b) = self._shape(a), self._shape(b)
        (at_b, at_a), gaps = tree_a.query_nearest(tree_b.geometries, return_distance=True, all_matches=False)
        nearest = int(gaps.argmin())
        return float(gaps[nearest]), plane_a[int(at_a[nearest])], plane_b[int(at_b[nearest])]

    def _plane(self, sid: int) -> list[tuple[float, float]]:
        return self._shape(sid)[0]

    def _shape(self, sid: int) -> tuple[list[tuple[float, float]], STRtree]:
        """A street's houses on the plane and in a tree, made the first time an intersection needs them."""
        shape = self._shapes.get(sid)
        if shape is None:
            plane = [self._xy(self._points[i].lat, self._points[i].long) for i in self._street_points[sid]]
            shape = self._shapes[sid] = (plane, STRtree(points(plane)))
        return shape

    def _xy(self, lat: float, long: float) -> tuple[float, float]:
        """Metres on a plane tangent to the city: near enough at a city's size, and fast."""
        return long * self._scale * _METRES_PER_DEGREE, lat * _METRES_PER_DEGREE

    def _latlong(self, x: float, y: float) -> tuple[float, float]:
        return y / _METRES_PER_DEGREE, x / (self._scale * _METRES_PER_DEGREE)


def _alike(name: str, choices: list[str]) -> list[tuple[float, int]]:
    """The choices within a typo of `name` (one edit, two in a name of eight letters or more), each with
    its similarity (0-100) and position: a bound on edits, not on similarity, so a short name still
    takes one slip and a long one is not matched to a different street that shares most letters."""
    allowed = 1 if len(name) < 8 else 2
    found = process.extract(name, choices, scorer=Levenshtein.distance, score_cutoff=allowed, limit=8)
    return [(fuzz.ratio(name, hit), at) for hit, _, at in found]


def _agreement(asked: Street, listed: Street) -> float:
    """Points for each part the query gives: +4 where it agrees, -8 where it contradicts; -1 for a
    part only the listed street has, so a street without it wins a tie."""
    total = 0.0
    for given, known in ((asked.type, listed.type), (asked.pre, listed.pre), (asked.post, listed.post)):
        if given:
            total += 4.0 if given == known else -8.0
        elif known:
            total -= 1.0
    return total


def _numeric(number: str) -> int:
    digits = "".join(ch for ch in number if ch.isdigit())
    return int(digits) if digits else 0


def _mean_lat(listed: Sequence[AddressPoint]) -> float:
    return sum(p.lat for p in listed) / len(listed) if listed else 0.0


def metres(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))
