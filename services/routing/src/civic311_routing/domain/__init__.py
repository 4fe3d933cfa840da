"""The routing domain: pure rules, no infrastructure imports."""
