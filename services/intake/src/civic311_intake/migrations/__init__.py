"""The intake gateway's own tables (not the event store's), recorded in the `intake_migrations` ledger."""
