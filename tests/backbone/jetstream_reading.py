"""Read back what a JetStream stream holds, for assertions."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError


async def stream_event_ids(nats_client: NatsClient, stream: str) -> list[str]:
    """Every message's Nats-Msg-Id, in stream order."""
    js = nats_client.jetstream()
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return []
    ids = []
    for sequence in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(stream, sequence)
        ids.append((msg.headers or {})["Nats-Msg-Id"])
    return ids


async def stream_count(nats_client: NatsClient, stream: str) -> int:
    try:
        return int((await nats_client.jetstream().stream_info(stream)).state.messages)
    except NotFoundError:
        return 0
