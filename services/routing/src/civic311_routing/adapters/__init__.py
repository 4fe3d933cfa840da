"""Routing's edges out: the watch table's SQL and the rules file."""
