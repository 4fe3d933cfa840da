"""Settings of the intake service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import BackboneSettings, HttpSettings


class IntakeSettings(BackboneSettings, HttpSettings):
    """Everything the intake process reads from its environment."""
