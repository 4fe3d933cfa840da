"""The relay: follows the event store in global order and publishes every event to JetStream."""
