"""civic311 event backbone."""
