"""Consumers run in a test the way the service runner runs them: subscribed, the broker started, and on the
way out each consumer stopped (its lanes finish and end) before the broker. A consumer left running when the
test's event loop closes leaves pending lane tasks behind, whose finalisers run later, in some other test."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable

from faststream.nats import NatsBroker

from civic311_backbone.consuming import EventConsumer


@contextlib.asynccontextmanager
async def consuming(broker: NatsBroker, consumers: Iterable[EventConsumer]) -> AsyncIterator[NatsBroker]:
    running = list(consumers)
    for consumer in running:
        consumer.subscribe(broker)
    await broker.start()
    try:
        yield broker
    finally:
        for consumer in running:
            await consumer.stop(grace_seconds=2.0)
        await broker.stop()


class Consumers:
    """Consumers a test starts one at a time on one broker; `close` stops them, then the broker."""

    def __init__(self, broker: NatsBroker) -> None:
        self.broker = broker
        self._running: list[EventConsumer] = []

    async def start(self, consumer: EventConsumer) -> None:
        consumer.subscribe(self.broker)
        self._running.append(consumer)
        await self.broker.start()

    async def close(self) -> None:
        for consumer in self._running:
            await consumer.stop(grace_seconds=2.0)
        await self.broker.stop()
