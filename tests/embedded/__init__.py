"""Tests of the embedded servers and of the `civic311` launcher."""
