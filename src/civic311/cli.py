"""The `civic311` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civic311.analyst import register as register_analyst_commands
from civic311.contracts_export import export_documents
from civic311.credentials import api_keys, staff
from civic311.launcher.commands import run_system, serve_backbone
from civic311_backbone.logging import configure_logging

app = typer.Typer(
    help="civic311: a 311 service-request system. Run it all on this machine.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _quiet_logs() -> None:
    """Log lines go to stderr, warnings and worse only: stdout is the command's answer."""
    configure_logging(service="civic311", level="WARNING")


DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="CIVIC311_DATA_DIR",
        help="Folder for the embedded servers' data and the remembered ports.",
    ),
]


@app.command()
def run(data_dir: DataDir = Path("data")) -> None:
    """Start PostgreSQL and NATS (embedded, unless DATABASE_URL / NATS_URL are set) and every
    service, print their addresses, and keep them running until Ctrl-C."""
    raise typer.Exit(run_system(data_dir))


@app.command("dev-servers")
def dev_servers(data_dir: DataDir = Path("data")) -> None:
    """Start only the embedded PostgreSQL and NATS; print DATABASE_URL=... and NATS_URL=...
    lines, and keep them running until Ctrl-C."""
    raise typer.Exit(serve_backbone(data_dir))


contracts = typer.Typer(help="The event contracts as documents for other services.", no_args_is_help=True)
app.add_typer(contracts, name="contracts")


@contracts.command("export")
def export_contracts(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the documents.")] = Path("docs/events"),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; fail if the folder differs from the code.")
    ] = False,
) -> None:
    """Write a JSON Schema per event type and the AsyncAPI document of the event subjects."""
    raise typer.Exit(export_documents(out_dir, check=check))


register_analyst_commands(app)
app.add_typer(api_keys, name="api-keys")
app.add_typer(staff, name="staff")


def main() -> None:
    app()
