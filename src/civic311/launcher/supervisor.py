"""Start processes, wait until all are ready, restart any that dies, stop all on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import signal
from collections.abc import Awaitable, Callable, Sequence

from civic311.launcher.child import Child
from civic311.launcher.output import PrefixedOutput
from civic311.launcher.processes import ChildSpec

SOURCE = "civic311"
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Supervisor:
    def __init__(
        self,
        specs: Sequence[ChildSpec],
        output: PrefixedOutput,
        *,
        ready_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        restart_backoff: tuple[float, float] = (1.0, 30.0),
        on_ready: Callable[[], Awaitable[None] | None] = lambda: None,
        check_backbone: Callable[[], str | None] = lambda: None,
        revive_backbone: Callable[[], list[str]] | None = None,
    ) -> None:
        """`check_backbone` names a server the processes depend on that has died, if one has;
        `revive_backbone` starts such servers again (blocking; it runs in a thread). Without it a
        dead server stops everything."""
        self._children = [Child(spec, output) for spec in specs]
        self._output = output
        self._ready_timeout = ready_timeout
        self._stop_timeout = stop_timeout
        self._backoff = restart_backoff
        self._on_ready = on_ready
        self._check_backbone = check_backbone
        self._revive_backbone = revive_backbone
        self._stop = asyncio.Event()

    async def run(self) -> int:
        """0 after a requested stop; 1 if a process never became ready or the backbone died."""
        loop = asyncio.get_running_loop()
        previous = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
        for sig in _STOP_SIGNALS:
            loop.add_signal_handler(sig, self._stop.set)
        try:
            for child in self._children:
                await child.start()
            if not await self._wait_ready():
                return 1
            if self._stop.is_set():
                return 0
            announced = self._on_ready()
            if inspect.isawaitable(announced):
                await announced
            return await self._keep_running()
        finally:
            await self._stop_all()
            for sig, handler in previous.items():
                loop.remove_signal_handler(sig)
                signal.signal(sig, handler)

    def _say(self, text: str) -> None:
        self._output.line(SOURCE, text)

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds`, or less if a stop is requested meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _wait_ready(self) -> bool:
        deadline = asyncio.get_running_loop().time() + self._ready_timeout
        pending = list(self._children)
        while pending and not self._stop.is_set():
            for child in list(pending):
                if child.returncode is not None:
                    code = await child.wait()
                    return self._fail([child], f"exited with code {code} before it was ready")
                if await child.is_ready():
                    pending.remove(child)
                    self._say(f"{child.name} is ready ({child.spec.url(child.spec.ready_path)})")
            if pending and asyncio.get_running_loop().time() >= deadline:
                return self._fail(pending, f"not ready within {self._ready_timeout:g} s")
            await self._pause(0.2)
        return True

    def _fail(self, children: list[Child], reason: str) -> bool:
        for child in children:
            self._say(f"{child.name} {reason}; its last output:")
            for line in child.tail:
                self._say(f"    {line}")
        self._say("stopping everything")
        return False

    async def _keep_running(self) -> int:
        watchers = [asyncio.create_task(self._restart_when_dead(c)) for c in self._children]
        failure: str | None = None
        first, most = self._backoff
        backoff = first
        while not self._stop.is_set() and failure is None:
            await self._pause(1.0)
            failure = self._check_backbone()
            if failure is None or self._revive_backbone is None:
                continue
            # The services ride out the outage (they reconnect, and say not ready meanwhile): the
            # server comes back on its data and port, like any child.
            self._say(f"{failure} has stopped; starting it again (same data, same port)")
            try:
                revived = await asyncio.to_thread(self._revive_backbone)
            except Exception as error:  # said, and tried again: the launcher stays up
                self._say(f"could not start it yet ({error}); trying again in {backoff:g} s")
                await self._pause(backoff)
                backoff = min(backoff * 2, most)
            else:
                self._say(f"{', '.join(revived) or 'nothing'} started again")
                backoff = first
            failure = None
        if failure is not None:
            self._say(f"{failure} has stopped; stopping everything")
        self._stop.set()
        await self._stop_all()
        await asyncio.gather(*watchers)
        return 0 if failure is None else 1

    async def _restart_when_dead(self, child: Child) -> None:
        first, most = self._backoff
        backoff = first
        while True:
            code = await child.wait()
            if self._stop.is_set():
                return
            loop = asyncio.get_running_loop()
            if loop.time() - child.started_at > 2 * most:  # it had been healthy for a while
                backoff = first
            self._say(f"{child.name} exited (code {code}) unexpectedly; restart in {backoff:g} s")
            await self._pause(backoff)
            if self._stop.is_set():
                return
            await child.start()
            self._say(f"{child.name} restarted (pid {child.pid})")
            if self._stop.is_set():  # stopping began while it started: stop it ourselves
                await child.stop(grace=self._stop_timeout)
            backoff = min(backoff * 2, most)

    async def _stop_all(self) -> None:
        running = [child for child in self._children if child.returncode is None and child.pid]
        if running:
            self._say(f"stopping {', '.join(child.name for child in running)}")
        await asyncio.gather(*(child.stop(grace=self._stop_timeout) for child in self._children if child.pid))
