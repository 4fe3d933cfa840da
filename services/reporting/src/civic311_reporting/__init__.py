"""civic311 reporting service."""
