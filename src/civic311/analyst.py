"""The analysts' commands: reports replayed to any instant, imports of a city's history, comparisons."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from civic311.progress import progress_bars
from civic311_backbone.settings import BackboneSettings
from civic311_reporting.adapters.importing.mapping import (
    ColumnMapping,
    MappingError,
    load_mapping,
    shipped_mappings,
)
from civic311_reporting.application.importing import ImportResult
from civic311_reporting.entrypoints import cli as reporting

analyst = typer.Typer(no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


Export = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The export (CSV, or .csv.gz).")]
ShowProgress = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress bars on stderr (default: only when stderr is a terminal).",
        show_default=False,
    ),
]
MappingOption = Annotated[
    str,
    typer.Option(
        "--mapping",
        help="A mapping file (TOML) naming which column holds what, or the name of a shipped one: "
        + ", ".join(shipped_mappings())
        + ". See adapters/importing/mappings/nyc-311.toml in the reporting service for every key.",
    ),
]


def backbone_settings() -> BackboneSettings:
    try:
        return BackboneSettings()
    except Exception as error:
        typer.echo(
            f"error: {error}\n(set DATABASE_URL and NATS_URL, e.g. from `civic311 dev-servers`)", err=True
        )
        raise typer.Exit(2) from error


def _mapping(name_or_path: str) -> ColumnMapping:
    try:
        return load_mapping(name_or_path)
    except MappingError as error:
        typer.echo(f"error: bad mapping: {error}", err=True)
        raise typer.Exit(2) from error


def _guarded(run: Callable[[], str]) -> str:
    """A mapping that does not fit the file is the user's error: say which key, exit 2."""
    try:
        return run()
    except MappingError as error:
        typer.echo(f"error: bad mapping: {error}", err=True)
        raise typer.Exit(2) from error


def report(
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", help="Replay the history up to this instant (UTC if no zone)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    progress: ShowProgress = None,
) -> None:
    """The SLA report, replayed from the event store."""
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        text = reporting.report(settings, as_of=as_of, fmt=fmt.value, progress=tell)
    typer.echo(text, nl=False)


def _summary(result: ImportResult) -> str:
    lines = [
        f"imported {result.imported} cases ({result.events} events), already there {result.already_there}, "
        f"rejected {len(result.rejected)}"
    ]
    if result.rejected:
        by_column = Counter(r.column or r.reason.split(":")[0] for r in result.rejected)
        lines.append("rejected by column: " + ", ".join(f"{c} {n}" for c, n in by_column.most_common()))
    lines += [f"  line {r.line} case {r.case_id or '-'}: {r.reason}" for r in result.rejected]
    return "\n".join(lines) + "\n"


def import_boston_classic(path: Export, progress: ShowProgress = None) -> None:
    """Import Boston's classic 311 export (2011-era columns: case_enquiry_id, open_dt, target_dt, ...)
    as events. Importing twice adds nothing; refused rows are listed with the reason."""
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        result = reporting.import_boston(settings, path, progress=tell)
    typer.echo(_summary(result), nl=False)


def _import_mapped(path: Path, mapping: ColumnMapping, progress: bool | None) -> None:
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        text = _guarded(lambda: _summary(reporting.import_mapped(settings, path, mapping, progress=tell)))
    typer.echo(text, nl=False)


def import_boston_current(path: Export, progress: ShowProgress = None) -> None:
    """Import Boston's current 311 export (2025 on: case_id, open_date, close_date, target_close_date,
    service_name, assigned_department, assigned_team, ...; times in UTC) as events, with the shipped
    mapping boston-current. Importing twice adds nothing; refused rows are listed with the reason."""
    _import_mapped(path, _mapping("boston-current"), progress)


def import_csv(path: Export, mapping: MappingOption, progress: ShowProgress = None) -> None:
    """Import any city's CSV export as events, reading its columns through a mapping. Importing twice
    adds nothing; refused rows are listed with the line, the column and why."""
    _import_mapped(path, _mapping(mapping), progress)


def compare_boston_classic(path: Export, progress: ShowProgress = None) -> None:
    """Compare our on-time verdict per case with the city's own flag in Boston's classic export."""
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        text = reporting.compare_boston(settings, path, progress=tell)
    typer.echo(text)


def _compare_mapped(path: Path, mapping: ColumnMapping, progress: bool | None) -> None:
    settings = backbone_settings()
    with progress_bars(progress) as tell:
        text = _guarded(lambda: reporting.compare_mapped(settings, path, mapping, progress=tell))
    typer.echo(text)


def compare_boston_current(path: Export, progress: ShowProgress = None) -> None:
    """Compare our on-time verdict per case with the city's own flag (on_time) in Boston's current
    export, judged with the city's conventions (the mapping's [profile])."""
    _compare_mapped(path, _mapping("boston-current"), progress)


def compare_csv(path: Export, mapping: MappingOption, progress: ShowProgress = None) -> None:
    """Compare our on-time verdicts with the flag column a mapping names (columns.on_time_flag)."""
    _compare_mapped(path, _mapping(mapping), progress)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
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
