"""Use cases: on a new request, find open candidates, decide, append the link or the flag for review."""
