"""Routing's own tables (not the event store's), recorded in the `routing_migrations` ledger."""
