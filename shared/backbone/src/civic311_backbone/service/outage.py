"""Riding out an outage of PostgreSQL or NATS: what counts as one, how it is logged, how a task resumes.

An outage is not a bug: the server is down, restarting, or the connection was cut. A background task
that meets one is started again after a backoff (capped) once the process is not stopping; it logs one
warning when the outage begins and one line when the task is back, not a traceback per attempt. Any
other error still propagates, so the process exits and the launcher (or the orchestrator) restarts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

import asyncpg
import nats.errors
import nats.js.errors
import structlog

from civic311_backbone.service.pausing import pause

log = structlog.get_logger(__name__)

_OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable, timed out (a file's errors are excluded below)
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.InterfaceError,  # "connection is closed", "the pool is closing"
    asyncpg.InternalClientError,  # asyncpg's own "unexpected connection_lost()"
    asyncpg.TooManyConnectionsError,  # a restarting server's slots are taken by reconnecting clients
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.ConnectionDrainingError,
    nats.errors.NoServersError,
    nats.errors.StaleConnectionError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.NoRespondersError,
    nats.errors.TimeoutError,
    nats.js.errors.ServiceUnavailableError,
)

_FILE_ERRORS = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)


def is_outage(error: BaseException) -> bool:
    """Whether `error` says PostgreSQL or NATS cannot be reached just now, rather than a fault in the
    code or the data. An error raised while handling one (a rollback on a dead connection) counts too."""
    if isinstance(error, BaseExceptionGroup):  # workers in a task group that met it together
        return all(is_outage(inner) for inner in error.exceptions)
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _OUTAGE_ERRORS) and not isinstance(current, _FILE_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class Outage:
    """One warning when something becomes unreachable, one line when it is back; quiet in between."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.since: float | None = None
        self.attempts = 0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def began(self, error: BaseException, **context: object) -> None:
        self.attempts += 1
        if self.since is None:
            self.since = time.monotonic()
            log.warning(f"{self.what}: backbone unreachable; retrying", error=_short(error), **context)

    def ended(self, **context: object) -> None:
        if self.since is not None:
            log.info(
                f"{self.what}: backbone reachable again",
                after_seconds=round(time.monotonic() - self.since, 1),
                attempts=self.attempts,
                **context,
            )
        self.since, self.attempts = None, 0


def backoff(attempt: int, *, first: float = 0.2, most: float = 5.0) -> float:
    """Doubling from `first`, capped at `most`: a restarted server is found within seconds."""
    return float(min(first * 2.0 ** max(attempt - 1, 0), most))


async def keep_running(
    task: Callable[[asyncio.Event], Awaitable[None]],
    stop: asyncio.Event,
    *,
    name: str,
    healthy_after: float = 5.0,
) -> None:
    """Run a background task until `stop`; start it again after each outage it meets.

    A task started again that is still running `healthy_after` seconds later has recovered (one line
    says so); one that fails before then is the same outage going on (nothing more is logged).
    """
    outage = Outage(name)
    while not stop.is_set():
        running = asyncio.ensure_future(task(stop))
        try:
            if outage.ongoing:
                done, _ = await asyncio.wait({running}, timeout=healthy_after)
                if not done:
                    outage.ended()  # it has run a while since it was started again: it is back
            await running
        except Exception as error:
            if not is_outage(error):
                raise
            outage.began(error)
            if await pause(stop, timeout=backoff(outage.attempts)):
                return
            continue
        finally:
            if not running.done():  # cancelled from outside: take the task down with it
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await running
        return  # the task returned by itself: it was told to stop, or it has nothing more to do


def _short(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 200 else text[:200] + "…"
