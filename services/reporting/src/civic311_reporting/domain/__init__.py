"""The reporting domain: pure rules, no infrastructure imports."""
