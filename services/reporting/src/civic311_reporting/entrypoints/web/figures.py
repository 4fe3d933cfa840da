"""Every figure of the dashboard for one selection, computed from the live projection in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from civic311_city import Districts
from civic311_reporting.application.live import LiveRequests
from civic311_reporting.domain.information_calls import ResolvedReport, resolved_without_request
from civic311_reporting.domain.outlines import Outline
from civic311_reporting.domain.profile import ReportProfile
from civic311_reporting.domain.report import SlaReport, sla_report
from civic311_reporting.domain.selection import Choices, Selection, choices, district_of, select
from civic311_reporting.domain.sla import SlaRow, sla_rows
from civic311_reporting.domain.trends import hotspots


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
    districts: Districts
    outlines: Sequence[Outline]
    resolved: ResolvedReport
    """Phone calls resolved without a request, in the period (and type): department and district aside."""


def figures(
    live: LiveRequests,
    chosen: Selection,
    *,
    now: datetime,
    profile: ReportProfile,
    districts: Districts,
    outlines: Sequence[Outline],
) -> Figures:
    as_of = chosen.as_of(now)
    states = live.states
    selected = select(states, chosen, as_of=as_of, districts=districts)
    requests = list(selected.values())
    overall = sla_rows(requests, lambda _: "all", as_of=as_of, profile=profile)
    return Figures(
        selection=chosen,
        as_of=as_of,
        report=sla_report(selected, as_of=as_of, profile=profile),
        overall=overall[0] if overall else SlaRow("all"),
        by_district=sla_rows(
            requests, lambda s: district_of(s, districts) or "(none)", as_of=as_of, profile=profile
        ),
        cells=hotspots(requests, cell_degrees=profile.cell_degrees, top=max(len(requests), 1)),
        choices=choices(states.values(), districts),
        position=live.position,
        districts=districts,
        outlines=outlines,
        resolved=resolved_without_request(live.calls.values(), states.values(), chosen, as_of=as_of),
    )
