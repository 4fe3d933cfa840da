"""`civic311 calibrate FILE --mapping M`: the SLA policies a city's past targets follow, read through
the analysts' column mapping and searched among every policy routing can run, on the city's calendar
(CITY_TIME_ZONE, CITY_OPENING_HOURS, holidays and closures: the settings routing itself reads).
`--check POLICIES` scores given policies against the file instead (last year's policies, this year's
cases). The file is streamed, so memory does not grow with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from civic311.analyst_options import (
    Export,
    MappingOption,
    ShowProgress,
    fail,
    guarded,
    helptext,
    mapping_named,
)
from civic311.progress import progress_bars
from civic311_city.calendar import BusinessCalendar
from civic311_city.city import build_calendar
from civic311_city.settings import CitySettings
from civic311_reporting.adapters.importing.cases import Rejection
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapped import read_timings
from civic311_reporting.adapters.importing.mapping import ColumnMapping
from civic311_reporting.entrypoints.cli import Step
from civic311_routing.domain.calibration import Case, calibrate, score
from civic311_routing.entrypoints.calibrate import (
    catalogue_lines,
    policies_text,
    read_policies,
    report,
)


class CaseReader:
    """The export's cases with a target, readable again for each pass; refused rows are kept (once)."""

    def __init__(self, export: ExportFile, mapping: ColumnMapping) -> None:
        self.export, self.mapping = export, mapping
        self.rejected: list[Rejection] = []
        self._passes = 0

    def __call__(self) -> Iterator[Case]:
        self._passes += 1
        for row in read_timings(self.export, self.mapping):
            if isinstance(row, Rejection):
                if self._passes == 1:
                    self.rejected.append(row)
                continue
            yield Case(row.service_code, row.opened, row.target)


def _calendar() -> BusinessCalendar:
    try:
        return build_calendar(CitySettings())
    except Exception as error:
        raise fail(f"the city's settings: {str(error).splitlines()[0]}") from None


def calibrate_command(
    path: Export,
    mapping: MappingOption,
    top: Annotated[int, typer.Option("--top", help="Only the N largest types (0: all).")] = 20,
    check: Annotated[
        Path | None,
        typer.Option(
            "--check",
            exists=True,
            dir_okay=False,
            help=helptext(
                "Score the policies in this file (a [sla] table: type = { kind = ..., amount = ... }) "
                "against the export, instead of searching."
            ),
        ),
    ] = None,
    policies_out: Annotated[
        Path | None,
        typer.Option("--policies-out", dir_okay=False, help="Also write the policies found, for --check."),
    ] = None,
    progress: ShowProgress = None,
) -> None:
    """Propose SLA policies from a city's past target dates (or, with --check, score given ones), and
    print the catalogue lines to paste."""
    chosen = mapping_named(mapping)
    calendar = _calendar()
    export = ExportFile(path)
    cases = CaseReader(export, chosen)

    with progress_bars(progress) as tell:

        def moved(_: int) -> None:
            if tell is not None:
                tell(Step("calibrate", export.position, export.size, "bytes"))

        def run() -> str:
            if check is not None:
                wanted = read_policies(check)
                found = score(cases, {name: [p] for name, p in wanted.items()}, calendar, progress=moved)
                return report(found, alternatives=False)
            found = calibrate(cases, calendar, top=top or None, progress=moved)
            if policies_out is not None:
                policies_out.write_text(policies_text(found), encoding="utf-8")
            return report(found) + "\n\n" + catalogue_lines(found)

        text = guarded(run)
    typer.echo(text)
    if cases.rejected:
        first = cases.rejected[0]
        typer.echo(
            f"skipped {len(cases.rejected)} rows whose times do not parse "
            f"(first: line {first.line}: {first.reason})",
            err=True,
        )


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate_command)
