"""Settings of the reporting service, from the environment."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from civic311_backbone.settings import ServiceSettings
from civic311_city import CitySettings


class ReportingSettings(ServiceSettings, CitySettings):
    """Everything the reporting process reads from its environment."""

    map_tiles_url: str | None = Field(
        default=None,
        description=(
            "Map tiles under the hotspot map, as a URL template with {z}/{x}/{y}, e.g. a city's own "
            "tile server. Unset (the default): no tiles, the map works offline."
        ),
    )
    map_tiles_attribution: str = Field(default="", description="Credit line shown under tiled maps.")
    projection_poll_seconds: float = Field(
        default=1.0,
        ge=0,
        description=(
            "How often the live projection reads the store after its checkpoint, besides the bus; "
            "0: never (the bus alone keeps it live)."
        ),
    )

    admin_token: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer token an operator sends to rebuild the projection on demand "
            "(POST /api/projections/rebuild). No default: unset, rebuilding on demand is off."
        ),
    )

    @field_validator("admin_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("map_tiles_url")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        if value is not None and not all(part in value for part in ("{z}", "{x}", "{y}")):
            raise ValueError("MAP_TILES_URL must hold {z}, {x} and {y}")
        return value
