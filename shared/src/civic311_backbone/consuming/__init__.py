"""Durable JetStream consumers whose effects happen exactly once."""

from civic311_backbone.consuming.runtime import ConsumerSpec, EventConsumer, Handler

__all__ = ["ConsumerSpec", "EventConsumer", "Handler"]
