"""What shields the gateway: a cap on request bodies and on how long one may take to arrive, a rate limit
on POSTs per client, and no internals in error answers.

The limits are plain ASGI middleware, so they act before a body is parsed or anything is appended.
The rate limit is a moving window per client address, kept in this process (the `limits` library).
The client address is the peer's, unless the peer is one of FORWARDED_ALLOW_IPS (the proxies in front,
none by default): only then does the runner let uvicorn take it from X-Forwarded-For, so a client
cannot name itself anew with each request.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic311_backbone.service.outage import is_outage
from civic311_intake.entrypoints.api.form_encoding import FormEncoding

log = structlog.get_logger(__name__)


async def _refuse(
    send: Send, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """413 for a body over `max_bytes`, whether it says its length or streams it in chunks; 408 for a body
    whose next part takes longer than `timeout` seconds to arrive (a stalled or trickling client)."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, timeout: float, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger = dict(larger or {})
        """Paths (by prefix) that take larger bodies: the forms that carry a photo."""
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        max_bytes = next((n for p, n in self.larger.items() if path.startswith(p)), self.default_max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await _refuse(send, 413, f"request body over {max_bytes} bytes")
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            try:
                async with asyncio.timeout(self.timeout):
                    message = await receive()
            except TimeoutError:
                raise BodyStalled from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await _refuse(send, 413, f"request body over {max_bytes} bytes")
        except BodyStalled:
            log.info("request body stalled", path=scope["path"])
            await _refuse(send, 408, f"the request body did not arrive within {self.timeout:g} s")


# HTTPExceptions, so that a framework reading the body for a route passes them on as they are.
class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "request body too large")


class BodyStalled(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, "request body did not arrive in time")


# Signed webhooks come from a provider's few addresses on behalf of many residents: they are
# authenticated and made idempotent instead of being limited per address.
UNLIMITED_PATHS = ("/channels/",)


class PostRateLimit:
    """429 with Retry-After when one client sends more than `per_minute` POSTs in a moving minute."""

    def __init__(self, app: ASGIApp, *, per_minute: int) -> None:
        self.app = app
        self.item = RateLimitItemPerMinute(per_minute)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or str(scope["path"]).startswith(UNLIMITED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        if not await self.limiter.hit(self.item, key):
            stats = await self.limiter.get_window_stats(self.item, key)
            retry = max(1, int(stats.reset_time - time.time()))
            log.warning("rate limited", client=key)
            await _refuse(
                send,
                429,
                f"more than {self.item.amount} requests a minute from this client; try again later",
                ((b"retry-after", str(retry).encode()),),
            )
            return
        await self.app(scope, receive, send)


RETRY_AFTER_SECONDS = 5


class StoreOutage:
    """503 with Retry-After while the store or the bus cannot be reached, whatever part of the app met it
    (a route, a dependency, another middleware; wrapped or not), logged as one line. Outermost of the
    app's own middleware, so nothing below it turns an outage into a 500 or a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as error:
            if started or not is_outage(error):
                raise
            await _unavailable(str(scope.get("path", "")), error)(scope, receive, send)


def _unavailable(path: str, error: BaseException) -> JSONResponse:
    # The store is away (readiness says so too): nothing was appended unless the client is told so,
    # and a POST retried with its Idempotency-Key is filed once. One line, not a traceback.
    log.warning("store unavailable", path=path, error=type(error).__name__)
    return JSONResponse(
        {"detail": "the service is briefly unavailable; try again shortly"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _internal_error(request: Request, error: Exception) -> JSONResponse:
    if is_outage(error):
        return _unavailable(request.url.path, error)
    log.exception("unhandled error", path=request.url.path, method=request.method)
    return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)


async def _client_left(request: Request, error: Exception) -> Response:
    """The client hung up before its body arrived: nothing was done, and nobody is there to answer."""
    log.info("client disconnected mid-request", path=request.url.path)
    return Response(status_code=499)


def protect(
    app: FastAPI,
    *,
    max_body_bytes: int,
    posts_per_minute: int,
    body_timeout: float,
    larger_bodies: Mapping[str, int] | None = None,
) -> None:
    """Install the limits on `app` (no rate limit when `posts_per_minute` is 0); `larger_bodies`: the
    paths (by prefix) that may take more than `max_body_bytes`."""
    app.add_exception_handler(ClientDisconnect, _client_left)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(FormEncoding)  # inside the limits: they bound and time the body it reads
    if posts_per_minute:
        app.add_middleware(PostRateLimit, per_minute=posts_per_minute)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes, timeout=body_timeout, larger=larger_bodies)
    app.add_middleware(StoreOutage)  # last added, so outermost: it sees what every layer below raises
