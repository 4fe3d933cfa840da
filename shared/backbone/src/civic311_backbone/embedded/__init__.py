"""Embedded PostgreSQL and NATS servers from the wheels, for `civic311 run` and for tests.

Each takes a data folder of its own and is a context manager (or call `start()` / `stop()`)::

    with EmbeddedPostgres(data / "postgres") as pg, EmbeddedNats(data / "nats") as nats:
        database_url, nats_url = pg.url, nats.url
"""

from civic311_backbone.embedded.nats import EmbeddedNats
from civic311_backbone.embedded.nats_tools import nats_server_binary
from civic311_backbone.embedded.ports import assign_ports, free_port, port_is_free
from civic311_backbone.embedded.postgres import EmbeddedPostgres
from civic311_backbone.embedded.process import EmbeddedServerError, parent_death_signal
from civic311_backbone.embedded.waiting import Deadline, wait_until

__all__ = [
    "Deadline",
    "EmbeddedNats",
    "EmbeddedPostgres",
    "EmbeddedServerError",
    "assign_ports",
    "free_port",
    "nats_server_binary",
    "parent_death_signal",
    "port_is_free",
    "wait_until",
]
