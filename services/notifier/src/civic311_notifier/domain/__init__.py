"""The notifier domain: pure rules, no infrastructure imports."""
