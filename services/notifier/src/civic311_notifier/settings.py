"""Settings of the notifier service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import BackboneSettings, HttpSettings


class NotifierSettings(BackboneSettings, HttpSettings):
    """Everything the notifier process reads from its environment."""
