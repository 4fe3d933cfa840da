"""Settings of the reporting service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import BackboneSettings, HttpSettings


class ReportingSettings(BackboneSettings, HttpSettings):
    """Everything the reporting process reads from its environment."""
