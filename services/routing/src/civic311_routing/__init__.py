"""civic311 routing service."""
