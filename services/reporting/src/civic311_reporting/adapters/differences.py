"""A comparison's differences as a CSV file, every one of them, for a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

from civic311_reporting.domain.comparison import REASONS, Comparison


def write_differences(comparison: Comparison, path: Path) -> int:
    """Write one row per differing case; returns how many."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("stream_id", "department", "ours", "city", "reason", "reason_text", "why"))
        for d in comparison.differences:
            ours = "" if d.ours is None else ("ONTIME" if d.ours else "OVERDUE")
            writer.writerow((d.stream_id, d.department, ours, d.city, d.reason, REASONS[d.reason], d.why))
    return len(comparison.differences)
