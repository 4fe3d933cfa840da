"""Run dedup's decisions over the generated set and count against the truth."""

from __future__ import annotations

from dataclasses import dataclass

from bench.dedup.generated import Report, generate
from civic311_backbone.contracts import Location, RequestCreated
from civic311_city import Catalogue, load_catalogue
from civic311_dedup.domain.decision import decide
from civic311_dedup.domain.fold import fold
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import known_request


@dataclass(frozen=True)
class Quality:
    reports: int
    duplicates: int
    linked: int
    linked_right: int
    flagged: int
    flagged_right: int
    link_precision: float
    link_recall: float
    caught_recall: float
    flag_precision: float


def _stream(i: int) -> str:
    return f"request-G{i:06d}"


def evaluate(reports: list[Report], catalogue: Catalogue) -> Quality:
    index = RequestIndex()
    problem_of: dict[str, int] = {}
    reported: set[int] = set()  # problems with an earlier report (every problem of the set stays open)
    duplicates = linked = linked_right = flagged = flagged_right = caught = 0
    for i, report in enumerate(reports):
        created = RequestCreated(
            tracking_number=f"G{i:06d}",
            service_code=report.code,
            description=report.description,
            location=Location(lat=report.lat, long=report.lon),
            channel="web",
        )
        stream = _stream(i)
        problem_of[created.tracking_number] = report.problem
        new = known_request(created, stream_id=stream, occurred_at=report.at)
        is_duplicate = report.problem in reported
        duplicates += is_duplicate
        decision = decide(new, confidential=False, catalogue=catalogue, index=index)
        index.put(new)
        reported.add(report.problem)
        candidate = decision.candidate
        right = candidate is not None and problem_of[candidate.original.tracking_number] == report.problem
        if decision.outcome == "linked":
            linked += 1
            linked_right += right
            caught += right
            fold(
                index,
                stream_id=stream,
                version=2,
                event_type="Closed",
                occurred_at=report.at,
                payload={
                    "resolution": "duplicate",
                    "duplicate_of": candidate.original.tracking_number if candidate else "",
                },
            )
        elif decision.outcome == "flagged":
            flagged += 1
            flagged_right += right
            caught += right and is_duplicate
    return Quality(
        reports=len(reports),
        duplicates=duplicates,
        linked=linked,
        linked_right=linked_right,
        flagged=flagged,
        flagged_right=flagged_right,
        link_precision=linked_right / linked if linked else 1.0,
        link_recall=linked_right / duplicates if duplicates else 1.0,
        caught_recall=caught / duplicates if duplicates else 1.0,
        flag_precision=flagged_right / flagged if flagged else 1.0,
    )


def generated_quality(seed: int = 311) -> Quality:
    return evaluate(generate(seed), load_catalogue())


if __name__ == "__main__":
    print(generated_quality())
