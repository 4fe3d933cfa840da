"""Settings of the routing service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import BackboneSettings, HttpSettings


class RoutingSettings(BackboneSettings, HttpSettings):
    """Everything the routing process reads from its environment."""
