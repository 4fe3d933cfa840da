"""Intake's use cases, each taking its dependencies explicitly: load -> decide (the domain) -> append.

filing (a new request under a fresh tracking number), desk (the staff's changes and filing for a caller),
queue (a department's open requests), text_intake (one SMS or e-mail in, one reply out), indexing
(a request's index row refolded from its stream).
"""
