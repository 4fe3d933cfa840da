"""PostgreSQL and NATS for the services: the ones the environment names, else embedded ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from civic311_backbone.embedded import EmbeddedNats, EmbeddedPostgres
from civic311_backbone.embedded.process import EmbeddedServerError


@dataclass(frozen=True)
class Backbone:
    database_url: str
    nats_url: str
    postgres: EmbeddedPostgres | None
    nats: EmbeddedNats | None

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "NATS_URL": self.nats_url}

    def dead_server(self) -> str | None:
        """The name of an embedded server that has exited, if one has."""
        if self.postgres is not None and not self.postgres.is_running():
            return f"the embedded PostgreSQL (log: {self.postgres.log_path})"
        if self.nats is not None and not self.nats.is_running():
            return f"the embedded NATS server (log: {self.nats.log_path})"
        return None

    def revive(self) -> list[str]:
        """Start again every embedded server that has exited, on its data and its port (the services
        were told that port); the names of those started. EmbeddedServerError if one cannot be yet
        (its port still held, say): the caller tries again later."""
        revived = []
        for server, url, name in (
            (self.postgres, self.database_url, "the embedded PostgreSQL"),
            (self.nats, self.nats_url, "the embedded NATS server"),
        ):
            if server is None or server.is_running():
                continue
            server.stop()  # reap the dead process and forget its port
            started = server.start()
            if started != url:
                server.stop()
                raise EmbeddedServerError(f"{name} came back on another port; its port is still taken")
            revived.append(name)
        return revived


@contextmanager
def backbone_servers(
    data_dir: Path, environ: Mapping[str, str], say: Callable[[str], None]
) -> Iterator[Backbone]:
    """Start what DATABASE_URL / NATS_URL do not provide; stop it again on exit (NATS first)."""
    with ExitStack() as stack:
        postgres = nats = None
        database_url = environ.get("DATABASE_URL", "")
        if database_url:
            say(f"using the PostgreSQL at DATABASE_URL ({without_password(database_url)})")
        else:
            postgres = EmbeddedPostgres(data_dir / "postgres")
            say(f"starting the embedded PostgreSQL (data in {postgres.data_dir})")
            stack.callback(postgres.stop)
            database_url = postgres.start()
        nats_url = environ.get("NATS_URL", "")
        if nats_url:
            say(f"using the NATS at NATS_URL ({without_password(nats_url)})")
        else:
            nats = EmbeddedNats(data_dir / "nats")
            say(f"starting the embedded NATS server (data in {nats.data_dir})")
            stack.callback(nats.stop)
            nats_url = nats.start()
        yield Backbone(database_url=database_url, nats_url=nats_url, postgres=postgres, nats=nats)
        say("stopping the backbone servers")


def without_password(url: str) -> str:
    """`url` with its password (if any) replaced by ***, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
