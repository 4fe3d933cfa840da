"""Settings of the intake service, from the environment."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator

from civic311_backbone.settings import ServiceSettings
from civic311_city import CitySettings

_TILES_URL = re.compile(r"^https?://(\{s\}\.)?[A-Za-z0-9.-]+(:[0-9]+)?/[^\s\"'<>]*$")


class IntakeSettings(ServiceSettings, CitySettings):
    """Everything the intake process reads from its environment."""

    # Open311 GeoReport v2 (civic311_intake.entrypoints.api.open311).
    open311_jurisdiction_id: str | None = Field(
        default=None,
        max_length=100,
        description="The jurisdiction_id this gateway answers for (e.g. city.example.org); a call naming "
        "another is refused. Unset: any jurisdiction_id is taken as this one.",
    )
    open311_contact: str = Field(
        default="civic311 311 office: ask through the city's 311 line or the project's issue tracker.",
        description="Discovery's contact: where a client developer turns with questions.",
    )
    open311_key_service: str = Field(
        default="Reading needs no key; the 311 office issues api_keys for filing requests.",
        description="Discovery's key_service: how a client developer gets an api_key.",
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Largest request body accepted; larger ones get 413."
    )
    body_timeout_seconds: float = Field(
        default=10,
        gt=0,
        le=300,
        description="Longest wait for the next part of a request body before 408 (a stalled client).",
    )
    posts_per_minute: int = Field(
        default=120,
        ge=0,
        description="POSTs one client address may send in a moving minute before 429; 0: no limit.",
    )
    geocode_per_minute: int = Field(
        default=120,
        ge=0,
        description="Address lookups (GET /api/geocode…) one client address may make in a moving minute "
        "before 429; 0: no limit.",
    )

    photo_store_path: Path | None = Field(
        default=None,
        description="Folder where residents' photos are kept (`civic311 run`: photos/ in its data "
        "directory); unset: the report form takes no photos.",
    )
    photo_store: Literal["folder", "s3"] = Field(
        default="folder",
        description="Where photos are kept: folder (PHOTO_STORE_PATH) or s3 (an S3-compatible bucket: "
        "S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, and S3_ENDPOINT_URL for a store other than AWS).",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="URL of the S3-compatible server (MinIO, Ceph, …), e.g. https://s3.city.example.org; "
        "unset: AWS S3 in S3_REGION.",
    )
    s3_bucket: str | None = Field(
        default=None,
        min_length=3,
        max_length=63,
        description="The bucket photos are kept in (PHOTO_STORE=s3).",
    )
    s3_key_prefix: str = Field(
        default="",
        max_length=200,
        pattern=r"^([A-Za-z0-9!_.*'()-]+/)*$",
        description="Prepended to every photo's key, e.g. photos/ to share a bucket; empty: none.",
    )
    s3_region: str = Field(default="us-east-1", max_length=50, description="The bucket's region.")
    s3_access_key_id: str | None = Field(default=None, max_length=200, description="The S3 access key's id.")
    s3_secret_access_key: SecretStr | None = Field(
        default=None, description="The S3 access key's secret; never logged, no default."
    )
    max_photo_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1024,
        description="Largest photo accepted; a report form's body may be this much larger than MAX_BODY_BYTES.",
    )

    # The pages' map (civic311_intake.entrypoints.web.map_view).
    map_tiles_url: str | None = Field(
        default=None,
        max_length=500,
        description="URL template of the map's tiles, with {z}, {x} and {y} (and optionally a leading {s}. "
        "subdomain), e.g. https://tile.example.org/{z}/{x}/{y}.png; unset: no tiles, the map draws the "
        "city's districts and address points on a plain background (works with no internet).",
    )
    map_tiles_attribution: str = Field(
        default="",
        max_length=300,
        description="The tiles' attribution shown on the map (plain text), e.g. © OpenStreetMap contributors.",
    )

    @model_validator(mode="after")
    def _s3_complete(self) -> Self:
        if self.photo_store == "s3":
            missing = [
                name.upper()
                for name in ("s3_bucket", "s3_access_key_id", "s3_secret_access_key")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"PHOTO_STORE=s3 needs {', '.join(missing)}")
        return self

    @field_validator("map_tiles_url")
    @classmethod
    def _tiles_url(cls, url: str | None) -> str | None:
        if url is None or not url.strip():
            return None
        if not _TILES_URL.match(url) or not all(part in url for part in ("{z}", "{x}", "{y}")):
            raise ValueError(
                "an http(s) URL with {z}, {x} and {y}, e.g. https://tile.example.org/{z}/{x}/{y}.png"
            )
        return url

    phone_region: str = Field(
        default="US",
        min_length=2,
        max_length=2,
        description="Country (ISO code) of phone numbers residents give without a +country prefix.",
    )

    # SMS and e-mail in (civic311_intake.entrypoints.channels). No secret has a default: unset means that
    # channel is off.
    sms_webhook_token: SecretStr | None = Field(
        default=None,
        description="The SMS provider's auth token (Twilio: the account's), that signs each webhook POST; "
        "unset: the SMS channel is off.",
    )
    sms_webhook_url: str | None = Field(
        default=None,
        description="The webhook URL exactly as the provider calls it, when a proxy changes the URL the "
        "gateway sees (the signature covers it); unset: the URL of the request.",
    )
    smtp_in_host: str = Field(default="127.0.0.1", description="Address the e-mail-in SMTP listener binds.")
    smtp_in_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the e-mail-in SMTP listener; unset: e-mail in is off.",
    )
    smtp_in_addresses: str = Field(
        default="",
        description="Comma-separated addresses the listener takes mail for, e.g. 311@city.example.org.",
    )
    smtp_host: str | None = Field(default=None, description="Outgoing SMTP server for the answers to e-mail.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the outgoing SMTP server.")
    smtp_username: str | None = Field(default=None, description="Login at the outgoing SMTP server, if any.")
    smtp_password: SecretStr | None = Field(default=None, description="Password of that login.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS with the outgoing SMTP server.")
    text_conversation_minutes: int = Field(
        default=30, ge=1, description="An SMS or e-mail conversation missing a piece is forgotten after this."
    )

    # The links in residents' e-mails (civic311_intake.entrypoints.pages.resident_links).
    resident_link_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="The notifier's RESIDENT_LINK_SECRET, to check its signed 'not fixed' links; unset: "
        "those links are refused (the notifier requires it, so set it wherever the notifier runs).",
    )
    not_fixed_per_request: int = Field(
        default=3,
        ge=0,
        description="Reopenings by residents' 'not fixed' links one request may have in "
        "NOT_FIXED_WINDOW; more are refused (0: none).",
    )
    not_fixed_window: timedelta = Field(
        default=timedelta(days=30), description="The window NOT_FIXED_PER_REQUEST counts in."
    )
