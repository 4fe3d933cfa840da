"""The edges out: the SQL that finds open requests near a place and time."""
