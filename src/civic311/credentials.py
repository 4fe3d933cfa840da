"""The operators' commands for credentials: Open311 api keys and staff accounts."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

import typer

from civic311.analyst import backbone_settings
from civic311_city.loading import load_catalogue
from civic311_city.settings import CitySettings
from civic311_intake.adapters.access import AccountExists
from civic311_intake.entrypoints import admin

api_keys = typer.Typer(help="Open311 api keys for apps that file requests.", no_args_is_help=True)
staff = typer.Typer(help="Staff desk accounts.", no_args_is_help=True)


class Role(StrEnum):
    agent = "agent"
    department_staff = "department_staff"
    supervisor = "supervisor"
    admin = "admin"


@api_keys.command("issue")
def issue(to: Annotated[str, typer.Option("--to", help="Who the key is for (an app, a partner).")]) -> None:
    """Issue a new api key; it is shown once, here, and stored only as a hash."""
    typer.echo(asyncio.run(admin.issue_key(backbone_settings(), issued_to=to)))


@api_keys.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The part of the key before the dot.")]) -> None:
    """Revoke a key: it stops working at once on every gateway."""
    if not asyncio.run(admin.revoke_key(backbone_settings(), key_id)):
        typer.echo(f"error: no live api key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


@staff.command("add")
def add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[Role, typer.Option("--role")],
    name: Annotated[str, typer.Option("--name", help="Shown on the desk and in the history.")],
    department: Annotated[
        str | None,
        typer.Option(
            "--department", help="Required for department_staff; one of the catalogue's departments."
        ),
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="CIVIC311_STAFF_PASSWORD",
            help="Asked for when not given (at least 12 characters).",
        ),
    ] = "",
) -> None:
    """Add a staff account."""
    try:
        member = asyncio.run(
            admin.add_staff(
                backbone_settings(),
                username=username,
                password=password,
                display_name=name,
                role=role.value,
                department=department,
                departments=load_catalogue(CitySettings().catalogue_path).departments,
            )
        )
    except (ValueError, AccountExists) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    scope = member.department or "every department"
    typer.echo(f"added {member.username} ({member.role}, {scope})")
