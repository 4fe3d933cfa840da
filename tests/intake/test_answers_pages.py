"""The answers on the resident site, over HTTP from the running gateway: search with a misspelled or a
Spanish question, read an answer in the page's language, go on to report its type; linked from the
home page and the report pages; nothing of who wrote it shown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from tests.intake.desk_support import RunningDesk
from tests.intake.test_answers import ARTICLES
from tests.support.processes import gateway_client


@pytest.fixture
async def site(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, tmp_path: Path
) -> AsyncIterator[RunningDesk]:
    async with gateway_client(settings_env(settings), tmp_path) as client:
        running = RunningDesk(client=client, store=store, pool=pool)
        admin = await running.staff("admin")
        for (slug, language), (title, body, codes) in ARTICLES.items():
            written = await client.put(
                f"/api/staff/answers/{slug}/{language}",
                headers=admin,
                json={"title": title, "body": body, "service_codes": codes},
            )
            assert written.status_code == 200, written.text
        yield running


async def test_residents_search_and_read_the_answers_in_english_and_spanish(site: RunningDesk) -> None:
    client = site.client
    empty = await client.get("/answers", params={"lang": "en"})
    assert empty.status_code == 200 and 'name="q"' in empty.text

    found = await client.get("/answers", params={"q": "holliday trash pickup", "lang": "en"})
    assert found.status_code == 200
    assert (
        '<a href="/answers/holiday-collection">Trash and recycling collection on holidays</a>' in found.text
    )

    spanish = await client.get("/answers", params={"q": "apelar multa estacionamento", "lang": "es"})
    assert '<html lang="es"' in spanish.text
    assert '<a href="/answers/parking-ticket">Pagar o apelar una multa de estacionamiento</a>' in spanish.text

    article = await client.get("/answers/holiday-collection", params={"lang": "es"})
    assert article.status_code == 200
    assert "Recolección de basura y reciclaje en días festivos" in article.text
    assert 'href="/report/MISSED_TRASH"' in article.text and "Repórtelo" in article.text
    assert "staff:" not in article.text  # who wrote it is for the desk

    only_english = await client.get("/answers/dead-animal", params={"lang": "es"})
    assert only_english.status_code == 200 and "Dead animal removal" in only_english.text
    assert "todavía no está escrita en español" in only_english.text

    nothing = await client.get("/answers/nothing-here", params={"lang": "en"})
    assert nothing.status_code == 404 and "No such answer" in nothing.text
    none_found = await client.get("/answers", params={"q": "zzzz qqqq", "lang": "en"})
    assert none_found.status_code == 200 and "No answer found" in none_found.text

    for page in ("/", "/report"):
        linked = await client.get(page, params={"lang": "en"})
        assert 'href="/answers"' in linked.text, page
