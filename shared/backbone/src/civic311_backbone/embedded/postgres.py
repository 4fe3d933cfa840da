"""An embedded PostgreSQL server: the `pgserver` wheel's binaries, our data folder, a free TCP port.

Layout of `data_dir`: pgdata/ (the cluster), postgres.log (the server's output), ports.json (the
port of the last run, reused when free). The server listens on 127.0.0.1 only and trusts local
connections (a development server: no password to ship). As root it runs as an unprivileged system
user. It is our child in its own process group: a Ctrl-C in the terminal reaches us, and we stop it
last, after the services that use it.
"""

from __future__ import annotations

import logging
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from civic311_backbone.embedded import process
from civic311_backbone.embedded.child_server import ChildServer
from civic311_backbone.embedded.ports import LOOPBACK, free_port, load_ports, save_ports
from civic311_backbone.embedded.postgres_tools import (
    SUPERUSER,
    PostgresTools,
    client_env,
    create_database,
    is_ready,
    pgserver_install_dir,
    prepare_cluster,
)
from civic311_backbone.embedded.process import EmbeddedServerError
from civic311_backbone.embedded.system_user import unprivileged_user
from civic311_backbone.embedded.waiting import Deadline

_SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes with the final NUL
_BIND_FAILED = re.compile(r"could not (bind|create any TCP/IP sockets)|Address already in use")
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

_log = logging.getLogger(__name__)


class EmbeddedPostgres(ChildServer):
    """`start()` returns the URL of database `database`; `stop()`; also a context manager."""

    def __init__(self, data_dir: Path, *, database: str = "civic311") -> None:
        if not _DATABASE_NAME.fullmatch(database):
            raise ValueError(f"{database!r} is not a plain lower-case database name")
        super().__init__()
        self.data_dir = data_dir.absolute()
        self.pgdata = self.data_dir / "pgdata"
        self.log_path = self.data_dir / "postgres.log"
        self.database = database
        self._ports_path = self.data_dir / "ports.json"
        self._socket_tmp: Path | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise EmbeddedServerError("the embedded PostgreSQL is not started")
        return self._port

    @property
    def url(self) -> str:
        return self.url_for(self.database)

    @property
    def admin_url(self) -> str:
        """The URL of the `postgres` maintenance database, to create and drop others."""
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@{LOOPBACK}:{self.port}/{database}"

    def start(self, *, timeout: float = 60.0) -> str:
        """Initialise the cluster on first use, start the server, create the database; its URL."""
        if self.is_running():
            return self.url
        deadline = Deadline(timeout)
        tools = PostgresTools(pgserver_install_dir(), unprivileged_user())
        prepare_cluster(tools, self.pgdata)
        tried: list[int] = []
        while self._port is None:
            port = free_port(load_ports(self._ports_path).get("postgres"), avoid=tried)
            tried.append(port)
            self._launch(tools, port, deadline, last_try=len(tried) >= 3)
        save_ports(self._ports_path, {"postgres": self.port})
        create_database(tools, self.port, self.database)
        return self.url

    def stop(self, *, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT, as `pg_ctl stop -m fast` sends), SIGKILL after `timeout` s."""
        if self._process is not None:
            code = process.stop_process(self._process, signal.SIGINT, timeout=timeout)
            if code != 0:  # negative: killed by that signal (by us after `timeout` s, or by others)
                _log.warning("PostgreSQL stopped with exit code %d", code)
            self._process = None
        self._port = None
        if self._socket_tmp is not None:
            shutil.rmtree(self._socket_tmp, ignore_errors=True)
            self._socket_tmp = None

    def _socket_dir(self, tools: PostgresTools) -> Path:
        if len(str(self.pgdata / ".s.PGSQL.65535")) <= _SOCKET_PATH_MAX:
            return self.pgdata
        if self._socket_tmp is None:  # the cluster's path is too long for a unix socket
            self._socket_tmp = Path(tempfile.mkdtemp(prefix="civic311pg-", dir="/tmp"))
            if tools.user is not None:
                tools.user.own_tree(self._socket_tmp)
        return self._socket_tmp

    def _launch(self, tools: PostgresTools, port: int, deadline: Deadline, *, last_try: bool) -> None:
        since = process.log_size(self.log_path)
        command = [str(tools.path("postgres")), "-D", str(self.pgdata), "-p", str(port)]
        command += ["-c", f"listen_addresses={LOOPBACK}", "-k", str(self._socket_dir(tools))]
        user = tools.user
        with self.log_path.open("ab") as log:
            self._process = server = subprocess.Popen(  # noqa: S603 (our own program, no shell)
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=client_env(),
                cwd=self.pgdata,
                start_new_session=True,
                preexec_fn=process.parent_death_signal(signal.SIGINT),
                user=user.uid if user else None,
                group=user.gid if user else None,
                extra_groups=[] if user else None,
            )
        try:
            started = process.await_ready(server, lambda: is_ready(tools, port), deadline)
        except TimeoutError:
            self.stop()
            tail = process.log_tail(self.log_path, since=since)
            message = f"PostgreSQL not ready in {deadline.seconds:g} s:\n{tail}"
            raise EmbeddedServerError(message) from None
        if started:
            self._port = port
            return
        self._process = None
        tail = process.log_tail(self.log_path, since=since)
        if last_try or not _BIND_FAILED.search(tail):
            raise EmbeddedServerError(f"PostgreSQL exited while starting:\n{tail}")
        # else another program took the port since we chose it: the caller tries another one
