"""Open311 GeoReport v2's rules in the city's terms: which types a public client sees, what a search means.

How these are written on the wire is the API's (civic311_intake.entrypoints.api.open311.mapping)."""
