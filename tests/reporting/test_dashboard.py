"""The manager's dashboard in headless Chromium, on a city's worth of requests; screenshots to judge."""

from __future__ import annotations

from pathlib import Path

from nats.aio.client import Client as NatsClient
from playwright.async_api import Browser, expect

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.reporting.city import a_busy_city, store_requests
from tests.reporting.reporting_process import reporting_client
from tests.support.browser import screenshot_path


async def test_the_dashboard_shows_a_city_s_sla_figures_charts_and_map(
    browser: Browser,
    store: EventStore,
    nats_client: NatsClient,
    settings: BackboneSettings,
    tmp_path: Path,
) -> None:
    city = a_busy_city()
    stored = await store_requests(store, city)

    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        expected = (await client.get("/api/reports/sla-by-department.json")).json()
        works = next(r for r in expected["rows"] if r["department"] == "Public Works")
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        page = await context.new_page()
        await page.goto(f"{client.base_url}/dashboard")

        await expect(page.get_by_role("heading", level=1)).to_have_text("Service requests: SLA dashboard")
        await expect(page.get_by_text("Duplicates are excluded from on-time figures.")).to_be_visible()
        row = page.locator("#table-sla-by-department tbody tr", has_text="Public Works")
        await expect(row.locator("td").nth(0)).to_have_text(str(works["requests"]))
        await expect(row.locator("td").nth(2)).to_have_text(str(works["overdue"]))
        overdue = sum(r["overdue"] for r in expected["rows"])
        await expect(page.locator(".kpis li").nth(0)).to_have_text(f"{len(city)}requests")
        await expect(page.locator(".kpis li").nth(2)).to_contain_text(f"{overdue}overdue")
        for chart in ("Open and overdue requests by department", "Requests created and closed per week"):
            await expect(page.get_by_role("img", name=chart)).to_be_visible()
        await expect(page.locator("svg.map .district-name")).to_have_text(["North", "East", "South", "West"])
        await expect(page.get_by_label("Department", exact=True)).to_be_visible()
        types = page.get_by_label("Request type", exact=True)
        await expect(types.locator('option[value="POTHOLE"]')).to_have_text("Pothole")  # the catalogue's
        await expect(types.locator('option[value="STREETLIGHT"]')).to_have_text("STREETLIGHT")  # not in it
        await page.screenshot(path=screenshot_path("dashboard"), full_page=True)

        await page.get_by_label("Department", exact=True).select_option("Parks")
        await page.get_by_role("button", name="Apply").click()
        await expect(page).to_have_url(f"{client.base_url}/dashboard?department=Parks")
        await expect(page.locator("#table-sla-by-department tbody tr")).to_have_count(1)
        parks = sum(1 for r in city if r.department == "Parks")
        await expect(page.locator(".kpis li").first).to_contain_text(f"{parks}")
        await context.close()

        phone = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        small = await phone.new_page()
        await small.goto(f"{client.base_url}/dashboard")
        await expect(small.get_by_role("heading", level=1)).to_be_visible()
        narrow = small.get_by_role("img", name="Open and overdue requests by department")
        await expect(narrow).to_have_attribute("width", "330")  # the phone's drawing, text at full size
        overflow = await small.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        await small.screenshot(path=screenshot_path("dashboard-phone"), full_page=True)
        await phone.close()

    assert overflow == 0  # nothing wider than the phone's screen
