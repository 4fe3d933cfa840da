"""The intake domain: pure rules, no infrastructure imports."""
