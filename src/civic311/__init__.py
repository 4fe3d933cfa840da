"""civic311 command line."""
