"""The embedded servers die with the process that started them, even when it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from civic311_backbone.embedded import EmbeddedNats, EmbeddedPostgres
from tests.embedded.processes import Spawned, wait_all_gone


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_killing_the_owner_stops_both_servers(tmp_path: Path) -> None:
    owner = Spawned.python("-m", "tests.embedded.hold_servers", str(tmp_path))
    try:
        found = owner.wait_for(r"SERVERS postgres (\d+) nats (\d+)", timeout=60)
    finally:
        owner.kill()  # SIGKILL: no chance to clean up
    wait_all_gone([int(found[1]), int(found[2])])

    with EmbeddedPostgres(tmp_path / "postgres") as postgres, EmbeddedNats(tmp_path / "nats") as nats:
        assert postgres.is_running()
        assert nats.is_running()
