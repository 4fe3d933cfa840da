"""Which request types a public client may see: every one of the catalogue's but the confidential ones."""

from __future__ import annotations

from civic311_city.catalogue import Catalogue, RequestType


def listed_type(catalogue: Catalogue, service_code: str) -> RequestType | None:
    """The request type a public client may see under `service_code`; confidential ones do not exist for it."""
    request_type = catalogue.get(service_code)
    if request_type is None or request_type.confidential:
        return None
    return request_type
