"""Geocoding against the city's own address points: an address or an intersection to a point, and a
point to its nearest address. Pure: files in, answers out."""

from civic311_city.geocoding.geocoder import Answer, Geocoder, Kind, Match, Reason, Unplaced, metres
from civic311_city.geocoding.points import AddressPoint, load_address_points

__all__ = [
    "AddressPoint",
    "Answer",
    "Geocoder",
    "Kind",
    "Match",
    "Reason",
    "Unplaced",
    "load_address_points",
    "metres",
]
