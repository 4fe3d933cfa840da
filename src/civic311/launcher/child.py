"""One supervised process: started in its own process group, its output streamed with a prefix."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections import deque

from civic311.launcher.output import PrefixedOutput
from civic311.launcher.processes import ChildSpec
from civic311_backbone.embedded.ports import LOOPBACK
from civic311_backbone.embedded.process import parent_death_signal

_LINE_LIMIT = 1 << 20  # a JSON log line with a traceback can be long


class Child:
    def __init__(self, spec: ChildSpec, output: PrefixedOutput, *, tail_lines: int = 30) -> None:
        self.spec = spec
        self.name = spec.name
        self.tail: deque[str] = deque(maxlen=tail_lines)
        self.started_at = 0.0
        self._output = output
        self._process: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    async def start(self) -> None:
        """Start the process in a new process group: a Ctrl-C in the terminal reaches only us."""
        self._process = await asyncio.create_subprocess_exec(
            *self.spec.argv,
            env=dict(self.spec.env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            process_group=0,
            preexec_fn=parent_death_signal(signal.SIGTERM),
            limit=_LINE_LIMIT,
        )
        self.started_at = asyncio.get_running_loop().time()
        assert self._process.stdout is not None
        self._pump = asyncio.create_task(self._copy_output(self._process.stdout))

    async def wait(self) -> int:
        """Wait for the process to exit and its last output to be copied; its exit code."""
        assert self._process is not None
        assert self._pump is not None
        code = await self._process.wait()
        try:
            await asyncio.wait_for(asyncio.shield(self._pump), 2.0)
        except TimeoutError:  # a process that left its group still holds the output open
            self._pump.cancel()
        return code

    async def stop(self, *, grace: float) -> None:
        """SIGTERM to the group, SIGKILL to what is left after `grace` s."""
        if self._process is None:
            return
        if self._process.returncode is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._process.wait(), grace)
            if self._process.returncode is None:
                self._output.line(self.name, f"(still running {grace:g} s after SIGTERM: SIGKILL)")
        self._signal_group(signal.SIGKILL)  # and whatever the process left in its group
        await self.wait()

    async def is_ready(self) -> bool:
        """Whether GET ready_path answers 200 on the process's HTTP port."""
        return await http_status(self.spec.http_port, self.spec.ready_path) == 200

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, sig)

    async def _copy_output(self, stream: asyncio.StreamReader) -> None:
        while True:
            try:
                raw = await stream.readline()
            except ValueError:  # a line over the limit: asyncio dropped it
                raw = b"(a line too long to show)\n"
            if not raw:
                return
            text = raw.decode(errors="replace").rstrip("\r\n")
            self.tail.append(text)
            self._output.line(self.name, text)


async def http_status(port: int, path: str) -> int | None:
    """The status code of GET `path` on 127.0.0.1:`port`, or None if nothing answers within 1 s."""
    try:
        async with asyncio.timeout(1.0):
            reader, writer = await asyncio.open_connection(LOOPBACK, port)
            try:
                request = f"GET {path} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n"
                writer.write(f"{request}Connection: close\r\n\r\n".encode("ascii"))
                await writer.drain()
                status_line = await reader.readline()
            finally:
                writer.close()
    except (OSError, TimeoutError):
        return None
    parts = status_line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
