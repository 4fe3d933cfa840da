"""python -m civic311_notifier: the notifier service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_notifier.settings import NotifierSettings
from civic311_notifier.wiring import wire


def main() -> None:
    settings = NotifierSettings()
    run("notifier", settings, settings, wire)


if __name__ == "__main__":
    main()
