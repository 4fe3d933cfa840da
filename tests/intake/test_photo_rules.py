"""A request's photos, pure: the fold keeps the resident's and the attached ones, the public sees only those
not hidden, staff see all with who hid them and why; who may attach and hide, and what hiding needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from civic311_backbone.contracts import Assigned, Envelope, Location, PhotoChanged, RequestCreated
from civic311_intake.domain.public_view import public_view
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed, NotNow
from civic311_intake.domain.staff.photos import MAX_PHOTOS, check_attach, decide_hide
from civic311_intake.domain.staff.view import staff_view
from tests.intake.test_staff_rules import (
    NUMBER,
    PW,
    T0,
    admin,
    agent,
    city_supervisor,
    envelope,
    parks_staff,
    pw_staff,
    pw_supervisor,
    request_of,
)

RESIDENTS = "https://311.city.example.org/photos/" + "a" * 32 + ".jpg"
CREWS = "https://311.city.example.org/photos/" + "b" * 32 + ".jpg"


def events_with(*later: PhotoChanged) -> list[Envelope[Any]]:
    created = RequestCreated(
        tracking_number=NUMBER,
        service_code="POTHOLE",
        location=Location(lat=42.36, long=-71.06),
        channel="web",
        media_url=RESIDENTS,
    )
    events = [envelope(created, 1, T0), envelope(Assigned(department=PW, queue="Q"), 2, T0)]
    return events + [
        envelope(p, n, T0 + timedelta(hours=n), "staff:sue") for n, p in enumerate(later, start=3)
    ]


def test_a_hidden_photo_leaves_the_public_view_and_stays_in_the_staff_view_with_who_and_why() -> None:
    events = events_with(
        PhotoChanged(change="attached", media_url=CREWS),
        PhotoChanged(change="hidden", media_url=RESIDENTS, reason="a face"),
    )

    public, staff = public_view(events), staff_view(events)

    assert public is not None and staff is not None
    assert public.photos == (CREWS,) and public.media_url == CREWS
    assert public.updated_at == T0  # nothing on the public timeline moved
    assert [(p.media_url, p.hidden, p.hidden_by, p.hidden_reason) for p in staff.photos] == [
        (RESIDENTS, True, "staff:sue", "a face"),
        (CREWS, False, None, None),
    ]
    assert [e.kind for e in staff.timeline][-2:] == ["photo_attached", "photo_hidden"]


def test_with_every_photo_hidden_open311_has_no_media_url() -> None:
    view = public_view(events_with(PhotoChanged(change="hidden", media_url=RESIDENTS, reason="a plate")))

    assert view is not None and view.media_url is None and view.photos == ()


def test_hiding_needs_a_reason_in_the_event_itself() -> None:
    with pytest.raises(ValidationError, match="say why the photo is hidden"):
        PhotoChanged(change="hidden", media_url=RESIDENTS, reason="  ")


@pytest.mark.parametrize("member", [pw_supervisor, city_supervisor, admin])
def test_supervisors_and_admins_in_scope_hide_a_photo_saying_why(member: Any) -> None:
    request = staff_view(events_with())
    assert request is not None

    event = decide_hide(member, request, RESIDENTS, " a child's face ", confidential=False)

    assert (event.change, event.media_url, event.reason) == ("hidden", RESIDENTS, "a child's face")


@pytest.mark.parametrize("member", [agent, pw_staff, parks_staff])
def test_no_one_else_hides_a_photo(member: Any) -> None:
    request = staff_view(events_with())
    assert request is not None

    with pytest.raises(NotAllowed):
        decide_hide(member, request, RESIDENTS, "a face", confidential=False)


def test_hiding_a_photo_the_request_lacks_without_reason_or_twice_is_refused() -> None:
    request = staff_view(events_with(PhotoChanged(change="hidden", media_url=RESIDENTS, reason="a face")))
    assert request is not None

    with pytest.raises(BadCommand, match="not a photo of"):
        decide_hide(pw_supervisor, request, CREWS, "a face", confidential=False)
    with pytest.raises(NotNow, match="hidden already"):
        decide_hide(pw_supervisor, request, RESIDENTS, "again", confidential=False)
    fresh = staff_view(events_with())
    assert fresh is not None
    with pytest.raises(BadCommand) as no_reason:
        decide_hide(pw_supervisor, fresh, RESIDENTS, "", confidential=False)
    assert no_reason.value.field == "reason"


def test_whoever_works_a_request_attaches_photos_up_to_the_limit() -> None:
    request = request_of()
    check_attach(pw_staff, request, confidential=False)
    for outsider in (agent, parks_staff):
        with pytest.raises(NotAllowed):
            check_attach(outsider, request, confidential=False)
    urls = [f"https://311.city.example.org/photos/{n:032x}.jpg" for n in range(MAX_PHOTOS)]
    full = request_of(*(PhotoChanged(change="attached", media_url=u) for u in urls))
    with pytest.raises(NotNow, match="photos already"):
        check_attach(pw_staff, full, confidential=False)
