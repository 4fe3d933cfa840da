"""The pages' map: whether Leaflet is there to draw it, the city's extent, and tiles where configured.

Leaflet is vendored by the build (`python -m civic311.vendor_assets`) into static/vendor/leaflet/; when it
is absent the pages are served without a map (the address and coordinate boxes do the work), and the
gateway says so once at start. Without `MAP_TILES_URL` the map draws the city's own data on a plain
background, so it works with no internet; with it, the page's Content-Security-Policy lets images come
from the tiles' origin too, and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import structlog
from fastapi import FastAPI

from civic311_city import Districts
from civic311_intake.entrypoints.web.rendering import STATIC_URL, WEB, Web

LEAFLET = WEB / "static" / "vendor" / "leaflet"
_IMAGES = "img-src 'self' data:"

log = structlog.get_logger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class MapView:
    """What every template sees as `map_view`."""

    available: bool
    """Leaflet is vendored: the pages draw the map (with JavaScript; without, the boxes remain)."""
    bounds: tuple[float, float, float, float] | None
    """The districts' extent: south, west, north, east."""
    tiles_url: str | None
    tiles_attribution: str

    @property
    def bounds_text(self) -> str:
        return ",".join(f"{edge:.6f}" for edge in self.bounds) if self.bounds else ""

    def asset(self, name: str) -> str:
        return f"{STATIC_URL}/vendor/leaflet/{name}"


def city_bounds(districts: Districts) -> tuple[float, float, float, float] | None:
    edges = [district.area.bounds for district in districts]  # (west, south, east, north) each
    if not edges:
        return None
    return (
        min(e[1] for e in edges),
        min(e[0] for e in edges),
        max(e[3] for e in edges),
        max(e[2] for e in edges),
    )


def tiles_origin(tiles_url: str) -> str:
    """The origin a CSP names for a tiles URL: `https://{s}.tile.example.org/…` is `https://*.tile.example.org`."""
    parts = urlsplit(tiles_url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def install(
    app: FastAPI,
    web: Web,
    districts: Districts,
    *,
    tiles_url: str | None,
    tiles_attribution: str,
    leaflet: Path = LEAFLET,
) -> MapView:
    """Give every template `map_view`; with tiles, allow their origin's images (web.install first).
    `leaflet`: where the vendored files are looked for (the static folder's vendor/leaflet/)."""
    available = (leaflet / "leaflet.js").is_file() and (leaflet / "leaflet.css").is_file()
    if not available:
        log.warning(
            "map.leaflet_missing",
            detail="Leaflet is not vendored: the pages are served without a map "
            "(run python -m civic311.vendor_assets)",
            folder=str(leaflet),
        )
    view = MapView(
        available=available,
        bounds=city_bounds(districts),
        tiles_url=tiles_url,
        tiles_attribution=tiles_attribution,
    )
    web.environment.globals["map_view"] = view
    if tiles_url is not None:
        app.add_middleware(_TileImages, origin=tiles_origin(tiles_url))
    return view


class _TileImages:
    """Adds the tiles' origin to img-src of every Content-Security-Policy the pages send."""

    def __init__(self, app: App, origin: str) -> None:
        self.app = app
        self.origin = origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, value.replace(_IMAGES.encode(), f"{_IMAGES} {self.origin}".encode()))
                    if name.lower() == b"content-security-policy"
                    else (name, value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, sending)
