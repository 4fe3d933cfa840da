"""civic311 intake, the gateway: residents file and track requests (web pages, Open311 GeoReport v2, SMS
and e-mail in) and staff work them at the desk. It gives the tracking number at once, appends
`RequestCreated` and the staff's changes, and answers every lookup from the request's own stream."""
