"""The photo store the settings choose: an S3-compatible bucket (PHOTO_STORE=s3), a folder (PHOTO_STORE_PATH),
or none (the gateway then takes no photos)."""

from __future__ import annotations

from civic311_intake.adapters.photo_store import FolderPhotoStore, PhotoStore
from civic311_intake.adapters.s3_photo_store import S3PhotoStore
from civic311_intake.settings import IntakeSettings


def open_photo_store(settings: IntakeSettings) -> PhotoStore | None:
    """The configured store; its client (if any) connects on first use and is let go by `close`."""
    if settings.photo_store == "s3":
        bucket, key_id, secret = settings.s3_bucket, settings.s3_access_key_id, settings.s3_secret_access_key
        if bucket is None or key_id is None or secret is None:  # the settings refuse this already
            raise ValueError("PHOTO_STORE=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY")
        return S3PhotoStore(
            bucket=bucket,
            access_key_id=key_id,
            secret_access_key=secret,
            region=settings.s3_region,
            endpoint_url=settings.s3_endpoint_url,
            prefix=settings.s3_key_prefix,
        )
    if settings.photo_store_path is not None:
        return FolderPhotoStore(settings.photo_store_path)
    return None
