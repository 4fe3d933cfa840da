"""The edges in: the bus handler and store follower, the dashboard and report API, the analysts' CLI."""
