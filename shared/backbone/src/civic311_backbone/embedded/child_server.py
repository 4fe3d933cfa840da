"""What the embedded servers have in common: a child process, its pid, and a context manager."""

from __future__ import annotations

import subprocess
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class ChildServer(ABC):
    """A server run as our child process: `start()` returns its URL, `stop()` ends it."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs (for tests and operators)."""
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @abstractmethod
    def start(self, *, timeout: float) -> str: ...

    @abstractmethod
    def stop(self, *, timeout: float) -> None: ...

    def __enter__(self) -> Self:
        self.start()  # type: ignore[call-arg]  # each server has its own default timeout
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()  # type: ignore[call-arg]
