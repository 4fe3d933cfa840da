"""The gateway's request index: kept from the bus, searched by Open311 and the staff queues."""

from civic311_intake.index.projector import INDEX_CONSUMER, refresh_entry, request_indexer
from civic311_intake.index.queries import IndexedRequest, RequestSearch, count_requests, search_requests

__all__ = [
    "INDEX_CONSUMER",
    "IndexedRequest",
    "RequestSearch",
    "count_requests",
    "refresh_entry",
    "request_indexer",
    "search_requests",
]
