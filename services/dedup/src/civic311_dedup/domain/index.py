"""Dedup's projection of the requests that may still be matched: a spatial index in H3 cells.

Each request with a point sits in one H3 cell (resolution 10, cells about 76 m across an edge), in a
bucket per (type, cell); a query for a place and a radius reads the buckets of the cells around the
place's cell for the types asked and measures each request in them. Inserting and removing are a
dictionary operation each, so the index follows the bus request by request, and replaying the store
builds it at start-up. Requests with only an address sit in a table per type and are found by their
address text.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator

from h3.api import basic_int as h3  # type: ignore[import-untyped]
from rapidfuzz import fuzz, process

from civic311_dedup.domain.requests import KnownRequest

RESOLUTION = 10
_AVERAGE_EDGE_M: float = float(h3.average_hexagon_edge_length(RESOLUTION, "m"))
# H3 cells vary in size (by less than this either way within a city's latitude band): the ring count
# takes cells as large as they may be for the reach and as small as they may be for each ring's step.
_LARGEST_EDGE_M = _AVERAGE_EDGE_M * 1.3
_SMALLEST_EDGE_M = _AVERAGE_EDGE_M * 0.75
EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def rings_for(radius_m: float) -> int:
    """How many rings of cells around a place's cell hold every point within `radius_m` of it.

    A point within the radius lies in a cell whose centre is at most radius + one edge away, and the
    place is at most one edge from its own cell's centre; each ring reaches at least 1.5 edges further.
    """
    return max(1, math.ceil((radius_m + 2 * _LARGEST_EDGE_M) / (1.5 * _SMALLEST_EDGE_M)))


class RequestIndex:
    """The requests dedup may match a new report against, by place and by address."""

    def __init__(self) -> None:
        self._known: dict[str, KnownRequest] = {}
        self._cells: dict[tuple[str, int], dict[str, KnownRequest]] = {}
        self._addresses: dict[str, dict[str, str]] = {}
        """Per type: stream id -> normalised address, for rapidfuzz to search in one call."""

    def __len__(self) -> int:
        return len(self._known)

    def __contains__(self, stream_id: object) -> bool:
        return stream_id in self._known

    def values(self) -> Iterator[KnownRequest]:
        return iter(list(self._known.values()))

    def get(self, stream_id: str) -> KnownRequest | None:
        return self._known.get(stream_id)

    def put(self, request: KnownRequest) -> None:
        """Insert the request, or replace what was known of it (by its stream)."""
        self.remove(request.stream_id)
        self._known[request.stream_id] = request
        if request.lat is not None and request.lon is not None:
            key = (request.service_code, h3.latlng_to_cell(request.lat, request.lon, RESOLUTION))
            self._cells.setdefault(key, {})[request.stream_id] = request
        if request.address:
            self._addresses.setdefault(request.service_code, {})[request.stream_id] = request.address

    def remove(self, stream_id: str) -> KnownRequest | None:
        request = self._known.pop(stream_id, None)
        if request is None:
            return None
        if request.lat is not None and request.lon is not None:
            key = (request.service_code, h3.latlng_to_cell(request.lat, request.lon, RESOLUTION))
            bucket = self._cells.get(key)
            if bucket is not None:
                bucket.pop(stream_id, None)
                if not bucket:
                    del self._cells[key]
        if request.address:
            table = self._addresses.get(request.service_code)
            if table is not None:
                table.pop(stream_id, None)
                if not table:
                    del self._addresses[request.service_code]
        return request

    def near(
        self, lat: float, lon: float, radius_m: float, codes: Collection[str]
    ) -> Iterator[tuple[KnownRequest, float]]:
        """Every known request of one of `codes` within `radius_m` of the place, with its distance."""
        if radius_m <= 0:
            return
        for cell in h3.grid_disk(h3.latlng_to_cell(lat, lon, RESOLUTION), rings_for(radius_m)):
            for code in codes:
                bucket = self._cells.get((code, cell))
                if not bucket:
                    continue
                for request in bucket.values():
                    assert request.lat is not None and request.lon is not None
                    metres = distance_m(lat, lon, request.lat, request.lon)
                    if metres <= radius_m:
                        yield request, metres

    def by_address(
        self, address: str, codes: Collection[str], *, at_least: float, limit: int
    ) -> list[KnownRequest]:
        """The known requests of one of `codes` whose address text is at least `at_least` (0..1) alike
        `address`, the most alike first, at most `limit`."""
        found: list[tuple[float, KnownRequest]] = []
        for code in codes:
            table = self._addresses.get(code)
            if not table:
                continue
            matches = process.extract(
                address, table, scorer=fuzz.token_sort_ratio, score_cutoff=at_least * 100, limit=limit
            )
            found.extend((alike, self._known[stream_id]) for _, alike, stream_id in matches)
        found.sort(key=lambda pair: -pair[0])
        return [request for _, request in found[:limit]]
