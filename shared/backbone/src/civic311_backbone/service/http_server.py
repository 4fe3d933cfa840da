"""The HTTP server every service runs (uvicorn), with the limits uvicorn leaves open.

- Headers: uvicorn waits for a request's headers as long as the client likes, so a client that opens a
  connection and trickles (or never sends) its headers holds it for ever (slowloris). Each connection
  here must finish a request's headers within `http_header_timeout_seconds` of connecting or of the
  request's first byte; then it is closed. Bodies are the app's to time (intake's protection).
- Proxies: forwarded headers (X-Forwarded-For, X-Forwarded-Proto) are believed only from the addresses
  in FORWARDED_ALLOW_IPS; by default none, so the client address is the peer's and cannot be made up.
"""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from civic311_backbone.settings import HttpSettings


def http_config(app: ASGIApp, settings: HttpSettings) -> uvicorn.Config:
    """uvicorn's configuration for `app` from the service's HTTP settings."""
    proxies = [ip.strip() for ip in settings.forwarded_allow_ips.split(",") if ip.strip()]
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        http=_with_header_deadline(settings.http_header_timeout_seconds),
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        timeout_keep_alive=int(settings.http_keep_alive_seconds),
        log_config=None,
        access_log=False,
        lifespan="off",
    )


def _with_header_deadline(seconds: float) -> type[asyncio.Protocol]:
    class HeaderDeadline(HttpToolsProtocol):
        """Closes a connection whose request headers are not complete `seconds` after it began."""

        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._deadline is None:
                self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

    return HeaderDeadline
