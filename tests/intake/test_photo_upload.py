"""A resident sends a photo with the report form of the running gateway: what is served has no GPS, no
serial and no comment of the phone's; what is not a photo we keep is refused with 400 and stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from civic311_backbone.contracts import RequestCreated, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from tests.intake.test_photos import SERIAL, phone_jpeg, png_claiming
from tests.intake.test_resident_pages import FILED, events_stored, open_form, pothole
from tests.support.processes import gateway_client


@pytest.fixture
async def photos_dir(tmp_path: Path) -> Path:
    return tmp_path / "photos"


@pytest.fixture
async def gateway(
    settings: BackboneSettings, store: EventStore, tmp_path: Path, photos_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_client(
        {**settings_env(settings), "PHOTO_STORE_PATH": str(photos_dir)}, tmp_path
    ) as client:
        yield client


def kept_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_a_photo_sent_with_the_form_is_served_without_what_the_phone_stored_in_it(
    gateway: httpx.AsyncClient, store: EventStore, photos_dir: Path
) -> None:
    token = await open_form(gateway, "/report/POTHOLE")
    sent = phone_jpeg(1600, 1200)
    assert SERIAL.encode() in sent

    filed = await gateway.post(
        "/report/POTHOLE", data=pothole(token), files={"photo": ("IMG_0042.JPG", sent, "image/jpeg")}
    )

    assert filed.status_code == 303, filed.text
    match = FILED.match(filed.headers["location"])
    assert match is not None
    [created] = [from_record(r).payload for r in await store.read_stream(stream_id_for(match.group(1)))]
    assert isinstance(created, RequestCreated) and created.media_url is not None
    served = await gateway.get(created.media_url.removeprefix(str(gateway.base_url).rstrip("/")))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.content.startswith(b"\xff\xd8")
    for kept in (SERIAL.encode(), b"taken at home", b"Phone Maker", b"Exif"):
        assert kept not in served.content
    assert len(kept_files(photos_dir)) == 2  # the photo and its thumbnail
    thumbnail = created.media_url.rsplit("/", 1)[1].removesuffix(".jpg") + ".thumb.jpg"
    assert (await gateway.get(f"/photos/{thumbnail}")).status_code == 200
    for made_up in ("../settings.py", "0" * 32 + ".png", "%2e%2e%2fx"):
        assert (await gateway.get(f"/photos/{made_up}")).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("notes.jpg", b"this is a text file with a photo's name\n" * 20, "image/jpeg"),
        ("bomb.png", png_claiming(100_000, 100_000), "image/png"),
    ],
    ids=["renamed-text", "decompression-bomb"],
)
async def test_what_is_not_a_photo_we_keep_is_refused_with_400_and_nothing_is_stored(
    gateway: httpx.AsyncClient, pool: asyncpg.Pool, photos_dir: Path, name: str, content: bytes, kind: str
) -> None:
    token = await open_form(gateway, "/report/POTHOLE")
    before = await events_stored(pool)

    refused = await gateway.post(
        "/report/POTHOLE", data=pothole(token), files={"photo": (name, content, kind)}
    )

    assert refused.status_code == 400
    assert "not a photo we can keep" in refused.text
    assert 'id="photo"' in refused.text  # the form again, the problem at its field
    assert await events_stored(pool) == before
    assert kept_files(photos_dir) == []
