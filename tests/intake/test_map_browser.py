"""In headless Chromium, with every request that is not to the gateway aborted (no CDN, no tiles): a
resident places the pin by clicking the map and drags it, files with a photo and sees the request on the
tracking page's map; in a second run places it by keyboard, is offered the report already there and
follows it; staff see the queue as a map and a request's place. The map draws the city's own districts
and address points. Screenshots go to each test's tmp_path."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, Geolocation, Page, Route, ViewportSize, expect

from civic311.vendor_assets import LEAFLET, default_destination, vendor
from civic311_backbone.contracts import RequestCreated, from_record
from civic311_backbone.contracts.tracking import parse_tracking_number, stream_id_for
from civic311_city import load_districts
from civic311_city.geocoding import metres
from civic311_city.geocoding.sample import sample_points
from civic311_intake.adapters.access import add_staff_account
from tests.intake.open311_support import Open311Gateway, open311_gateway, pothole
from tests.intake.test_photos import phone_jpeg
from tests.support.waiting import eventually

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
DISTRICTS = load_districts()
POINTS = {p.address: p for p in sample_points()}
CITY_MAP = re.compile(r"^Map of the city")
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def leaflet() -> None:
    """What `make test` does first (the build vendors Leaflet); nothing when it is there already."""
    vendor(LEAFLET, default_destination())


@pytest.fixture(scope="module")
async def gateway(
    leaflet: None, database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    # The relay fills the request index that "already reported?" and the staff queue read.
    log_dir = tmp_path_factory.mktemp("map")
    env = {"PHOTO_STORE_PATH": str(log_dir / "photos")}
    async with open311_gateway(
        database_server_url, nats_server_url, log_dir, env=env, ready_timeout=60
    ) as running:
        yield running


@dataclass
class Visit:
    page: Page
    blocked: list[str] = field(default_factory=list)
    """Every request the page made to anywhere but the gateway (each aborted)."""
    errors: list[str] = field(default_factory=list)
    """The page's script errors and the console's (a refused stylesheet or script is one)."""


@asynccontextmanager
async def visit(
    browser: Browser, gateway: Open311Gateway, viewport: ViewportSize, where: Geolocation | None = None
) -> AsyncIterator[Visit]:
    """A browser tab on the gateway alone; `where` the browser's geolocation, allowed to the page."""
    context = await browser.new_context(
        viewport=viewport,
        locale="en-US",
        base_url=gateway.url,
        geolocation=where,
        permissions=["geolocation"] if where else [],
    )
    origin = f"{gateway.url}/"

    async def only_the_gateway(route: Route) -> None:
        if route.request.url.startswith(origin):
            await route.continue_()
        else:
            seen.blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_the_gateway)
    seen = Visit(page=await context.new_page())

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    seen.page.on("pageerror", lambda error: seen.errors.append(str(error)))
    seen.page.on("console", console)
    try:
        yield seen
    finally:
        await context.close()


async def zoom_in_to_the_houses(page: Page) -> None:
    """The resident zooms in until the map shows the city's address points."""
    houses = page.locator("path.map__address")
    for _ in range(8):
        if await houses.count():
            return
        await page.get_by_role("button", name="Zoom in").click()
        await expect(page.locator(".leaflet-zoom-anim")).to_have_count(0)
    await expect(houses.first).to_be_visible()


async def coordinates(page: Page) -> tuple[float, float]:
    lat = await page.get_by_label("Latitude").input_value()
    long = await page.get_by_label("Longitude").input_value()
    return float(lat), float(long)


async def filed(gateway: Open311Gateway, number: str) -> RequestCreated:
    [created] = [from_record(r) for r in await gateway.store.read_stream(stream_id_for(number))][:1]
    assert isinstance(created.payload, RequestCreated)
    return created.payload


async def reported_at(gateway: Open311Gateway, address: str, description: str) -> str:
    """A pothole a neighbour reported at a house of the sample city, in the index by now."""
    house = POINTS[address]
    number = await gateway.file(
        **pothole(lat=str(house.lat), long=str(house.long), address_string=address, description=description)
    )
    await eventually(
        lambda: gateway.pool.fetchval("SELECT listed FROM request_index WHERE tracking_number = $1", number),
        until=lambda listed: listed is True,
        what=f"{number} in the index",
    )
    return number


def nothing_outside(seen: Visit) -> None:
    assert seen.blocked == []  # nothing was asked of a CDN or a tile server
    assert seen.errors == []


async def test_the_map_data_is_the_citys_own_and_bad_input_is_refused(gateway: Open311Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        districts = await client.get("/api/map/districts")
        house = POINTS["101 Elm Ter"]
        near = {"bbox": f"{house.long - 0.001},{house.lat - 0.001},{house.long + 0.001},{house.lat + 0.001}"}
        around = await client.get("/api/map/addresses", params=near)
        wide = await client.get("/api/map/addresses", params={"bbox": "-71.11,42.31,-71.02,42.39"})
        refused = [
            await client.get("/api/map/addresses", params=params)
            for params in (
                {},
                {"bbox": "1,2,3"},
                {"bbox": "-71,42,-72,43"},
                {"bbox": "a,b,c,d"},
                {"bbox": "nan,42,-71,43"},
                {"bbox": "-71.2,42.2,-70.9,42.5"},  # the whole city at once: zoom in
            )
        ]

    assert districts.status_code == 200
    assert districts.headers["content-type"] == "application/geo+json"
    assert [f["properties"]["name"] for f in districts.json()["features"]] == list(DISTRICTS.names)
    assert around.status_code == 200
    answered = around.json()
    assert answered["truncated"] is False
    addresses = {f["properties"]["address"] for f in answered["features"]}
    assert "101 Elm Ter" in addresses
    for feature in answered["features"]:  # each is where the city's list puts it, and inside the box
        long, lat = feature["geometry"]["coordinates"]
        listed = POINTS[feature["properties"]["address"]]
        assert (lat, long) == (listed.lat, listed.long)
        assert metres(lat, long, house.lat, house.long) < 160
    assert wide.json()["truncated"] is True
    assert len(wide.json()["features"]) == 400  # a bounded number, spread over the view
    spread = [f["geometry"]["coordinates"] for f in wide.json()["features"]]
    assert max(lat for _, lat in spread) - min(lat for _, lat in spread) > 0.05
    assert {r.status_code for r in refused} == {400}
    assert all("bbox" in r.json()["detail"] for r in refused)


async def test_a_resident_places_the_pin_by_clicking_files_with_a_photo_and_sees_it_on_the_tracking_map(
    browser: Browser, gateway: Open311Gateway, tmp_path: Path
) -> None:
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(phone_jpeg(1600, 1200))
    async with visit(browser, gateway, DESKTOP) as seen:
        page = seen.page
        await page.goto("/report/POTHOLE")
        the_map = page.get_by_role("application", name=CITY_MAP)
        await expect(the_map).to_be_visible()
        # No tiles: the city's districts, outlined and named, on a plain background
        await expect(page.locator("path.map__district")).to_have_count(len(DISTRICTS.names))
        await expect(page.locator(".map__district-name")).to_have_text(list(DISTRICTS.names))
        await zoom_in_to_the_houses(page)
        await page.screenshot(path=tmp_path / "1-map-with-the-city-houses.png", full_page=True)

        latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
        await page.get_by_role("button", name="Place the pin here").click()  # at the centre's cross-hair
        await expect(latitude).to_have_value(re.compile(r"^42\.\d{6}$"))
        at_the_centre = await coordinates(page)

        box = await the_map.bounding_box()
        assert box is not None
        await the_map.click(position={"x": box["width"] * 0.62, "y": box["height"] * 0.4})
        await expect(longitude).not_to_have_value(f"{at_the_centre[1]:.6f}")
        await expect(latitude).to_have_value(re.compile(r"^42\.\d{6}$"))
        await expect(longitude).to_have_value(re.compile(r"^-71\.\d{6}$"))
        address = page.get_by_label("Street address or nearest corner")
        await expect(address).to_have_value(re.compile(r"^\d+ \w"))  # the nearest house, from the pin
        clicked = await coordinates(page)
        assert clicked[0] > at_the_centre[0] and clicked[1] > at_the_centre[1]  # up and right of the centre
        district = DISTRICTS.containing(*clicked)
        assert district is not None
        announced = page.locator("[aria-live]", has_text="Pin placed at")
        await expect(announced).to_contain_text(f"{await address.input_value()}, {district} district")

        # The resident drags the pin a little east: the boxes follow it
        pin = page.get_by_alt_text("The problem's place")
        await pin.drag_to(the_map, target_position={"x": box["width"] * 0.62 + 60, "y": box["height"] * 0.4})
        await expect(longitude).not_to_have_value(f"{clicked[1]:.6f}")
        dragged = await coordinates(page)
        assert dragged[1] > clicked[1]
        await page.screenshot(path=tmp_path / "2-pin-placed-and-dragged.png", full_page=True)

        await page.get_by_label("Larger than a car tyre").check()
        await page.get_by_label("Describe the problem").fill("Pothole where the map's pin is.")
        await page.get_by_label(re.compile(r"^Photo")).set_input_files(photo)
        await page.get_by_role("button", name="Send report").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Report received")
        number = parse_tracking_number(await page.locator("[data-tracking-number]").inner_text())

        await page.get_by_role("link", name="Follow this request").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(number)
        place_map = page.get_by_role("region", name=re.compile(r"^Map of the place: "))
        await expect(place_map).to_be_visible()
        await expect(place_map.get_by_alt_text(re.compile(r"^\d+ \w"))).to_be_visible()  # its marker
        await expect(page.locator(".summary-list")).to_contain_text(re.compile(rf"District\s*{district}"))
        await page.screenshot(path=tmp_path / "3-tracking-page-map.png", full_page=True)
        nothing_outside(seen)

    created = await filed(gateway, number)
    assert (created.location.lat, created.location.long) == dragged
    assert created.media_url is not None and "/photos/" in created.media_url


async def test_a_resident_places_the_pin_by_keyboard_and_follows_the_report_already_there(
    browser: Browser, gateway: Open311Gateway, tmp_path: Path
) -> None:
    original = await reported_at(gateway, "101 Elm Ter", "Deep pothole by the school gate")
    house = POINTS["101 Elm Ter"]
    async with visit(browser, gateway, PHONE) as seen:
        page = seen.page
        await page.goto("/report/POTHOLE")
        address = page.get_by_label("Street address or nearest corner")
        await address.fill("101 elm terrace")
        await address.press("Tab")  # the address moves the pin; the map is the next stop
        status = page.locator("[aria-live]", has_text="Pin moved to")
        await expect(status).to_have_text("Pin moved to 101 Elm Ter")
        await expect(page.get_by_label("Latitude")).to_have_value(f"{house.lat:.6f}")

        the_map = page.get_by_role("application", name=CITY_MAP)
        await expect(the_map).to_be_focused()
        await expect(page.locator("path.map__address").first).to_be_visible()
        await page.keyboard.press("ArrowUp")  # the view moves north; the pin goes to its centre
        await page.keyboard.press("Enter")
        await expect(page.locator("[aria-live]", has_text="Pin placed at")).to_be_visible()
        lat, long = await coordinates(page)
        assert lat > house.lat + 0.0002  # tens of metres north of the house
        assert metres(lat, long, house.lat, house.long) < 150
        assert abs(long - house.long) < 0.00005

        panel = page.get_by_role("region", name="Already reported?")
        await expect(panel).to_contain_text("Deep pothole by the school gate")
        await page.screenshot(path=tmp_path / "1-keyboard-pin-and-already-reported.png", full_page=True)
        await panel.get_by_role("link", name=f"This is it: keep me informed ({original})").click()

        await expect(page.get_by_role("heading", level=1)).to_have_text(original)
        place_map = page.get_by_role("region", name="Map of the place: 101 Elm Ter")
        await expect(place_map).to_be_visible()
        await expect(place_map.get_by_alt_text("101 Elm Ter")).to_be_visible()
        await expect(page.locator(".summary-list")).to_contain_text(
            re.compile(rf"District\s*{DISTRICTS.containing(house.lat, house.long)}")
        )
        await page.screenshot(path=tmp_path / "2-original-on-its-tracking-map.png", full_page=True)
        nothing_outside(seen)


async def test_use_my_location_moves_the_pin_and_gives_the_nearest_address(
    browser: Browser, gateway: Open311Gateway
) -> None:
    house = POINTS["230 Beacon Pl"]
    here = Geolocation(latitude=house.lat + 0.00002, longitude=house.long)  # two metres off the house
    async with visit(browser, gateway, PHONE, where=here) as seen:
        page = seen.page
        await page.goto("/report/POTHOLE")
        await expect(page.get_by_role("application", name=CITY_MAP)).to_be_visible()
        await page.get_by_role("button", name="Use my location").click()

        await expect(page.get_by_label("Street address or nearest corner")).to_have_value("230 Beacon Pl")
        await expect(page.locator("[aria-live]", has_text="Pin placed at")).to_contain_text(
            f"230 Beacon Pl, {DISTRICTS.containing(house.lat, house.long)} district"
        )
        await expect(page.get_by_alt_text("The problem's place")).to_be_visible()
        assert await coordinates(page) == (round(here["latitude"], 6), round(here["longitude"], 6))
        nothing_outside(seen)


async def test_staff_see_the_queue_as_a_map_and_open_a_request_from_its_marker(
    browser: Browser, gateway: Open311Gateway, tmp_path: Path
) -> None:
    first = await reported_at(gateway, "230 Beacon Pl", "Pothole in front of the bakery")
    second = await reported_at(gateway, "2 Elm Ter", "Pothole at the end of the street")
    username = f"agent-{first.lower()}"
    await add_staff_account(
        gateway.pool, username=username, password=PASSWORD, display_name="Agent", role="agent"
    )
    async with visit(browser, gateway, DESKTOP) as seen:
        page = seen.page
        await page.goto("/staff/sign-in")
        await page.get_by_label("Username").fill(username)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("link", name="Map", exact=True).click()

        queue_map = page.get_by_role("region", name="Map of the open requests")
        await expect(queue_map).to_be_visible()
        for number, address in ((first, "230 Beacon Pl"), (second, "2 Elm Ter")):
            await expect(
                queue_map.get_by_role("button", name=f"{number} · POTHOLE · {address}")
            ).to_be_visible()
        await page.screenshot(path=tmp_path / "1-queue-as-a-map.png", full_page=True)

        await queue_map.get_by_role("button", name=f"{first} · POTHOLE · 230 Beacon Pl").focus()
        await page.keyboard.press("Enter")  # a marker opens its request by keyboard as by click
        await expect(page.get_by_role("heading", level=1)).to_contain_text(first)
        await page.go_back()
        # The queue's page again: its map laid out and its tiles in before the click, so that the marker
        # is not moved under the pointer (seen on a loaded machine: the click fell on the map beside it).
        await expect(queue_map).to_be_visible()
        await page.wait_for_load_state("networkidle")
        await queue_map.get_by_role("button", name=f"{second} · POTHOLE · 2 Elm Ter").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(second)
        place_map = page.get_by_role("region", name="Map of the place: 2 Elm Ter")
        await expect(place_map).to_be_visible()
        await expect(place_map.get_by_alt_text("2 Elm Ter")).to_be_visible()
        await page.screenshot(path=tmp_path / "2-staff-request-map.png", full_page=True)
        nothing_outside(seen)


async def test_without_javascript_the_form_has_no_map_and_the_boxes_still_file(
    browser: Browser, gateway: Open311Gateway
) -> None:
    context = await browser.new_context(java_script_enabled=False, base_url=gateway.url, locale="en-US")
    page = await context.new_page()
    try:
        await page.goto("/report/POTHOLE")
        await expect(page.get_by_role("application", name=CITY_MAP)).to_be_hidden()
        await expect(page.get_by_role("button", name="Place the pin here")).to_be_hidden()
        await page.get_by_text("Give the position as latitude and longitude").click()
        await page.get_by_label("Latitude").fill("42.3601")
        await page.get_by_label("Longitude").fill("-71.0589")
        await page.get_by_label("Larger than a car tyre").check()
        await page.get_by_role("button", name="Send report").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Report received")
    finally:
        await context.close()
