"""The city's configuration, shared by every service: what can be reported, where, and when the city works.

Pure: data files in, validated values out; no database, no bus. Each process loads it once at start-up
(`load_city`) from the same settings (`CitySettings`), so every service sees the same catalogue,
districts and calendar. Decisions made from it stay with their owner: routing alone computes due times.
"""

from civic311_city.calendar import BusinessCalendar, OpeningHours
from civic311_city.catalogue import (
    Attribute,
    AttributeValue,
    Catalogue,
    DedupPolicy,
    RequestType,
    SlaTarget,
)
from civic311_city.city import City, load_city
from civic311_city.districts import Districts
from civic311_city.loading import CityConfigError, load_catalogue, load_districts, load_geocoder
from civic311_city.settings import CitySettings
from civic311_city.wording import Wording

__all__ = [
    "Attribute",
    "AttributeValue",
    "BusinessCalendar",
    "Catalogue",
    "City",
    "CityConfigError",
    "CitySettings",
    "DedupPolicy",
    "Districts",
    "OpeningHours",
    "RequestType",
    "SlaTarget",
    "Wording",
    "load_catalogue",
    "load_city",
    "load_districts",
    "load_geocoder",
]
