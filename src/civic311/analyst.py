"""The analysts' commands: reports replayed to any instant, imports of a city's history, exports in a
city's layout, dry runs of a mapping, comparisons with the city's own figures, and SLA calibration.
Every command reads its file through one column mapping (`--mapping`: a shipped name or a TOML file).

An analyst's mistake (a bad mapping, a file that is not a CSV, a time that does not parse) is one line
on stderr naming the file, the line or column, and why, with exit status 2: never a traceback.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from civic311.analyst_options import (
    Export,
    MappingOption,
    ShowProgress,
    fail,
    guarded,
    mapping_named,
)
from civic311.analyst_options import backbone_settings as backbone_settings  # credentials reads it here
from civic311.calibrating import register as register_calibrate
from civic311.progress import progress_bars
from civic311_city.settings import CitySettings
from civic311_reporting.adapters.importing.mapping import ColumnMapping
from civic311_reporting.application.checking import CheckResult
from civic311_reporting.application.importing import ImportResult
from civic311_reporting.domain.profile import DEFAULT_PROFILE, ReportProfile
from civic311_reporting.entrypoints import cli as reporting

analyst = typer.Typer(no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


Differences = Annotated[
    int | None,
    typer.Option(
        "--differences", help="How many differing cases to list (default 20; -1: all).", show_default=False
    ),
]
DifferencesOut = Annotated[
    Path | None, typer.Option("--out", dir_okay=False, help="Write every differing case to this CSV file.")
]


def _city_zone() -> ZoneInfo:
    try:
        return ZoneInfo(CitySettings().city_time_zone)
    except Exception as error:
        raise fail(f"the city's settings: {str(error).splitlines()[0]}") from None


def _profile_file(path: Path) -> ReportProfile:
    import tomllib

    from pydantic import ValidationError

    try:
        return ReportProfile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise fail(f"{path}: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise fail(f"{path}: {problems}") from None


def report(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            help="Replay the history up to this instant, read in the city's zone (the mapping's, else "
            "CITY_TIME_ZONE) unless it carries an offset.",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    mapping: Annotated[
        str | None,
        typer.Option("--mapping", help="Follow this mapping's city conventions (its profile) and zone."),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile", exists=True, dir_okay=False, help="A profile file (TOML), see docs/analysts.md."
        ),
    ] = None,
    progress: ShowProgress = None,
) -> None:
    """The SLA report, replayed from the event store."""
    chosen = mapping_named(mapping) if mapping else None
    conventions = _profile_file(profile) if profile else (chosen.profile if chosen else None)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=chosen.zone if chosen else _city_zone())
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        text = guarded(
            lambda: reporting.report(
                settings, as_of=as_of, fmt=fmt.value, profile=conventions or DEFAULT_PROFILE, progress=tell
            )
        )
    typer.echo(text, nl=False)


def _summary(result: ImportResult) -> str:
    lines = [
        f"imported {result.imported} cases ({result.events} events), already there {result.already_there}, "
        f"rejected {len(result.rejected)}"
    ]
    if result.skewed:
        lines.append(
            f"closed a little before opened (clock skew, kept and closed at the open): {result.skewed}"
        )
    if result.rejected:
        by_column = Counter(r.column or r.reason.split(":")[0] for r in result.rejected)
        lines.append("rejected by column: " + ", ".join(f"{c} {n}" for c, n in by_column.most_common()))
    lines += [f"  line {r.line} case {r.case_id or '-'}: {r.reason}" for r in result.rejected]
    return "\n".join(lines) + "\n"


def _import_mapped(path: Path, mapping: ColumnMapping, progress: bool | None) -> None:
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        text = guarded(lambda: _summary(reporting.import_mapped(settings, path, mapping, progress=tell)))
    typer.echo(text, nl=False)


def import_boston_classic(path: Export, progress: ShowProgress = None) -> None:
    """Import Boston's classic 311 export (2011-era columns: case_enquiry_id, open_dt, target_dt, ...)
    with the shipped mapping boston-classic. Importing twice adds nothing; refused rows are listed."""
    _import_mapped(path, mapping_named("boston-classic"), progress)


def import_boston_current(path: Export, progress: ShowProgress = None) -> None:
    """Import Boston's current 311 export (2025 on: case_id, open_date, close_date, target_close_date,
    ...; times in UTC) with the shipped mapping boston-current. Importing twice adds nothing."""
    _import_mapped(path, mapping_named("boston-current"), progress)


def import_csv(path: Export, mapping: MappingOption, progress: ShowProgress = None) -> None:
    """Import any city's CSV export as events, reading its columns through a mapping. Importing twice
    adds nothing; refused rows are listed with the line, the column and why."""
    _import_mapped(path, mapping_named(mapping), progress)


def _check_summary(path: Path, result: CheckResult) -> str:
    lines = [f"{path}: {result.rows} rows (dry run: nothing written)"]
    lines += [f"  {key:<14} <- {column!r}" for key, column in result.found.items()]
    if result.unmapped:
        lines.append("  not read: " + ", ".join(result.unmapped))
    lines.append(
        f"would import {result.cases} cases, refuse {len(result.rejected)}; "
        f"{result.skewed} with a close a little before the open (kept); {result.duplicates} closed as duplicates"
    )
    if result.rejected:
        lines.append(
            "refused by column: " + ", ".join(f"{c} {n}" for c, n in result.rejected_by_column.most_common())
        )
        lines += [f"  line {r.line} case {r.case_id or '-'}: {r.reason}" for r in result.rejected[:20]]
        if len(result.rejected) > 20:
            lines.append(f"  ... and {len(result.rejected) - 20} more")
    return "\n".join(lines) + "\n"


def check_mapping(path: Export, mapping: MappingOption, progress: ShowProgress = None) -> None:
    """Dry run: which columns the mapping finds in the file, how many rows an import would take and how
    many it would refuse, and why. Nothing is written; no database is needed."""
    chosen = mapping_named(mapping)
    with progress_bars(progress) as tell:
        result = guarded(lambda: reporting.check(path, chosen, progress=tell))
    typer.echo(_check_summary(path, result), nl=False)


def _compare_mapped(
    path: Path, mapping: ColumnMapping, differences: int | None, out: Path | None, progress: bool | None
) -> None:
    settings = backbone_settings()
    shown = (
        None if differences is not None and differences < 0 else (20 if differences is None else differences)
    )
    with progress_bars(progress) as tell:
        text = guarded(
            lambda: reporting.compare_mapped(
                settings, path, mapping, differences=shown, out=out, progress=tell
            )
        )
    typer.echo(text)


def compare_boston_classic(
    path: Export, differences: Differences = None, out: DifferencesOut = None, progress: ShowProgress = None
) -> None:
    """Compare our on-time verdict per case with the city's own flag in Boston's classic export
    (the shipped mapping boston-classic, with its profile)."""
    _compare_mapped(path, mapping_named("boston-classic"), differences, out, progress)


def compare_boston_current(
    path: Export, differences: Differences = None, out: DifferencesOut = None, progress: ShowProgress = None
) -> None:
    """Compare our on-time verdict per case with the city's own flag (on_time) in Boston's current
    export, judged with the city's conventions (the mapping's profile)."""
    _compare_mapped(path, mapping_named("boston-current"), differences, out, progress)


def compare_csv(
    path: Export,
    mapping: MappingOption,
    differences: Differences = None,
    out: DifferencesOut = None,
    progress: ShowProgress = None,
) -> None:
    """Compare our on-time verdicts with the flag column a mapping names (columns.on_time_flag)."""
    _compare_mapped(path, mapping_named(mapping), differences, out, progress)


ExportOut = Annotated[
    Path,
    typer.Argument(dir_okay=False, help="The file to write: CSV, gzipped if its name ends in .gz."),
]


def export(path: ExportOut, mapping: MappingOption, progress: ShowProgress = None) -> None:
    """Write every request in the store as a city's export, one row each, in the layout a mapping reads
    (what `import csv` reads through the mapping, this writes through it)."""
    settings = backbone_settings()
    chosen = mapping_named(mapping)
    with progress_bars(progress) as tell:
        text = guarded(lambda: reporting.export(settings, path, chosen, progress=tell))
    typer.echo(text)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("export")(export)
    importing = typer.Typer(help="Import a city's historical 311 export.", no_args_is_help=True)
    importing.command("boston-classic")(import_boston_classic)
    importing.command("boston-current")(import_boston_current)
    importing.command("csv")(import_csv)
    app.add_typer(importing, name="import")
    comparing = typer.Typer(help="Check our reports against a city's own figures.", no_args_is_help=True)
    comparing.command("boston-classic")(compare_boston_classic)
    comparing.command("boston-current")(compare_boston_current)
    comparing.command("csv")(compare_csv)
    app.add_typer(comparing, name="compare")
    mappings = typer.Typer(help="Column mappings of cities' exports.", no_args_is_help=True)
    mappings.command("check")(check_mapping)
    app.add_typer(mappings, name="mapping")
    register_calibrate(app)
