"""A city's past requests from its export file: Boston's classic 311 export (gzipped CSV)."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from civic311_routing.domain.calibration import Case


def read_boston_2011(path: Path) -> Iterator[Case]:
    """The cases of the export that have a target date (local wall-clock times, as exported)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as lines:
        for row in csv.DictReader(lines):
            if row["open_dt"] and row["target_dt"]:
                yield Case(
                    type=row["type"],
                    opened=datetime.fromisoformat(row["open_dt"]),
                    target=datetime.fromisoformat(row["target_dt"]),
                )
