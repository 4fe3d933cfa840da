"""The gateway's HTTP API: Open311 GeoReport v2 (open311/), the public tracking lookup, and the protection every route gets."""
