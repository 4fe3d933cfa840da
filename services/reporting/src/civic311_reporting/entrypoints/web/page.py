"""What the dashboard template shows: the charts drawn from the figures, and the tables' rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any

from markupsafe import Markup

from civic311_reporting.domain.sla import SlaRow
from civic311_reporting.entrypoints.web.charts import Series, columns, hbars, responsive
from civic311_reporting.entrypoints.web.figures import Figures
from civic311_reporting.entrypoints.web.map import Tiles, hotspot_map, legend
from civic311_reporting.entrypoints.web.tables import TABLES

WEEKS_DRAWN = 26
TYPES_DRAWN = 12


def _week_label(monday: str) -> str:
    day = date.fromisoformat(monday)
    return f"{day.day} {day:%b}" if day.month != 1 or day.day > 7 else f"{day.day} {day:%b} {day:%y}"


def charts(f: Figures, tiles: Tiles | None, type_names: Mapping[str, str]) -> dict[str, Markup]:
    """Every chart of the page; request types are labelled with the catalogue's names where it has one."""
    r = f.report
    departments = r.by_department
    types = sorted(r.by_type, key=lambda row: (-row.open, -row.requests, row.group))[:TYPES_DRAWN]
    judged = [row for row in departments if row.judged]
    weeks = r.weekly[-WEEKS_DRAWN:]
    costed = {k: v for k, v in r.cost_by_department.items() if v[0] or v[1]}

    def open_and_overdue(title: str, rows: list[SlaRow], label: Callable[[str], str] = str) -> Markup:
        open_, overdue = [row.open for row in rows], [row.overdue for row in rows]
        series = [Series("Open", "open", open_), Series("Overdue", "overdue", overdue)]
        labels = [label(row.group) for row in rows]
        return responsive(partial(hbars, title=title, labels=labels, series=series))

    on_time = [Series("On time", "ontime", [100 * (row.on_time_share or 0) for row in judged])]
    weekly = [
        Series("Created", "created", [c for _, c, _ in weeks]),
        Series("Closed", "closed", [d for _, _, d in weeks]),
    ]
    channels = [Series("Requests", "neutral", list(r.channels.values()))]
    labour = [Series("Labour", "labour", [h for h, _ in costed.values()])]
    return {
        "open_by_department": open_and_overdue("Open and overdue requests by department", departments),
        "on_time_by_department": responsive(
            partial(
                hbars,
                title="Share of requests on time, by department",
                labels=[row.group for row in judged],
                series=on_time,
                unit="%",
                maximum=100,
            )
        ),
        "open_by_type": open_and_overdue(
            f"Open and overdue requests, the {TYPES_DRAWN} request types with most open",
            types,
            lambda code: type_names.get(code, code),
        ),
        "ageing": responsive(
            partial(
                columns,
                title="Open requests by age",
                labels=list(r.ageing),
                series=[Series("Open requests", "open", list(r.ageing.values()))],
            )
        ),
        "weekly": responsive(
            partial(
                columns,
                title="Requests created and closed per week",
                labels=[_week_label(week) for week, _, _ in weeks],
                series=weekly,
            ),
            wide=1180,
        ),
        "channels": responsive(
            partial(hbars, title="Requests by channel", labels=list(r.channels), series=channels)
        ),
        "cost_by_department": responsive(
            partial(hbars, title="Labour hours by department", labels=list(costed), series=labour, unit="h")
        ),
        "map": hotspot_map(f.cells, cell_degrees=r.profile.cell_degrees, outlines=f.outlines, tiles=tiles),
    }


def map_legend(f: Figures) -> list[tuple[str, str]]:
    """(css class, range of counts) of the map's colour classes."""
    busiest = max((n for _, _, n in f.cells), default=0)
    return [
        (f"c{k}", f"{low}" if low == high else f"{low}\N{EN DASH}{high}") for k, low, high in legend(busiest)
    ]


def context(f: Figures, tiles: Tiles | None, type_names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "f": f,
        "r": f.report,
        "charts": charts(f, tiles, type_names),
        "type_names": type_names,
        "legend": map_legend(f),
        "tables": {name: (t, t.rows(f)) for name, t in TABLES.items()},
        "tiles": tiles,
        "weeks_drawn": WEEKS_DRAWN,
    }
