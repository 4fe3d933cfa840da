"""The edges out: dedup's SQL (each decision written with its events) and the start-up replay."""
