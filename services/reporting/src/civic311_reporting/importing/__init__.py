"""Imports of cities' historical 311 exports into the event store."""
