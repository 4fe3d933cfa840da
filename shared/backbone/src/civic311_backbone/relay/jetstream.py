"""The JetStream stream that carries civic311's request events."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from civic311_backbone.contracts import dead_letter_subject, stream_subjects
from civic311_backbone.settings import BackboneSettings

DUPLICATE_WINDOW_SECONDS = 120.0


async def ensure_stream(js: JetStreamContext, settings: BackboneSettings) -> None:
    """Create the events stream and the dead-letter stream if missing.

    An existing stream is left as the operator configured it (retention, replicas, limits).
    """
    await _ensure(
        js,
        StreamConfig(
            name=settings.stream_name,
            description="civic311 service-request events, relayed from the event store",
            subjects=stream_subjects(settings.subject_prefix),
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
    )
    await _ensure(
        js,
        StreamConfig(
            name=dead_letter_stream(settings),
            description="civic311 messages that consumers gave up on, with their errors",
            subjects=[dead_letter_subject(settings.subject_prefix, "*")],
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
    )


def dead_letter_stream(settings: BackboneSettings) -> str:
    return f"{settings.stream_name}_DLQ"


async def _ensure(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        try:
            await js.add_stream(config)
        except BadRequestError:
            await js.stream_info(config.name)  # created meanwhile by another process: fine
