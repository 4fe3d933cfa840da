"""civic311 notifier service."""
