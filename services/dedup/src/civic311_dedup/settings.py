"""Settings of the dedup service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import ServiceSettings
from civic311_city import CitySettings


class DedupSettings(ServiceSettings, CitySettings):
    """Everything the dedup process reads from its environment."""
