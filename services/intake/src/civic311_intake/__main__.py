"""python -m civic311_intake: the intake service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_intake.settings import IntakeSettings
from civic311_intake.wiring import wire


def main() -> None:
    settings = IntakeSettings()
    run("intake", settings, settings, wire)


if __name__ == "__main__":
    main()
