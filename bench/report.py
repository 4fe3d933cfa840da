"""Figures, their ceilings and ratios: a JSON file and a short table."""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    ceiling_name: str | None = None
    ceiling: float | None = None
    target_ratio: float | None = None
    target_absolute: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.ceiling if self.ceiling else None

    @property
    def meets_target(self) -> bool | None:
        if self.target_ratio is not None and self.ratio is not None:
            return self.ratio >= self.target_ratio
        if self.target_absolute is not None:
            return self.value >= self.target_absolute
        return None


def write(
    figures: list[Figure], out_dir: Path, parameters: dict[str, object], *, name: str = "latest.json"
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now(UTC).isoformat(),
        "machine": {"cores": _cores(), "python": platform.python_version(), "platform": platform.platform()},
        "parameters": parameters,
        "figures": [{**asdict(f), "ratio": f.ratio, "meets_target": f.meets_target} for f in figures],
    }
    path = out_dir / name
    path.write_text(json.dumps(document, indent=2))
    (out_dir / f"bench-{int(time.time())}.json").write_text(json.dumps(document, indent=2))
    return path


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "ceiling", "ratio", "target", "met")]
    for f in figures:
        target = (
            f">= {f.target_ratio:g} x"
            if f.target_ratio is not None
            else f">= {f.target_absolute:,.0f}"
            if f.target_absolute is not None
            else ""
        )
        rows.append(
            (
                f.name,
                f"{f.value:,.0f} {f.unit}",
                f"{f.ceiling:,.0f} ({f.ceiling_name})" if f.ceiling else "",
                f"{f.ratio:.2f}" if f.ratio is not None else "",
                target,
                {True: "yes", False: "NO", None: ""}[f.meets_target],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def _cores() -> int:
    import os

    return os.cpu_count() or 0


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank; unsorted input is fine)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
