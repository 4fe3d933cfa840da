"""python -m civic311_notifier: the notifier service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_notifier.wiring import SERVICE


def main() -> None:
    run(SERVICE)


if __name__ == "__main__":
    main()
