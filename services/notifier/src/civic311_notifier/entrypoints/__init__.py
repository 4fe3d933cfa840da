"""The edges in: the bus handler of the request events."""
