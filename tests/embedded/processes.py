"""Run a helper script as its own process; wait on its output lines and on its children."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import psutil

from civic311_backbone.embedded.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]


class Spawned:
    """A process whose output lines a background thread collects, so tests can wait for a line."""

    def __init__(self, argv: list[str], env: Mapping[str, str | None] | None = None) -> None:
        """Run `argv` in the repository with our environment updated by `env` (None: unset)."""
        full_env: dict[str, str | None] = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env={key: value for key, value in full_env.items() if value is not None},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    @classmethod
    def python(cls, *args: str, env: Mapping[str, str | None] | None = None) -> Spawned:
        return cls([sys.executable, *args], env)

    @property
    def text(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, *, nth: int = 1, timeout: float = 30.0) -> re.Match[str]:
        """The `nth` match of `pattern` in the output, waiting up to `timeout` s for it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for m in map(regex.search, self.lines) if m]
                if len(found) >= nth:
                    return found[nth - 1]
                remaining = deadline - time.monotonic()
                if self._closed or remaining <= 0:
                    why = "output ended" if self._closed else f"not within {timeout:g} s"
                    raise AssertionError(f"{why} before {pattern!r} (#{nth}):\n" + "\n".join(self.lines))
                self._changed.wait(remaining)

    def exit_code(self, timeout: float = 30.0) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"still running after {timeout:g} s:\n{self.text}") from None

    def descendants(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.process.pid).children(recursive=True)]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def is_alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie is dead, only not yet reaped)."""
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def wait_all_gone(pids: Iterable[int], *, timeout: float = 15.0) -> None:
    """Wait until none of `pids` is alive; fail naming the survivors."""
    pids = list(pids)
    try:
        wait_until(lambda: not any(is_alive(pid) for pid in pids), timeout=timeout, what="processes gone")
    except TimeoutError:
        raise AssertionError(
            f"still running after {timeout:g} s: {[p for p in pids if is_alive(p)]}"
        ) from None
