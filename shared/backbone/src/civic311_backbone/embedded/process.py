"""What the embedded servers share: tying a server's life to ours, waiting for it, stopping it."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from civic311_backbone.embedded.waiting import Deadline

_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be set up, started or stopped; the message says why."""


@functools.cache
def _prctl() -> Callable[..., int]:
    prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    return prctl


def parent_death_signal(sig: signal.Signals) -> Callable[[], None] | None:
    """A `preexec_fn`: Linux sends `sig` to the child when we die, even by SIGKILL.

    Linux ties the signal to the thread that starts the child, so it is only used when that is the
    main thread; elsewhere (and on other systems) this returns None and the caller's clean stop is
    the only guard. The function runs in the child between fork and exec: it only makes a system
    call, which is safe there.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    prctl = _prctl()
    parent = os.getpid()

    def set_parent_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call took effect
            os.kill(os.getpid(), sig)

    return set_parent_death_signal


def stop_process(process: subprocess.Popen[bytes], sig: signal.Signals, *, timeout: float) -> int:
    """Send `sig`, SIGKILL after `timeout` s; the exit code (negative: the killing signal)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def await_ready(process: subprocess.Popen[bytes], ready: Callable[[], bool], deadline: Deadline) -> bool:
    """Poll `ready` until true (True) or the process exits (False); TimeoutError at the deadline."""
    while not ready():
        if process.poll() is not None:
            return False
        if deadline.expired():
            raise TimeoutError
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(min(0.05, deadline.remaining()))
    return True


def log_tail(path: Path, *, since: int = 0, lines: int = 25) -> str:
    """The last `lines` lines of the log at `path`, written after byte offset `since`."""
    try:
        with path.open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(since, size - 64 * 1024))
            text = log.read().decode("utf-8", errors="replace")
    except OSError as error:
        return f"(no log: {error})"
    return "\n".join(text.splitlines()[-lines:])


def log_size(path: Path) -> int:
    """The current size of a log file, 0 if there is none: where this run's lines will start."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def process_cmdline(pid: int) -> list[str] | None:
    """The command line of a running process, or None if there is none or it cannot be read.

    Only Linux offers it without a dependency (/proc); elsewhere the answer is None.
    """
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [arg.decode(errors="replace") for arg in raw.split(b"\0") if arg]
