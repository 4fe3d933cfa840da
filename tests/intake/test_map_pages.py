"""The pages' map, as the pages are served: without Leaflet vendored the form is served without a map (and
the gateway says so); with tiles configured the pages let images come from the tiles' origin and no
other; a tiles URL that is no URL template is refused, naming the setting."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from structlog.testing import capture_logs

from civic311.vendor_assets import LEAFLET, vendor
from civic311_city import CitySettings, load_city
from civic311_intake.entrypoints import pages, web
from civic311_intake.entrypoints.web import map_view
from civic311_intake.settings import IntakeSettings

REQUIRED = {"database_url": "postgresql://civic311@127.0.0.1/civic311", "nats_url": "nats://127.0.0.1:4222"}
TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


def pages_app(*, leaflet: Path, tiles_url: str | None = None) -> FastAPI:
    """The resident pages alone, on the sample city, wired as the gateway wires them."""
    settings = CitySettings()
    city = load_city(settings)
    app = FastAPI()
    app.state.city = city
    layer = web.install(
        app, city_name=settings.city_name, time_zone=settings.city_time_zone, catalogue=city.catalogue
    )
    map_view.install(
        app,
        layer,
        city.districts,
        tiles_url=tiles_url,
        tiles_attribution="Tiles <b>Example</b>",
        leaflet=leaflet,
    )
    pages.install(app)
    return app


async def get(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        return await client.get(path)


@pytest.fixture(scope="module")
def leaflet() -> Path:
    vendor(LEAFLET, map_view.LEAFLET)  # what the build does; nothing when it is there already
    return map_view.LEAFLET


async def test_without_leaflet_the_form_is_served_without_a_map_and_the_gateway_says_so(
    tmp_path: Path,
) -> None:
    with capture_logs() as logged:
        app = pages_app(leaflet=tmp_path / "vendor" / "leaflet")

    form = await get(app, "/report/POTHOLE")

    assert [line["event"] for line in logged if line["log_level"] == "warning"] == ["map.leaflet_missing"]
    assert form.status_code == 200
    assert 'name="lat"' in form.text and 'name="address_string"' in form.text
    assert "data-map" not in form.text
    assert "leaflet" not in form.text


async def test_with_leaflet_and_no_tiles_the_form_has_its_map_and_images_only_from_the_gateway(
    leaflet: Path,
) -> None:
    form = await get(pages_app(leaflet=leaflet), "/report/POTHOLE")

    assert form.status_code == 200
    assert 'data-map="pick"' in form.text
    assert "/static/vendor/leaflet/leaflet.js" in form.text
    assert "data-tiles" not in form.text
    assert "img-src 'self' data:;" in form.headers["content-security-policy"]


async def test_the_map_speaks_spanish_on_the_spanish_form(leaflet: Path) -> None:
    form = await get(pages_app(leaflet=leaflet), "/report/POTHOLE?lang=es")

    assert 'aria-label="Mapa de la ciudad.' in form.text
    assert "Poner el marcador aquí" in form.text
    assert 'data-zoom-in="Acercar"' in form.text


async def test_with_tiles_the_pages_take_images_from_their_origin_and_the_attribution_as_text(
    leaflet: Path,
) -> None:
    form = await get(pages_app(leaflet=leaflet, tiles_url=TILES), "/report/POTHOLE")

    policy = form.headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert "default-src 'self';" in policy  # scripts, styles and the rest: still the gateway only
    assert f'data-tiles="{TILES}"' in form.text
    assert 'data-attribution="Tiles &lt;b&gt;Example&lt;/b&gt;"' in form.text


@pytest.mark.parametrize(
    "url",
    [
        "tiles.example.org/{z}/{x}/{y}.png",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/{z}/{x}.png",
        "https://tiles.example.org/{z}/{x}/{y}.png' 'unsafe-inline",
        "https://tiles.{s}.example.org/{z}/{x}/{y}.png",
    ],
)
def test_a_tiles_url_that_is_no_url_template_is_refused_naming_the_setting(url: str) -> None:
    with pytest.raises(ValidationError, match="map_tiles_url"):
        IntakeSettings.model_validate({**REQUIRED, "map_tiles_url": url})


def test_a_tiles_url_template_is_taken_and_unset_is_no_tiles() -> None:
    assert IntakeSettings.model_validate({**REQUIRED, "map_tiles_url": TILES}).map_tiles_url == TILES
    assert IntakeSettings.model_validate(REQUIRED).map_tiles_url is None
