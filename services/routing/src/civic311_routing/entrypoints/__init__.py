"""Routing's edges in: the consumer's handler and the calibrate command."""
