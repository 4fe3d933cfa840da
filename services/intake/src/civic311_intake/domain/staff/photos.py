"""What staff may do with a request's photos: attach one (whoever may work the request), hide one from the
public view (a supervisor or an admin in their scope, saying why). Each returns the one event to append."""

from __future__ import annotations

from civic311_backbone.contracts import PhotoChanged
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed, NotNow
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.domain.staff.view import StaffRequest

MAX_PHOTOS = 20
"""Photos a request may have: enough for a crew's before and after, not a gallery."""
MAX_REASON = 4000


def check_attach(member: StaffMember, request: StaffRequest, *, confidential: bool) -> None:
    """Raises unless `member` may attach a photo to `request` now (checked before the photo is kept)."""
    if not member.may_work(request.department, confidential=confidential):
        raise NotAllowed(f"{member.actor_id} may not add photos to {request.tracking_number}")
    if len(request.photos) >= MAX_PHOTOS:
        raise NotNow(f"{request.tracking_number} has {MAX_PHOTOS} photos already")


def decide_hide(
    member: StaffMember, request: StaffRequest, media_url: str, reason: str | None, *, confidential: bool
) -> PhotoChanged:
    if member.role not in ("supervisor", "admin") or not member.may_work(
        request.department, confidential=confidential
    ):
        raise NotAllowed(
            f"only a supervisor or an admin of its department hides a photo of {request.tracking_number}"
        )
    photo = next((p for p in request.photos if p.media_url == media_url), None)
    if photo is None:
        raise BadCommand("media_url", f"not a photo of {request.tracking_number}")
    if photo.hidden:
        raise NotNow(f"that photo of {request.tracking_number} is hidden already")
    why = (reason or "").strip()
    if not why:
        raise BadCommand("reason", "say why the photo is hidden (a face, a number plate, …)")
    if len(why) > MAX_REASON:
        raise BadCommand("reason", f"at most {MAX_REASON} characters")
    return PhotoChanged(change="hidden", media_url=media_url, reason=why)
