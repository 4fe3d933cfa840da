"""Staff and a request's photos, through the running gateway: a crew member attaches a photo (the API and the
request page), the public sees it; a supervisor hides one (a face, a number plate) saying why: the tracking
page, Open311's media_url and the photo's public link stop showing it, staff still see it, and the record
says who hid it and why. Bad files and the wrong roles change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from civic311_backbone.contracts import Assigned, PhotoChanged, from_record, new_event
from civic311_backbone.contracts.tracking import stream_id_for
from tests.intake.desk_support import PUBLIC_WORKS, ROUTING, RunningDesk
from tests.intake.open311_support import Open311Gateway, open311_gateway, pothole
from tests.intake.test_photo_upload import kept_files
from tests.intake.test_photos import SERIAL, phone_jpeg
from tests.intake.test_staff_pages import csrf_of, signed_in_browser
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def photos_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("desk-photos") / "photos"


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory, photos_dir: Path
) -> AsyncIterator[Open311Gateway]:
    env = {"PHOTO_STORE_PATH": str(photos_dir)}
    async with open311_gateway(
        database_server_url, nats_server_url, tmp_path_factory.mktemp("photo-desk"), env=env
    ) as gateway:
        yield gateway


@pytest.fixture(scope="module")
async def desk(open311: Open311Gateway) -> AsyncIterator[RunningDesk]:
    async with httpx.AsyncClient(base_url=open311.url, timeout=30) as client:
        yield RunningDesk(client=client, store=open311.store, pool=open311.pool)


async def with_residents_photo(open311: Open311Gateway) -> tuple[str, str]:
    """A request filed over Open311 with a photo and given to Public Works; its number and media_url."""
    data = {"api_key": open311.api_key, **pothole()}
    posted = await open311.client.post(
        "/requests.json", data=data, files={"media": ("IMG_1.JPG", phone_jpeg(), "image/jpeg")}
    )
    assert posted.status_code == 200, posted.text
    number = posted.json()[0]["service_request_id"]
    assigned = Assigned(department=PUBLIC_WORKS, queue="PWD-Main")
    await open311.store.append(
        stream_id_for(number), [new_event(assigned, actor=ROUTING)], expected_version=1
    )
    [read] = (await open311.client.get(f"/requests/{number}.json")).json()
    return number, read["media_url"]


def path_of(media_url: str) -> str:
    return "/photos/" + media_url.rsplit("/photos/", 1)[1]


async def photo_events(desk: RunningDesk, number: str) -> list[tuple[PhotoChanged, str]]:
    events = [from_record(r) for r in await desk.store.read_stream(stream_id_for(number))]
    return [(e.payload, e.actor.id) for e in events if isinstance(e.payload, PhotoChanged)]


async def test_a_crew_member_attaches_a_photo_and_the_public_sees_it_without_the_phones_metadata(
    desk: RunningDesk, open311: Open311Gateway, photos_dir: Path
) -> None:
    number = await desk.request_with(PUBLIC_WORKS)
    crew = await desk.staff("department_staff", PUBLIC_WORKS)
    agent = await desk.staff("agent")
    files_before = kept_files(photos_dir)

    not_a_photo = await desk.client.post(
        f"/api/staff/requests/{number}/photos",
        headers=crew,
        files={"photo": ("x.jpg", b"text " * 50, "image/jpeg")},
    )
    by_agent = await desk.client.post(
        f"/api/staff/requests/{number}/photos",
        headers=agent,
        files={"photo": ("a.jpg", phone_jpeg(), "image/jpeg")},
    )
    assert not_a_photo.status_code == 422
    assert not_a_photo.json()["detail"][0]["loc"] == ["body", "photo"]
    assert by_agent.status_code == 403
    assert kept_files(photos_dir) == files_before and await photo_events(desk, number) == []

    attached = await desk.client.post(
        f"/api/staff/requests/{number}/photos",
        headers=crew,
        files={"photo": ("after.jpg", phone_jpeg(1200, 900), "image/jpeg")},
        data={"expected_version": "2"},
    )

    assert attached.status_code == 200, attached.text
    [photo] = attached.json()["photos"]
    assert photo["hidden"] is False and photo["added_by"].startswith("staff:department_staff-")
    [(event, actor)] = await photo_events(desk, number)
    assert event.change == "attached" and event.media_url == photo["media_url"] and actor == photo["added_by"]
    served = await desk.client.get(path_of(photo["media_url"]))
    assert served.status_code == 200
    assert SERIAL.encode() not in served.content and b"Exif" not in served.content
    [read] = (await open311.client.get(f"/requests/{number}.json")).json()
    assert read["media_url"] == photo["media_url"]
    track = await desk.client.get(f"/track/{number}")
    assert path_of(photo["media_url"]).replace(".jpg", ".thumb.jpg") in track.text


async def test_a_supervisor_hides_a_residents_photo_from_the_public_and_staff_still_see_it(
    desk: RunningDesk, open311: Open311Gateway
) -> None:
    number, media_url = await with_residents_photo(open311)
    public_path = path_of(media_url)
    assert (await desk.client.get(public_path)).status_code == 200
    crew = await desk.staff("department_staff", PUBLIC_WORKS)
    supervisor = await desk.staff("supervisor", PUBLIC_WORKS)
    hide = f"/api/staff/requests/{number}/photos/hide"

    by_crew = await desk.client.post(hide, headers=crew, json={"media_url": media_url, "reason": "a face"})
    without_reason = await desk.client.post(
        hide, headers=supervisor, json={"media_url": media_url, "reason": " "}
    )
    not_its_photo = await desk.client.post(
        hide, headers=supervisor, json={"media_url": "https://example.org/x.jpg", "reason": "a face"}
    )
    assert by_crew.status_code == 403
    assert without_reason.status_code == 422 and not_its_photo.status_code == 422
    assert await photo_events(desk, number) == []

    hidden = await desk.client.post(
        hide,
        headers=supervisor,
        json={"media_url": media_url, "reason": "a child's face", "expected_version": 2},
    )

    assert hidden.status_code == 200, hidden.text
    [photo] = hidden.json()["photos"]
    assert photo["hidden"] is True and photo["hidden_reason"] == "a child's face"
    [(event, actor)] = await photo_events(desk, number)
    assert (event.change, event.reason, actor) == ("hidden", "a child's face", photo["hidden_by"])
    assert actor.startswith("staff:supervisor-")
    for public in (public_path, public_path.replace(".jpg", ".thumb.jpg")):
        assert (await desk.client.get(public)).status_code == 404
    [read] = (await open311.client.get(f"/requests/{number}.json")).json()
    assert read["media_url"] is None
    track = await desk.client.get(f"/track/{number}")
    assert track.status_code == 200 and public_path.removesuffix(".jpg") not in track.text
    await eventually(
        lambda: open311.indexed(number),
        until=lambda rows: rows[0]["media_url"] is None,
        what="index refolded",
    )
    staff_copy = await desk.client.get(f"/api/staff/photos/{public_path.rsplit('/', 1)[1]}", headers=crew)
    assert staff_copy.status_code == 200 and staff_copy.content.startswith(b"\xff\xd8")
    assert (await desk.client.get(f"/api/staff/photos/{public_path.rsplit('/', 1)[1]}")).status_code == 401
    again = await desk.client.post(hide, headers=supervisor, json={"media_url": media_url, "reason": "again"})
    assert again.status_code == 409


async def test_the_request_page_adds_and_hides_a_photo_with_its_csrf_token(
    desk: RunningDesk, open311: Open311Gateway
) -> None:
    number = await desk.request_with(PUBLIC_WORKS)
    async with signed_in_browser(desk, "sam-photos", "supervisor", PUBLIC_WORKS) as browser:
        page = await browser.get(f"/staff/requests/{number}")
        token = csrf_of(page)
        photo = {"photo": ("crew.jpg", phone_jpeg(), "image/jpeg")}

        forged = await browser.post(
            f"/staff/requests/{number}/photos/add", data={"expected_version": "2"}, files=photo
        )
        assert forged.status_code == 403 and await photo_events(desk, number) == []

        added = await browser.post(
            f"/staff/requests/{number}/photos/add",
            data={"csrf_token": token, "expected_version": "2"},
            files=photo,
        )
        assert added.status_code == 303, added.text
        [(event, _)] = await photo_events(desk, number)
        key = event.media_url.rsplit("/", 1)[1]
        shown = await browser.get(f"/staff/requests/{number}")
        assert f'src="/staff/photos/{key.replace(".jpg", ".thumb.jpg")}"' in shown.text

        hidden = await browser.post(
            f"/staff/requests/{number}/photos/hide",
            data={
                "csrf_token": token,
                "expected_version": "3",
                "media_url": event.media_url,
                "reason": "a plate",
            },
        )
        assert hidden.status_code == 303, hidden.text
        shown = await browser.get(f"/staff/requests/{number}")
        assert "data-photo-hidden" in shown.text and "a plate" in shown.text
        assert (await browser.get(f"/staff/photos/{key}")).status_code == 200
    assert (await desk.client.get(f"/photos/{key}")).status_code == 404
    assert (await desk.client.get(f"/staff/photos/{key}")).status_code == 303  # to the sign-in page
