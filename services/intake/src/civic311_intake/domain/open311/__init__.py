"""Open311 GeoReport v2 in the city's terms: the public view of the catalogue, the POSTed form, requests and search."""
