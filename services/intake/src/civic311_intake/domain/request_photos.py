"""A request's photos: the resident's (RequestCreated.media_url) and those staff attached, each either shown
to the public or hidden by staff (a face, a number plate), with who hid it and why.

Staff hide a photo with a reason; only supervisors and admins may, in their scope. A photo is named by the
link the request knows it by, so a resident's link to a photo elsewhere can be hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from civic311_backbone.contracts import PhotoChanged


@dataclass(frozen=True)
class RequestPhoto:
    media_url: str
    added_at: datetime
    added_by: str
    """`resident`, or `staff:<username>`."""
    hidden_at: datetime | None = None
    hidden_by: str | None = None
    hidden_reason: str | None = None

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


def photos_after(
    photos: tuple[RequestPhoto, ...], change: PhotoChanged, *, at: datetime, actor: str
) -> tuple[RequestPhoto, ...]:
    """The photos after one change: one more attached, or one marked hidden (once: the first hiding counts)."""
    if change.change == "attached":
        if any(p.media_url == change.media_url for p in photos):
            return photos
        return (*photos, RequestPhoto(media_url=change.media_url, added_at=at, added_by=actor))
    return tuple(
        replace(p, hidden_at=at, hidden_by=actor, hidden_reason=change.reason)
        if p.media_url == change.media_url and not p.hidden
        else p
        for p in photos
    )


def shown(photos: tuple[RequestPhoto, ...]) -> tuple[str, ...]:
    """The links the public may see."""
    return tuple(p.media_url for p in photos if not p.hidden)
