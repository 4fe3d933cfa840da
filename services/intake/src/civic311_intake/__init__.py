"""civic311 intake service."""
