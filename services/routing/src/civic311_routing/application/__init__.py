"""Routing's use cases: load what a decision needs, ask the domain, append or write the outcome."""
