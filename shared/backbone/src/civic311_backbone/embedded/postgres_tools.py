"""The PostgreSQL programs the `pgserver` wheel ships, and the chores done with them."""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
from pathlib import Path

from civic311_backbone.embedded.ports import LOOPBACK
from civic311_backbone.embedded.process import EmbeddedServerError
from civic311_backbone.embedded.system_user import SystemUser

SUPERUSER = "postgres"

_log = logging.getLogger(__name__)


def pgserver_install_dir() -> Path:
    """The wheel's PostgreSQL installation (bin/, lib/, share/); pgserver is not imported."""
    spec = importlib.util.find_spec("pgserver")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        install = Path(location) / "pginstall"
        if (install / "bin" / "postgres").is_file():
            return install
    raise EmbeddedServerError(
        "the embedded PostgreSQL needs the pgserver wheel (pip install pgserver), "
        "or set DATABASE_URL to a running server"
    )


def client_env() -> dict[str, str]:
    """Our environment without the PG* variables, which would redirect the tools elsewhere."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


class PostgresTools:
    """Runs the wheel's programs, as `user` when given (we are root and PostgreSQL refuses that)."""

    def __init__(self, install_dir: Path, user: SystemUser | None) -> None:
        self.install_dir = install_dir
        self.user = user

    def path(self, program: str) -> Path:
        return self.install_dir / "bin" / program

    def run(
        self, program: str, *args: str, as_server_user: bool = False, timeout: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        """Run `program` to completion with its output captured; the caller reads returncode.

        Only for programs that leave nothing running behind them: a captured pipe inherited by a
        daemon (as `pg_ctl start` makes) would never close.
        """
        user = self.user if as_server_user else None
        return subprocess.run(  # noqa: S603 (our own programs, arguments are not a shell line)
            [str(self.path(program)), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            env=client_env(),
            stdin=subprocess.DEVNULL,
            cwd=self.install_dir,
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=[] if user else None,
        )

    def check(self, program: str, *args: str, as_server_user: bool = False) -> str:
        """Run `program`, return its standard output; raise with its output if it fails."""
        done = self.run(program, *args, as_server_user=as_server_user)
        if done.returncode != 0:
            output = (done.stderr or done.stdout).strip()
            raise EmbeddedServerError(f"{program} failed ({done.returncode}):\n{output}")
        return done.stdout


def prepare_cluster(tools: PostgresTools, pgdata: Path) -> None:
    """Create and initialise the cluster on first use; stop a server a killed run left on it."""
    pgdata.mkdir(parents=True, exist_ok=True)
    pgdata.chmod(0o700)
    if tools.user is not None:
        tools.user.grant_read_tree(tools.install_dir)
        tools.user.grant_traversal(pgdata)
        tools.user.own_tree(pgdata)
    if not (pgdata / "PG_VERSION").is_file():
        _log.info("initialising a new PostgreSQL cluster in %s", pgdata)
        initdb = ["-D", str(pgdata), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8"]
        tools.check("initdb", *initdb, "--no-locale", "--no-instructions", as_server_user=True)
    elif (pgdata / "postmaster.pid").exists():  # a stale one, its server gone, is harmless
        status = tools.run("pg_ctl", "status", "-D", str(pgdata), as_server_user=True)
        if status.returncode == 0:
            _log.warning("stopping a PostgreSQL left running on %s", pgdata)
            stop = ["stop", "-D", str(pgdata), "-m", "fast", "-w", "-t", "30"]
            tools.check("pg_ctl", *stop, as_server_user=True)


def is_ready(tools: PostgresTools, port: int) -> bool:
    """Whether the server on `port` accepts connections."""
    ready = ["-h", LOOPBACK, "-p", str(port), "-U", SUPERUSER, "-d", "postgres", "-q", "-t", "1"]
    return tools.run("pg_isready", *ready).returncode == 0


def create_database(tools: PostgresTools, port: int, database: str) -> None:
    """Create `database` (a plain name, checked by the caller) unless it exists."""
    psql = ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", LOOPBACK, "-p", str(port)]
    psql += ["-U", SUPERUSER, "-d", "postgres", "-c"]
    exists = f"SELECT 1 FROM pg_database WHERE datname = '{database}'"
    if tools.check("psql", *psql, exists).strip() != "1":
        tools.check("psql", *psql, f'CREATE DATABASE "{database}"')
