"""Settings of the routing service, from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field

from civic311_backbone.settings import ServiceSettings
from civic311_city import CitySettings


class RoutingSettings(ServiceSettings, CitySettings):
    """Everything the routing process reads from its environment: the city's block, and routing's own."""

    routing_rules_path: Path | None = Field(
        default=None, description="Routing rules (TOML); unset: the sample shipped with routing."
    )
    sla_warning_lead: timedelta = Field(
        default=timedelta(hours=4),
        ge=timedelta(0),
        description="How long before a request's due time supervisors are warned (ISO 8601, e.g. PT4H, "
        "or seconds); they are warned again at the breach.",
    )
    sla_warning_idle: timedelta = Field(
        default=timedelta(seconds=30),
        gt=timedelta(0),
        description="Longest the breach watcher sleeps between looks (it also wakes on new assignments "
        "and when the next warning falls due).",
    )
