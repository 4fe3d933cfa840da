"""python -m civic311_reporting: the reporting service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_reporting.settings import ReportingSettings
from civic311_reporting.wiring import wire


def main() -> None:
    settings = ReportingSettings()
    run("reporting", settings, settings, wire)


if __name__ == "__main__":
    main()
