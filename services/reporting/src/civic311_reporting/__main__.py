"""python -m civic311_reporting: the reporting service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_reporting.wiring import SERVICE


def main() -> None:
    run(SERVICE)


if __name__ == "__main__":
    main()
