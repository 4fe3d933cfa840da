"""civic311 dedup service."""
