"""The photo store the settings choose: a folder (PHOTO_STORE_PATH), an S3-compatible bucket (PHOTO_STORE=s3),
or none (the gateway then takes no photos)."""

from __future__ import annotations

from civic311_intake.adapters.photo_store import FolderPhotoStore, PhotoStore
from civic311_intake.settings import IntakeSettings


def open_photo_store(settings: IntakeSettings) -> PhotoStore | None:
    """The configured store; its client (if any) connects on first use and is let go by `close`."""
    if settings.photo_store_path is not None:
        return FolderPhotoStore(settings.photo_store_path)
    return None
