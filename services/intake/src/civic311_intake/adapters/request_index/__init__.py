"""The gateway's request index (table `request_index`): its rows written, and searched."""

from civic311_intake.adapters.request_index.nearby import nearby_requests
from civic311_intake.adapters.request_index.rows import write_row
from civic311_intake.adapters.request_index.search import (
    IndexedRequest,
    RequestSearch,
    count_requests,
    search_requests,
)

__all__ = [
    "IndexedRequest",
    "RequestSearch",
    "count_requests",
    "nearby_requests",
    "search_requests",
    "write_row",
]
