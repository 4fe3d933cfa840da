"""Dedup's own tables, as versioned SQL."""
