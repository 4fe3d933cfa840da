"""python -m civic311_dedup: the dedup service process."""

from __future__ import annotations

from civic311_backbone.service.runner import run
from civic311_dedup.settings import DedupSettings
from civic311_dedup.wiring import wire


def main() -> None:
    settings = DedupSettings()
    run("dedup", settings, settings, wire)


if __name__ == "__main__":
    main()
