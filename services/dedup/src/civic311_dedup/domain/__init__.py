"""Pure rules: when two requests are the same (distance, time window, text similarity, per type)."""
