"""The notifier's tables: the outbox of notifications and the suppression list."""
