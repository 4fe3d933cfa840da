"""Dedup's quality evaluation (generated truth and the cities' labels) and its speed bench."""
