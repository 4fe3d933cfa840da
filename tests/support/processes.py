"""Run civic311 processes as a user would: as separate OS processes, talked to over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from civic311_backbone.embedded.ports import free_port
from tests.support.waiting import eventually


class ServiceProcess:
    """One service process with its own HTTP port; output goes to a log file for failed tests."""

    def __init__(
        self, module: str, env: Mapping[str, str], log_dir: Path, *, name: str | None = None
    ) -> None:
        self.module = module
        self.name = name or module.rsplit(".", 1)[-1]
        self.port = free_port()
        self.env = {**os.environ, **env, "HTTP_PORT": str(self.port), "HTTP_HOST": "127.0.0.1"}
        self.log_path = log_dir / f"{self.name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServiceProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        return self

    async def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait for /health/ready; a start beside the other test worker can take over 30 s."""

        async def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited {self.process.returncode}:\n{self.log_tail()}")
            try:
                async with httpx.AsyncClient() as client:
                    return (await client.get(f"{self.url}/health/ready")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(ready, timeout=timeout, what=f"{self.name} ready")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last words."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@asynccontextmanager
async def gateway_client(env: Mapping[str, str], log_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway as its own process with `env`, and a browser-like client of it: it keeps cookies and
    follows no redirect by itself."""
    process = ServiceProcess("civic311_intake", env, log_dir).start()
    try:
        await process.wait_ready(timeout=60)  # two workers on two cores: a start can take over 30 s
        async with httpx.AsyncClient(base_url=process.url, timeout=30) as client:
            yield client
    finally:
        process.stop()
