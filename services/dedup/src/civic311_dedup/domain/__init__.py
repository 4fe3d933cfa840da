"""The dedup domain: pure rules, no infrastructure imports."""
