"""Test fixtures for civic311: real PostgreSQL and NATS, each test isolated in its own schema and stream."""
