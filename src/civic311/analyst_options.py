"""What every analyst command shares: the export and mapping options, help texts shown as written,
and an analyst's mistake as one line (file, line or column, why; exit 2), never a traceback.

`analyst` (import, check, compare, report) and `calibrating` both build on this module, and on
nothing of each other but `analyst` registering `calibrate`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape

from civic311_backbone.settings import BackboneSettings
from civic311_reporting.adapters.importing.files import ExportError
from civic311_reporting.adapters.importing.mapping import (
    ColumnMapping,
    MappingError,
    load_mapping,
    shipped_mappings,
)

T = TypeVar("T")


def helptext(text: str) -> str:
    """Help text shown as written: typer reads rich markup, where [words] would vanish."""
    return escape(text)


Export = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, help="The export: CSV, plain or gzipped (told by its content)."
    ),
]
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
        help=helptext(
            "A mapping file (TOML) naming which column holds what, or the name of a shipped one: "
            + ", ".join(shipped_mappings())
            + ". Every key (and the [profile] table) is described in docs/analysts.md."
        ),
    ),
]


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def guarded(run: Callable[[], T]) -> T:
    """An analyst's mistake is one line naming the file and why, exit 2."""
    try:
        return run()
    except MappingError as error:
        raise fail(f"bad mapping: {error}") from None
    except ExportError as error:
        raise fail(str(error)) from None
    except (OSError, ValueError) as error:
        raise fail(str(error)) from None


def backbone_settings() -> BackboneSettings:
    try:
        return BackboneSettings()
    except Exception as error:
        first = str(error).splitlines()[0]
        typer.echo(
            f"error: {first} (set DATABASE_URL and NATS_URL, e.g. from `civic311 dev-servers`)", err=True
        )
        raise typer.Exit(2) from None


def mapping_named(name_or_path: str) -> ColumnMapping:
    return guarded(lambda: load_mapping(name_or_path))
