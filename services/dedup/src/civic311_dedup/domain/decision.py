"""The decision on a new report: link it to an original, ask staff, or leave it be, with why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from civic311_city import Catalogue
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import KnownRequest
from civic311_dedup.domain.scoring import ADDRESS_MATCH, Candidate, score

Outcome = Literal["linked", "flagged", "unique", "skipped"]
MAX_CANDIDATES = 2000
"""At most this many nearby requests are scored for one report: a bound on the time a decision takes
even on a street with a pile of open reports; the nearest are kept."""


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    candidate: Candidate | None = None
    why: str = ""
    """For a skipped or unique report: what was decided and why (recorded, never shown publicly)."""
    compared: int = 0


def related_codes(catalogue: Catalogue, code: str) -> frozenset[str]:
    """The types whose reports may be the same problem as one of `code`: itself, the types it names,
    and the types that name it."""
    request_type = catalogue.get(code)
    named = set(request_type.related) if request_type is not None else set()
    naming = {t.code for t in catalogue.types if code in t.related}
    return frozenset({code} | named | naming)


def decide(new: KnownRequest, *, confidential: bool, catalogue: Catalogue, index: RequestIndex) -> Decision:
    """Compare `new` with every request the index holds that may be the same problem."""
    request_type = catalogue.get(new.service_code)
    if request_type is None:
        return Decision("skipped", why=f"unknown type {new.service_code}")
    if confidential or request_type.confidential:
        return Decision("skipped", why="confidential type: never matched")
    policy = request_type.dedup
    if policy.radius_m <= 0:
        return Decision("skipped", why=f"matching is off for {new.service_code}")
    codes = related_codes(catalogue, new.service_code)
    if new.lat is not None and new.lon is not None:
        nearby = [
            (known, metres)
            for known, metres in index.near(new.lat, new.lon, policy.radius_m, codes)
            if known.stream_id != new.stream_id and known.duplicate_of is None
        ]
        if len(nearby) > MAX_CANDIDATES:
            nearby = sorted(nearby, key=lambda pair: pair[1])[:MAX_CANDIDATES]
        candidates = [
            score(
                new, known, policy=policy, distance_m=metres, related=known.service_code != new.service_code
            )
            for known, metres in nearby
        ]
    elif new.address:
        by_address = [
            known
            for known in index.by_address(new.address, codes, at_least=ADDRESS_MATCH, limit=MAX_CANDIDATES)
            if known.stream_id != new.stream_id and known.duplicate_of is None
        ]
        candidates = [
            score(new, known, policy=policy, distance_m=None, related=known.service_code != new.service_code)
            for known in by_address
        ]
    else:
        return Decision("skipped", why="no place: neither a point nor an address")
    found = [c for c in candidates if c is not None]
    if not found:
        return Decision("unique", why="no earlier request alike", compared=len(candidates))
    best = max(found, key=lambda c: (c.score, -c.original.created_at))
    if best.score >= policy.link_at:
        return Decision("linked", best, compared=len(candidates))
    if best.score >= policy.flag_at:
        return Decision("flagged", best, compared=len(candidates))
    return Decision(
        "unique", best, why="the likeliest original scored below review", compared=len(candidates)
    )
