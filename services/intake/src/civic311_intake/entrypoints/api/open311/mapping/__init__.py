"""The Open311 wire mapping: how the city's catalogue and requests are written as GeoReport v2 fields,
and how a POSTed form is read back into a `Submission`. The rules (what may be filed, searched, seen)
are the domain's."""
