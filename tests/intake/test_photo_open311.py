"""An Open311 client sends a photo as the multipart file part `media` (the GeoReport v2 extension the cities'
APIs take): the request's media_url is the gateway's own link to the photo re-encoded without what the phone
stored in it, in GET a request and in GET requests; a file that is not a photo we keep is refused with 400
naming `media`, and nothing is stored: no event, no file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.intake.open311_support import Open311Gateway, event_count, open311_gateway, pothole, xml_of
from tests.intake.test_photo_upload import kept_files
from tests.intake.test_photos import SERIAL, phone_jpeg, png_claiming


@pytest.fixture(scope="module")
def photos_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("open311-photos") / "photos"


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str,
    nats_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    photos_dir: Path,
) -> AsyncIterator[Open311Gateway]:
    env = {"PHOTO_STORE_PATH": str(photos_dir)}
    async with open311_gateway(
        database_server_url, nats_server_url, tmp_path_factory.mktemp("photo-open311"), env=env
    ) as gateway:
        yield gateway


async def post_with_media(
    open311: Open311Gateway,
    media: tuple[str, bytes, str],
    fmt: str = "json",
    headers: dict[str, str] | None = None,
    **fields: str,
) -> httpx.Response:
    data = {"api_key": open311.api_key, **pothole(), **fields}
    return await open311.client.post(f"/requests.{fmt}", data=data, files={"media": media}, headers=headers)


async def served(open311: Open311Gateway, media_url: str) -> httpx.Response:
    assert media_url.startswith(open311.url + "/photos/"), media_url
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.get(media_url)


async def test_a_photo_posted_as_media_is_the_requests_media_url_and_served_without_the_phones_metadata(
    open311: Open311Gateway,
) -> None:
    sent = phone_jpeg(1600, 1200)
    assert SERIAL.encode() in sent

    posted = await post_with_media(open311, ("IMG_0042.JPG", sent, "image/jpeg"))

    assert posted.status_code == 200, posted.text
    [answer] = posted.json()
    number = answer["service_request_id"]
    [read] = (await open311.client.get(f"/requests/{number}.json")).json()
    photo = await served(open311, read["media_url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    for gone in (SERIAL.encode(), b"taken at home", b"Phone Maker", b"Exif"):
        assert gone not in photo.content
    [listed] = await open311.indexed(number)
    assert listed["media_url"] == read["media_url"]
    one = xml_of(await open311.client.get(f"/requests/{number}.xml"))
    assert one.findtext("request/media_url") == read["media_url"]


async def test_the_same_photo_sent_again_under_one_idempotency_key_is_filed_and_kept_once(
    open311: Open311Gateway, photos_dir: Path
) -> None:
    sent = phone_jpeg(800, 600)
    retry = {"Idempotency-Key": "photo-retry-1"}

    first = await post_with_media(open311, ("a.jpg", sent, "image/jpeg"), headers=retry)
    files_after_first = len(kept_files(photos_dir))
    again = await post_with_media(open311, ("a.jpg", sent, "image/jpeg"), headers=retry)
    other = await post_with_media(open311, ("b.jpg", phone_jpeg(640, 480), "image/jpeg"), headers=retry)

    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert other.status_code == 422 and "Idempotency-Key" in other.text
    assert len(kept_files(photos_dir)) == files_after_first  # the other photo was not kept either


@pytest.mark.parametrize(
    ("media", "why"),
    [
        (("notes.jpg", b"this is a text file with a photo's name\n" * 20, "image/jpeg"), "not a JPEG, PNG"),
        (("bomb.png", png_claiming(100_000, 100_000), "image/png"), "pixels"),
        (("empty.jpg", b"", "image/jpeg"), "empty"),
    ],
    ids=["renamed-text", "decompression-bomb", "empty"],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_what_is_not_a_photo_we_keep_is_refused_with_400_naming_media_and_nothing_is_stored(
    open311: Open311Gateway, photos_dir: Path, media: tuple[str, bytes, str], why: str, fmt: str
) -> None:
    events_before, files_before = await event_count(open311.pool), kept_files(photos_dir)

    refused = await post_with_media(open311, media, fmt)

    assert refused.status_code == 400
    if fmt == "json":
        [problem] = refused.json()
        assert problem["code"] == 400
        description = problem["description"]
    else:
        description = xml_of(refused).findtext("error/description") or ""
    assert description.startswith("media: ") and why in description, description
    assert await event_count(open311.pool) == events_before
    assert kept_files(photos_dir) == files_before


async def test_media_as_text_or_beside_a_media_url_or_with_a_bad_field_is_refused_and_nothing_is_kept(
    open311: Open311Gateway, photos_dir: Path
) -> None:
    events_before, files_before = await event_count(open311.pool), kept_files(photos_dir)
    photo = ("p.jpg", phone_jpeg(), "image/jpeg")

    as_text = await open311.post(**pothole(media="https://example.org/p.jpg"))
    both = await post_with_media(open311, photo, media_url="https://example.org/p.jpg")
    bad_field = await post_with_media(open311, photo, lat="north")

    assert as_text.status_code == both.status_code == bad_field.status_code == 400
    assert "media: the photo itself as a file part" in as_text.text
    assert "media: give media or media_url, not both" in both.text
    assert "lat: a number" in bad_field.text
    assert await event_count(open311.pool) == events_before
    assert kept_files(photos_dir) == files_before


async def test_a_photo_larger_than_the_ordinary_body_limit_is_taken(open311: Open311Gateway) -> None:
    # MAX_BODY_BYTES (1 MB by default) bounds other posts; a photo may be MAX_PHOTO_BYTES more.
    noisy = phone_jpeg(3000, 2500)
    padded = noisy + b"\0" * max(0, 1_500_000 - len(noisy))  # bytes after the JPEG's end are ignored

    posted = await post_with_media(open311, ("big.jpg", padded, "image/jpeg"))

    assert posted.status_code == 200, posted.text
