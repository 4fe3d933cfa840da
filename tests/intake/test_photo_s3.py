"""Photos in an S3-compatible bucket: the folder's contract, written once and run against both stores, then the
running gateway with PHOTO_STORE=s3 keeping an Open311 client's photo in the bucket and serving it back.

No real S3 is reachable from the tests: the bucket is served by moto's server mode, a stand-in S3 server
started here on a local port and spoken to over HTTP by the same aiobotocore client the gateway uses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from aiobotocore.session import get_session  # type: ignore[import-untyped]
from moto.server import ThreadedMotoServer
from pydantic import SecretStr, ValidationError

from civic311_backbone.embedded.ports import free_port
from civic311_intake.adapters.photo_store import FolderPhotoStore, PhotoStore, new_keys
from civic311_intake.adapters.s3_photo_store import S3PhotoStore
from civic311_intake.settings import IntakeSettings
from tests.intake.open311_support import Open311Gateway, event_count, open311_gateway, pothole
from tests.intake.test_photos import SERIAL, phone_jpeg

KEY_ID, SECRET = "test-key-id", "test-secret-never-shown"


@pytest.fixture(scope="module")
def stand_in_s3() -> Iterator[str]:
    """moto's S3 in server mode on a free local port: its endpoint URL."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@asynccontextmanager
async def s3_client(endpoint: str) -> AsyncIterator[Any]:
    async with get_session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    ) as client:
        yield client


async def new_bucket(endpoint: str) -> str:
    bucket = f"photos-{uuid4().hex[:12]}"
    async with s3_client(endpoint) as s3:
        await s3.create_bucket(Bucket=bucket)
    return bucket


async def objects_in(endpoint: str, bucket: str) -> list[str]:
    async with s3_client(endpoint) as s3:
        listed = await s3.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


@asynccontextmanager
async def store_of(kind: str, endpoint: str, tmp_path: Path) -> AsyncIterator[PhotoStore]:
    store: PhotoStore
    if kind == "folder":
        store = FolderPhotoStore(tmp_path / "photos")
    else:
        bucket = await new_bucket(endpoint)
        store = S3PhotoStore(
            bucket=bucket,
            access_key_id=KEY_ID,
            secret_access_key=SecretStr(SECRET),
            region="us-east-1",
            endpoint_url=endpoint,
            prefix="city/",
        )
    try:
        yield store
    finally:
        await store.close()


@pytest.mark.parametrize("kind", ["folder", "s3"])
async def test_every_store_keeps_gives_back_and_forgets_a_photo(
    kind: str, stand_in_s3: str, tmp_path: Path
) -> None:
    async with store_of(kind, stand_in_s3, tmp_path) as store:
        image, thumbnail = new_keys()
        assert await store.get(image) is None

        await store.put(image, b"\xff\xd8 the photo")
        await store.put(thumbnail, b"\xff\xd8 small")
        await store.put(image, b"\xff\xd8 the photo, again")  # a retry writes the same key whole

        assert await store.get(image) == b"\xff\xd8 the photo, again"
        assert await store.get(thumbnail) == b"\xff\xd8 small"
        await store.delete(image)
        await store.delete(image)  # forgetting twice is no error
        assert await store.get(image) is None and await store.get(thumbnail) == b"\xff\xd8 small"
        for made_up in ("../settings.py", "a/b.jpg", "0" * 32 + ".png"):
            with pytest.raises(ValueError, match="not a photo key"):
                await store.put(made_up, b"x")


async def test_the_s3_store_keeps_its_photos_under_the_prefix_in_its_bucket(stand_in_s3: str) -> None:
    bucket = await new_bucket(stand_in_s3)
    store = S3PhotoStore(
        bucket=bucket,
        access_key_id=KEY_ID,
        secret_access_key=SecretStr(SECRET),
        region="us-east-1",
        endpoint_url=stand_in_s3,
        prefix="city/",
    )
    image, _ = new_keys()
    try:
        await store.put(image, b"\xff\xd8")
    finally:
        await store.close()
    assert await objects_in(stand_in_s3, bucket) == [f"city/{image}"]


def test_photo_store_s3_needs_its_bucket_and_both_halves_of_its_key_and_never_shows_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PHOTO_STORE", "s3")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", KEY_ID)
    with pytest.raises(ValidationError, match="PHOTO_STORE=s3 needs S3_BUCKET, S3_SECRET_ACCESS_KEY"):
        IntakeSettings()
    monkeypatch.setenv("S3_BUCKET", "city-photos")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", SECRET)
    settings = IntakeSettings()
    assert settings.s3_secret_access_key is not None
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


@pytest.fixture(scope="module")
async def bucket(stand_in_s3: str) -> str:
    return await new_bucket(stand_in_s3)


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str,
    nats_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    stand_in_s3: str,
    bucket: str,
) -> AsyncIterator[Open311Gateway]:
    env = {
        "PHOTO_STORE": "s3",
        "S3_ENDPOINT_URL": stand_in_s3,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET,
    }
    async with open311_gateway(
        database_server_url, nats_server_url, tmp_path_factory.mktemp("photo-s3"), relay=False, env=env
    ) as gateway:
        yield gateway


async def test_the_gateway_keeps_an_open311_photo_in_the_bucket_and_serves_it_without_the_phones_metadata(
    open311: Open311Gateway, stand_in_s3: str, bucket: str
) -> None:
    data = {"api_key": open311.api_key, **pothole()}
    refused = await open311.client.post(
        "/requests.json", data=data, files={"media": ("x.jpg", b"not a photo " * 40, "image/jpeg")}
    )
    assert refused.status_code == 400 and await objects_in(stand_in_s3, bucket) == []
    events_before = await event_count(open311.pool)

    posted = await open311.client.post(
        "/requests.json", data=data, files={"media": ("IMG_7.JPG", phone_jpeg(1600, 1200), "image/jpeg")}
    )

    assert posted.status_code == 200, posted.text
    assert await event_count(open311.pool) == events_before + 1
    number = posted.json()[0]["service_request_id"]
    [read] = (await open311.client.get(f"/requests/{number}.json")).json()
    key = read["media_url"].rsplit("/photos/", 1)[1]
    assert await objects_in(stand_in_s3, bucket) == sorted([key, key.replace(".jpg", ".thumb.jpg")])
    async with s3_client(stand_in_s3) as s3:
        stored = await (await s3.get_object(Bucket=bucket, Key=key))["Body"].read()
    served = await open311.client.get(read["media_url"])
    assert served.status_code == 200 and served.content == stored
    assert SERIAL.encode() not in served.content and b"Exif" not in served.content
