"""The edges in: the bus handler of `RequestCreated`."""
