"""The analysts' commands on Boston's 2011 export (58,251 rows): import rows/s, compare rows/s and
calibrate cases/s, each with the peak memory of its own process, beside the raw ceiling of reading
the same gzipped CSV with the standard library's csv module (rows/s) in the same run.

Each phase runs in a child process (`python -m bench.analysts_bench PHASE FILE`), so its peak
resident memory (ru_maxrss) is its own; import and compare work in the bench's schema.
`python -m bench.analysts_bench` alone measures these figures only. Skipped when the file is absent.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.report import Figure
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env

BOSTON_2011 = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "boston-311-2011H2.csv.gz"
PHASES = ("read", "import", "compare", "calibrate")


def _phase(name: str, path: Path) -> dict[str, float]:
    """One phase in this process: how many units, how long."""
    from civic311.analyst_options import mapping_named
    from civic311.calibrating import CaseReader
    from civic311_city.city import build_calendar
    from civic311_city.settings import CitySettings
    from civic311_reporting.adapters.importing.files import ExportFile
    from civic311_reporting.entrypoints import cli
    from civic311_routing.domain.calibration import calibrate

    mapping = mapping_named("boston-classic")
    started = time.perf_counter()
    if name == "read":
        with gzip.open(path, "rt", newline="") as handle:
            units = sum(1 for _ in csv.DictReader(handle))
    elif name == "import":
        result = cli.import_mapped(BackboneSettings(), path, mapping)
        units = result.imported + result.already_there + len(result.rejected)
    elif name == "compare":
        units = cli.comparison(BackboneSettings(), path, mapping).cases
    else:
        cases = CaseReader(ExportFile(path), mapping)
        found = calibrate(cases, build_calendar(CitySettings()), top=20)
        units = sum(p.cases for p in found)
    return {"units": units, "seconds": time.perf_counter() - started}


def _run(name: str, path: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.analysts_bench", name, str(path)],
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def analysts_figures(
    settings: BackboneSettings, path: Path = BOSTON_2011
) -> tuple[list[Figure], dict[str, object]]:
    if not path.exists():
        print(f"analysts: {path} not found, skipped", file=sys.stderr)
        return [], {}
    env = settings_env(settings) | {"LOG_LEVEL": "WARNING"}
    runs = {}
    for name in PHASES:
        print(f"analysts: {name} ...", file=sys.stderr)
        runs[name] = _run(name, path, env)
    ceiling = runs["read"]["units"] / runs["read"]["seconds"]
    figures = []
    for name, unit in (("import", "rows/s"), ("compare", "rows/s"), ("calibrate", "cases/s")):
        run = runs[name]
        figures.append(
            Figure(f"analysts {name} (Boston 2011)", run["units"] / run["seconds"], unit, "csv read", ceiling)
        )
        figures.append(Figure(f"analysts {name} peak memory", run["peak_mb"], "MB"))
    return figures, {f"analysts_{name}_units": run["units"] for name, run in runs.items()}


def main() -> int:
    if len(sys.argv) == 3:
        measured = _phase(sys.argv[1], Path(sys.argv[2]))
        measured["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(measured))
        return 0
    import asyncio

    from bench.report import table
    from bench.services import bench_settings, isolated
    from civic311_backbone.testing.servers import nats_url, postgres_url

    async def measure(database_url: str, nats_server: str) -> None:
        settings = bench_settings(database_url, nats_server)
        async with isolated(settings, pool_name="civic311-bench-analysts"):
            figures, _ = await asyncio.to_thread(analysts_figures, settings)
        print(table(figures))

    with postgres_url() as database_url, nats_url() as nats_server:
        asyncio.run(measure(database_url, nats_server))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
