"""Settings of the intake service, from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from civic311_backbone.settings import BackboneSettings, HttpSettings


class IntakeSettings(BackboneSettings, HttpSettings):
    """Everything the intake process reads from its environment."""

    catalogue_path: Path | None = Field(
        default=None,
        description="Service catalogue (TOML), the same file routing reads; unset: the shipped sample.",
    )
