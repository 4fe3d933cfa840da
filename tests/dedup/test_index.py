"""The spatial index finds exactly what a scan of every request would, and follows inserts and removes."""

from __future__ import annotations

import random

from civic311_dedup.domain.index import RequestIndex, distance_m
from tests.dedup.support import CORNER, known, moved, report


def test_near_finds_what_a_full_scan_finds() -> None:
    rng = random.Random(7)
    index = RequestIndex()
    everything = []
    for _ in range(3000):
        code = rng.choice(["POTHOLE", "GRAFFITI"])
        place = moved(CORNER, north_m=rng.uniform(-2000, 2000), east_m=rng.uniform(-2000, 2000))
        request = known(report(code=code, place=place))
        index.put(request)
        everything.append(request)
    for _ in range(200):
        lat, lon = moved(CORNER, north_m=rng.uniform(-2000, 2000), east_m=rng.uniform(-2000, 2000))
        radius = rng.choice([20, 50, 120, 400, 1500])
        found = {r.stream_id for r, _ in index.near(lat, lon, radius, {"POTHOLE"})}
        scanned = {
            r.stream_id
            for r in everything
            if r.service_code == "POTHOLE" and distance_m(lat, lon, r.lat, r.lon) <= radius  # type: ignore[arg-type]
        }
        assert found == scanned


def test_removed_requests_are_no_longer_found() -> None:
    index = RequestIndex()
    first = known(report(address="12 Main Street"))
    index.put(first)
    assert [r.stream_id for r, _ in index.near(*CORNER, 50, {"POTHOLE"})] == [first.stream_id]
    assert index.remove(first.stream_id) is first
    assert list(index.near(*CORNER, 50, {"POTHOLE"})) == []
    assert index.by_address("12 main street", {"POTHOLE"}, at_least=0.5, limit=5) == []
    assert len(index) == 0
