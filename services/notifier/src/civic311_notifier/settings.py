"""Settings of the notifier service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import ServiceSettings
from civic311_city import CitySettings


class NotifierSettings(ServiceSettings, CitySettings):
    """Everything the notifier process reads from its environment."""
