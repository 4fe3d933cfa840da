"""Every figure of the dashboard for one selection, computed from the live projection in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from civic311_reporting.domain.districts import Outline
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.report import SlaReport, sla_report
from civic311_reporting.domain.selection import Choices, Selection, choices, district_of, select
from civic311_reporting.domain.sla import SlaRow, sla_rows
from civic311_reporting.domain.trends import hotspots
from civic311_reporting.live import LiveRequests


@dataclass(frozen=True, slots=True)
class Figures:
    selection: Selection
    as_of: datetime
    report: SlaReport
    overall: SlaRow
    by_district: list[SlaRow]
    cells: list[tuple[float, float, int]]
    choices: Choices
    position: int
    outlines: Sequence[Outline]


def figures(
    live: LiveRequests,
    chosen: Selection,
    *,
    now: datetime,
    profile: ReportProfile,
    outlines: Sequence[Outline],
) -> Figures:
    as_of = chosen.as_of(now)
    states = live.states
    selected = select(states, chosen, as_of=as_of, outlines=outlines)
    requests = list(selected.values())
    overall = sla_rows(requests, lambda _: "all", as_of=as_of, profile=profile)
    return Figures(
        selection=chosen,
        as_of=as_of,
        report=sla_report(selected, as_of=as_of, profile=profile),
        overall=overall[0] if overall else SlaRow("all"),
        by_district=sla_rows(
            requests, lambda s: district_of(s, outlines) or "(none)", as_of=as_of, profile=profile
        ),
        cells=hotspots(requests, cell_degrees=profile.cell_degrees, top=max(len(requests), 1)),
        choices=choices(states.values(), outlines),
        position=live.position,
        outlines=outlines,
    )
