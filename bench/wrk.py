"""wrk, the HTTP load generator (Debian's package), run and its report read.

wrk is written in C and keeps a fixed number of connections busy, so it measures the server rather
than the client; on this 2-core machine it still shares the cores with what it measures.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m),", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    per_second: float
    latency_ms: dict[int, float]
    """Percentile (50, 75, 90, 99) → milliseconds."""
    failed: int
    """Non-2xx/3xx answers and socket errors."""


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is missing: `make bench` installs Debian's wrk package (apt-get install wrk)")
    return found


def run_wrk(url: str, *, seconds: int, connections: int, lua: str | None = None) -> WrkRun:
    with tempfile.TemporaryDirectory() as folder:
        args = [wrk_path(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
        if lua is not None:
            script = Path(folder) / "load.lua"
            script.write_text(lua)
            args[1:1] = ["-s", str(script)]
        output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return parse(output)


def parse(output: str) -> WrkRun:
    rate, total = _RATE.search(output), _TOTAL.search(output)
    if rate is None or total is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    latency = {int(p): float(v) * _UNITS[u] for p, v, u in _PERCENTILE.findall(output)}
    non_2xx = _NON_2XX.search(output)
    errors = _ERRORS.search(output)
    failed = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in errors.groups()) if errors else 0
    )
    return WrkRun(
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * _UNITS[total.group(3)] / 1000.0,
        per_second=float(rate.group(1)),
        latency_ms=latency,
        failed=failed,
    )


def form_post_script(body: str) -> str:
    """A wrk script that POSTs the same form-encoded body on every request."""
    escaped = body.replace("\\", "\\\\").replace('"', '\\"')
    return (
        'wrk.method = "POST"\n'
        f'wrk.body = "{escaped}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    )
