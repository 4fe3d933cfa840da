"""Every `--help` shows its text as written: typer reads rich markup, where a word in square brackets
("the mapping's [profile] table") would vanish."""

from __future__ import annotations

import re
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from civic311.cli import app

_BRACKETED = re.compile(r"\[[^\]\s\\]+\]")


Command = typer.core.TyperCommand | typer.core.TyperGroup


def _commands(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command and group of the tree (typer's own click, so by its `commands`)."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _written(command: Command) -> list[str]:
    texts = [command.help or "", *(getattr(p, "help", None) or "" for p in command.params)]
    return [token for text in texts for token in _BRACKETED.findall(text.replace("\\[", "["))]


def test_words_in_square_brackets_survive_in_every_help() -> None:
    runner = CliRunner()
    seen = 0
    for path, command in _commands(typer.main.get_group(app)):
        wanted = _written(command)
        if not wanted:
            continue
        shown = runner.invoke(app, [*path, "--help"], terminal_width=200)
        assert shown.exit_code == 0, shown.output
        flat = " ".join(shown.output.split())
        for token in wanted:
            assert token in flat, f"civic311 {' '.join(path)} --help lost {token}"
        seen += 1
    assert seen >= 3  # the mapping option of import, compare and mapping check at least
