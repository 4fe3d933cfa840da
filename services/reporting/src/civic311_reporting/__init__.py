"""civic311 reporting: every request's timeline, current state and SLA figures, from replaying the store.

It folds the event store into an in-memory projection at start, keeps it live from the bus and the
store, and serves the SLA dashboard and every table as JSON and CSV; the analysts' command line replays
to any instant, imports cities' historical exports and compares our on-time verdicts with theirs.
"""
