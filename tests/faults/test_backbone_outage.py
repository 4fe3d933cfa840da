"""The embedded PostgreSQL, then the embedded NATS, SIGKILLed under load: the launcher starts each again
(same data, same port), every service rides out the outage without a restart (its process id is the
same, its readiness said not ready meanwhile and ready after, no traceback printed), and nothing
accepted is lost or done twice: accepted = stored once = assigned once, and the bus holds what the
store holds."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import psutil
import pytest

from tests.support.waiting import eventually
from tests.system.test_make_run import published_ids, start_system, stop_system

RATE = 50
"""POSTs a second the load sends, as in the probe that found the defect."""


WAITING = (429, 503)
"""Answers that tell a client to come back later, each with Retry-After; anything else but 200 fails."""


class Load:
    """Residents' apps filing requests, each retried with its Idempotency-Key until it is accepted.

    Every answer is counted; one that is neither 200 nor a wait with Retry-After is kept in `unexpected`
    (and retried like the others, so the counts below still hold), and every filing is awaited to its end.
    """

    def __init__(self, gateway: str, api_key: str) -> None:
        self.gateway, self.api_key = gateway, api_key
        self.accepted: dict[str, str] = {}
        """Idempotency-Key -> tracking number."""
        self.answers: Counter[int] = Counter()
        """By status; 0 is no answer within the client's timeout (a retry follows, as for a wait)."""
        self.unexpected: list[str] = []
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        async with httpx.AsyncClient(base_url=self.gateway, timeout=10) as client:
            filings: list[asyncio.Task[None]] = []
            while not self.stopping.is_set():
                filings.append(asyncio.create_task(self._file(client, uuid4().hex)))
                await asyncio.sleep(1 / RATE)  # the load's pace, not a wait for an outcome
            await asyncio.gather(*filings)  # a filing that failed fails the run

    async def _file(self, client: httpx.AsyncClient, key: str) -> None:
        form = {
            "api_key": self.api_key,
            "service_code": "POTHOLE",
            "lat": "42.3601",
            "long": "-71.0589",
            "attribute[SIZE]": "large",
            "description": f"pothole {key}",
        }
        for _ in range(200):  # a client that keeps trying through the outage
            try:
                answer = await client.post(
                    "/open311/v2/requests.json", data=form, headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                self.answers[0] += 1
            else:
                status = answer.status_code
                self.answers[status] += 1
                if status == 200:
                    self.accepted[key] = answer.json()[0]["service_request_id"]
                    return
                if status not in WAITING or not answer.headers.get("retry-after"):
                    self.unexpected.append(
                        f"{status} {answer.headers.get('retry-after')!r} {answer.text[:200]}"
                    )
            await asyncio.sleep(0.5)  # the client's retry pace
        raise AssertionError(f"{key} never accepted")


class Readiness:
    """Each service's /health/ready answers, polled through the run: what each said, in order (0: no
    answer within 10 s), and the slowest poll of each (printed)."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls
        self.seen: dict[str, list[int]] = {name: [] for name in urls}
        self.slowest: dict[str, tuple[float, str]] = {name: (0.0, "") for name in urls}
        self.phase = "before"
        """What the run was doing (before, PostgreSQL killed, NATS back, ...), to place the slowest polls."""
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            while not self.stopping.is_set():
                for name, url in self.urls.items():
                    began = time.monotonic()
                    try:
                        status = (await client.get(url)).status_code
                    except httpx.TransportError:
                        status = 0  # the process is not answering at all (or not within 10 s)
                    took = time.monotonic() - began
                    if took > self.slowest[name][0]:
                        self.slowest[name] = (round(took, 2), f"{self.phase}, answered {status}")
                    if not self.seen[name] or self.seen[name][-1] != status:
                        self.seen[name].append(status)
                await asyncio.sleep(0.2)  # the poll's pace, not a wait for an outcome


def _health_urls(run_text: str) -> dict[str, str]:
    found = re.findall(r"^\s+(\S+) health\s+(http://\S+)$", run_text, flags=re.MULTILINE)
    return {name: url for name, url in found if "mail" not in name}


def _pids_by_port(launcher: int) -> dict[int, int]:
    """The launcher's children's pids by the TCP port each listens on."""
    pids: dict[int, int] = {}
    for child in psutil.Process(launcher).children(recursive=True):
        try:
            for conn in child.net_connections(kind="tcp"):
                if conn.status == psutil.CONN_LISTEN:
                    pids[conn.laddr.port] = child.pid
        except psutil.Error:
            continue
    return pids


def _service_pids(launcher: int, urls: dict[str, str]) -> dict[str, int]:
    by_port = _pids_by_port(launcher)
    return {name: by_port[int(url.split(":")[2].split("/")[0])] for name, url in urls.items()}


def _pid_in(path: Path) -> int:
    return int(path.read_text().split()[0])


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_embedded_servers_killed_under_load_come_back_and_nothing_is_lost(tmp_path: Path) -> None:
    # The load comes from one address, where residents' apps come from many: no per-address limit, so
    # that all 50 a second reach the gateway through the outages.
    run, database_url, nats_url, (api_key, _) = start_system(tmp_path, {"POSTS_PER_MINUTE": "0"})
    gateway = run.wait_for(r"gateway\s+(http://127\.0\.0\.1:\d+)/")[1]
    urls = _health_urls(run.text)
    assert {"relay", "notifier", "reporting", "routing", "dedup"} <= set(urls), urls
    pids = _service_pids(run.process.pid, urls)
    readiness = Readiness(urls)
    watching = asyncio.create_task(readiness.run())
    load = Load(gateway, api_key)
    loading = asyncio.create_task(load.run())
    try:
        await eventually(lambda: _count(load), until=lambda n: n >= 30, timeout=120, what="load under way")

        postgres = _pid_in(tmp_path / "postgres" / "pgdata" / "postmaster.pid")
        os.kill(postgres, signal.SIGKILL)
        readiness.phase = "PostgreSQL killed"
        await asyncio.to_thread(run.wait_for, r"the embedded PostgreSQL started again", timeout=180)
        readiness.phase = "PostgreSQL back"
        before = await _count(load)
        await eventually(lambda: _count(load), until=lambda n: n >= before + 30, timeout=180, what="filing")

        nats_pid = _pid_in(tmp_path / "nats" / "nats-server.pid")
        os.kill(nats_pid, signal.SIGKILL)
        readiness.phase = "NATS killed"
        await asyncio.to_thread(run.wait_for, r"the embedded NATS server started again", timeout=180)
        readiness.phase = "NATS back"
        before = await _count(load)
        await eventually(lambda: _count(load), until=lambda n: n >= before + 30, timeout=180, what="filing")
    finally:
        load.stopping.set()
        await asyncio.wait_for(loading, timeout=300)
    assert not load.unexpected, (
        f"{len(load.unexpected)} answers neither 200 nor a wait with Retry-After (answers {dict(load.answers)}): "
        f"{load.unexpected[:5]}"
    )

    async def all_ready() -> dict[str, list[int]]:
        return readiness.seen

    await eventually(
        all_ready, until=lambda seen: all(s[-1] == 200 for s in seen.values()), timeout=120, what="ready"
    )
    readiness.stopping.set()
    await watching

    try:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
        numbers = set(load.accepted.values())
        assert len(numbers) == len(load.accepted), "two keys were given one tracking number"
        stored = await _per_request(pool, "RequestCreated", numbers)
        assert stored == dict.fromkeys(numbers, 1), "an accepted request is missing or stored twice"

        async def assigned() -> dict[str, int]:
            return await _per_request(pool, "Assigned", numbers)

        await eventually(assigned, until=lambda a: a == dict.fromkeys(numbers, 1), timeout=300, what="routed")

        async def bus_and_store() -> tuple[list[str], set[str]]:
            # Both read again until they agree: the services still append (dedup's links of the many
            # potholes at one corner, routing's answers) for a while after the load stops.
            in_store = {str(r["event_id"]) for r in await pool.fetch("SELECT event_id FROM events")}
            return await published_ids(nats_url), in_store

        on_bus, in_store = await eventually(
            bus_and_store, until=lambda seen: set(seen[0]) == seen[1], timeout=300, what="bus = store"
        )
        assert len(on_bus) == len(set(on_bus)), "an event was published twice"
        store_ids = sorted(in_store)
        await pool.close()
        restarted = [line for line in run.text.splitlines() if "unexpectedly; restart" in line]
        print(  # the fault test's figures, for the issue
            f"\naccepted {len(numbers)}, stored once {sum(stored.values())}, assigned once "
            f"{len(numbers)}, store events {len(store_ids)} = bus {len(on_bus)}; answers {dict(load.answers)}; "
            f"readiness seen {readiness.seen}; slowest readiness polls (s) {readiness.slowest}; "
            f"restarted by the launcher: {restarted}"
        )
        assert not restarted, "a service exited on the outage instead of riding it out"
        assert _service_pids(run.process.pid, urls) == pids, "a service's process was replaced"
        for name, seen in readiness.seen.items():
            # Not ready while a server was away, then ready again.
            assert 503 in seen and seen[-1] == 200, (name, seen)
            assert 0 not in seen, f"{name} left a readiness poll unanswered for 10 s: {seen}"
        tracebacks = [line for line in run.text.splitlines() if "Traceback" in line]
        assert not tracebacks, tracebacks[:5]
    finally:
        stop_system(run)


async def _count(load: Load) -> int:
    return len(load.accepted)


async def _per_request(pool: asyncpg.Pool, event_type: str, numbers: set[str]) -> dict[str, int]:
    rows = await pool.fetch(
        "SELECT substr(stream_id, 9) AS number, count(*) AS n FROM events WHERE event_type = $1 "
        "GROUP BY stream_id",
        event_type,
    )
    counts = {r["number"]: r["n"] for r in rows}
    return {number: counts.get(number, 0) for number in numbers}
