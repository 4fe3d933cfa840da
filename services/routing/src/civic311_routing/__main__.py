"""python -m civic311_routing: the routing service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_routing.wiring import SERVICE


def main() -> None:
    run(SERVICE)


if __name__ == "__main__":
    main()
