"""Settings of the dedup service, from the environment."""

from __future__ import annotations

from civic311_backbone.settings import BackboneSettings, HttpSettings


class DedupSettings(BackboneSettings, HttpSettings):
    """Everything the dedup process reads from its environment."""
