"""Settings every civic311 process reads from its environment.

One class per process, built in the entry point and handed in; nothing reads the environment at import.
There are no defaults for where the servers are: an unset DATABASE_URL or NATS_URL is a clear error.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, PostgresDsn, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{value!r} is not an IANA time zone") from error
    return value


TimeZoneName = Annotated[str, AfterValidator(_known_zone)]
"""An IANA time zone name, e.g. America/New_York: the city's clock (CITY_TIME_ZONE)."""


class BackboneSettings(BaseSettings):
    """What every process needs: the store, the bus, logging."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    database_url: PostgresDsn = Field(
        description="PostgreSQL connection URL of the event store, e.g. postgresql://civic311@db/civic311."
    )
    database_schema: str = Field(
        default="public",
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL schema holding the event store's tables.",
    )
    nats_url: str = Field(description="NATS server URL(s), comma-separated, e.g. nats://nats:4222.")
    stream_name: str = Field(
        default="CIVIC311",
        description="Name of the JetStream stream that carries the request events.",
    )
    subject_prefix: str = Field(
        default="civic311",
        description="First token of every event subject, e.g. civic311.request.created.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO")
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto: console on a terminal, JSON otherwise."
    )
    db_pool_min_size: int = Field(default=2, ge=1)
    db_pool_max_size: int = Field(default=10, ge=1)

    @field_validator("nats_url")
    @classmethod
    def _nats_scheme(cls, value: str) -> str:
        for url in value.split(","):
            if not url.strip().startswith(("nats://", "tls://", "ws://", "wss://")):
                raise ValueError(f"{url!r} is not a NATS URL (nats://host:port)")
        return value

    @property
    def nats_servers(self) -> list[str]:
        return [url.strip() for url in self.nats_url.split(",")]


class HttpSettings(BaseSettings):
    """Where a service's HTTP endpoints (health, metrics, its API) listen."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    http_host: str = Field(default="127.0.0.1", description="Address the service's HTTP server binds.")
    http_port: int = Field(default=8000, ge=0, le=65535, description="Port of the HTTP server.")
    http_header_timeout_seconds: float = Field(
        default=10,
        gt=0,
        le=300,
        description="A connection must send a request's headers within this; else it is closed.",
    )
    http_keep_alive_seconds: float = Field(
        default=5, ge=1, le=300, description="An idle kept-alive connection is closed after this."
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Comma-separated addresses of the proxies in front (e.g. 10.0.0.5, or * behind a "
        "private network only); their X-Forwarded-For names the client. Empty: no forwarded header is "
        "believed and the client is the peer.",
    )


class ServiceSettings(BackboneSettings, HttpSettings):
    """What every service process reads: the store, the bus, logging and its HTTP server."""
