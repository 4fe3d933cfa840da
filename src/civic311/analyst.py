"""The analysts' commands: reports replayed to any instant, imports of a city's history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from civic311_backbone.settings import BackboneSettings
from civic311_reporting import cli as reporting
from civic311_reporting.importing.loader import ImportResult

analyst = typer.Typer(no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def backbone_settings() -> BackboneSettings:
    try:
        return BackboneSettings()
    except Exception as error:
        typer.echo(
            f"error: {error}\n(set DATABASE_URL and NATS_URL, e.g. from `civic311 dev-servers`)", err=True
        )
        raise typer.Exit(2) from error


def report(
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", help="Replay the history up to this instant (UTC if no zone)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """The SLA report, replayed from the event store."""
    typer.echo(reporting.report(backbone_settings(), as_of=as_of, fmt=fmt.value), nl=False)


def import_boston(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Import Boston's classic 311 export (CSV or .csv.gz) as events. Importing twice adds nothing."""

    def progress(so_far: ImportResult) -> None:
        typer.echo(f"\r  {so_far.imported + so_far.already_there:,} cases read", nl=False, err=True)

    result = reporting.import_boston(backbone_settings(), path, progress=progress)
    typer.echo("", err=True)
    typer.echo(
        f"imported {result.imported} cases ({result.events} events), already there {result.already_there}, "
        f"rejected {len(result.rejected)}"
    )
    for rejected in result.rejected:
        typer.echo(f"  line {rejected.line} case {rejected.case_id}: {rejected.reason}")


def compare_boston(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Compare our on-time verdict per case with the city's own flag in the export."""
    typer.echo(reporting.compare_boston(backbone_settings(), path))


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    importing = typer.Typer(help="Import a city's historical 311 export.", no_args_is_help=True)
    importing.command("boston-classic")(import_boston)
    app.add_typer(importing, name="import")
    comparing = typer.Typer(help="Check our reports against a city's own figures.", no_args_is_help=True)
    comparing.command("boston-classic")(compare_boston)
    app.add_typer(comparing, name="compare")
