"""The launcher: starts processes, waits until ready, restarts the dead, stops all, leaves none."""

from __future__ import annotations

import json
import os
import signal
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.embedded.processes import Spawned, wait_all_gone

NO_BACKBONE = {"DATABASE_URL": None, "NATS_URL": None}


@pytest.fixture
def spawned() -> Iterator[list[Spawned]]:
    started: list[Spawned] = []
    yield started
    for process in started:
        process.kill()


def supervise(spawned: list[Spawned], data: Path, mode: str, **env: str | None) -> Spawned:
    process = Spawned.python("-m", "tests.embedded.supervise_dummies", str(data), mode, env=env)
    spawned.append(process)
    return process


def answers_ready(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as response:
        return bool(response.status == 200)


def test_run_starts_servers_and_services_then_sigint_stops_everything(
    tmp_path: Path, spawned: list[Spawned]
) -> None:
    run = supervise(spawned, tmp_path, "system", **NO_BACKBONE)
    run.wait_for("civic311 is running", timeout=90)
    alpha = run.wait_for(r"alpha health\s+(http://127\.0\.0\.1:(\d+)/health/ready)")
    assert answers_ready(alpha[1])
    beta_page = run.wait_for(r"beta page\s+http://127\.0\.0\.1:(\d+)/page")
    assert json.loads((tmp_path / "ports.json").read_text()) == {
        "alpha": int(alpha[2]),
        "beta": int(beta_page[1]),
    }
    run.wait_for(r"DATABASE_URL\s+postgresql://postgres@127\.0\.0\.1:\d+/civic311")
    nats_url = run.wait_for(r"NATS_URL\s+(nats://127\.0\.0\.1:\d+)")[1]
    run.wait_for(rf"^alpha +\| alpha listening on \d+ pid \d+, DATABASE_URL set, NATS_URL {nats_url}")
    run.wait_for(r"^beta +\| beta grandchild pid \d+")
    everything = run.descendants()  # services, the grandchild, PostgreSQL, NATS

    run.process.send_signal(signal.SIGINT)

    assert run.exit_code() == 0
    wait_all_gone(everything)
    assert "stopping the backbone servers" in run.text


def test_sigterm_stops_everything_and_the_next_run_keeps_the_ports(
    tmp_path: Path, spawned: list[Spawned]
) -> None:
    backbone = {"DATABASE_URL": "postgresql://civic:s3cret@127.0.0.1:1/x", "NATS_URL": "nats://x:1"}
    first = supervise(spawned, tmp_path, "system", **backbone)
    first.wait_for("civic311 is running")
    ports = json.loads((tmp_path / "ports.json").read_text())
    children = first.descendants()
    first.process.send_signal(signal.SIGTERM)
    assert first.exit_code() == 0
    wait_all_gone(children)
    assert "s3cret" not in "\n".join(line for line in first.lines if line.startswith("civic311 "))
    assert "using the PostgreSQL at DATABASE_URL" in first.text

    second = supervise(spawned, tmp_path, "system", **backbone)
    second.wait_for(rf"alpha health\s+http://127\.0\.0\.1:{ports['alpha']}/health/ready")
    second.process.send_signal(signal.SIGINT)
    assert second.exit_code() == 0


def test_a_service_that_dies_is_restarted(tmp_path: Path, spawned: list[Spawned]) -> None:
    run = supervise(spawned, tmp_path, "system", DATABASE_URL="postgresql://x/y", NATS_URL="nats://x:1")
    run.wait_for("civic311 is running")
    alpha = run.wait_for(r"alpha listening on (\d+) pid (\d+)")

    os.kill(int(alpha[2]), signal.SIGKILL)

    run.wait_for(r"alpha exited \(code -9\) unexpectedly; restart in 1 s")
    again = run.wait_for(r"alpha listening on (\d+) pid (\d+)", nth=2)
    assert again[1] == alpha[1]
    assert again[2] != alpha[2]
    assert answers_ready(f"http://127.0.0.1:{again[1]}/health/ready")
    run.process.send_signal(signal.SIGINT)
    assert run.exit_code() == 0


def test_a_service_that_exits_at_start_fails_the_run(tmp_path: Path, spawned: list[Spawned]) -> None:
    run = supervise(spawned, tmp_path, "fail")
    assert run.exit_code() == 1
    assert "beta exited with code 3 before it was ready; its last output:" in run.text
    assert "civic311 |     beta is failing on purpose" in run.text
    alpha = run.wait_for(r"alpha listening on \d+ pid (\d+)")
    wait_all_gone([int(alpha[1])])


def test_a_service_that_never_gets_ready_fails_the_run(tmp_path: Path, spawned: list[Spawned]) -> None:
    run = supervise(spawned, tmp_path, "never-ready")
    assert run.exit_code() == 1
    assert "beta not ready within 3 s" in run.text
    assert "alpha not ready" not in run.text
    listening = r"(?:alpha|beta) listening on \d+ pid (\d+)"
    wait_all_gone([int(run.wait_for(listening, nth=n)[1]) for n in (1, 2)])


def test_a_service_that_ignores_sigterm_is_killed(tmp_path: Path, spawned: list[Spawned]) -> None:
    run = supervise(spawned, tmp_path, "stubborn")
    run.wait_for("ALL READY")
    children = run.descendants()

    run.process.send_signal(signal.SIGINT)

    assert run.exit_code() == 0
    assert "(still running 1 s after SIGTERM: SIGKILL)" in run.text
    wait_all_gone(children)
