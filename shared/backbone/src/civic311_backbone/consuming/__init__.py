"""Durable JetStream consumers whose effects happen exactly once."""

from civic311_backbone.consuming.runtime import AfterCommit, ConsumerSpec, EventConsumer, Handler

__all__ = ["AfterCommit", "ConsumerSpec", "EventConsumer", "Handler"]
