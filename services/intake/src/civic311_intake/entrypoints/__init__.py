"""Intake's edges in: the HTTP API (api/: Open311, tracking), the resident pages (pages/) and the staff
desk (desk/) on the shared web layer (web/), the SMS webhook and SMTP listener (channels/), the index's
consumer (indexer), and the operators' commands (admin)."""
