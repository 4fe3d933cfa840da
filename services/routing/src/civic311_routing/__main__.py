"""python -m civic311_routing: the routing service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_routing.settings import RoutingSettings
from civic311_routing.wiring import wire


def main() -> None:
    settings = RoutingSettings()
    run("routing", settings, settings, wire)


if __name__ == "__main__":
    main()
