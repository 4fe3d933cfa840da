"""What every civic311 process has in common: its HTTP endpoints for health and metrics, its lifecycle."""
