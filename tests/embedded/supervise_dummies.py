"""Run dummy services under the launcher: python -m tests.embedded.supervise_dummies DATA MODE.

MODE "system" goes through `run_system` (backbone servers, ports.json, the address block); the
others drive a `Supervisor` with short time limits: "fail" (one service exits at start),
"never-ready" (one never answers ready) and "stubborn" (one ignores SIGTERM).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from civic311.launcher.commands import run_system
from civic311.launcher.output import PrefixedOutput
from civic311.launcher.processes import Link, Service, child_specs
from civic311.launcher.supervisor import SOURCE, Supervisor
from civic311_backbone.embedded import assign_ports

MODULE = "tests.embedded.dummy_service"
ODD_ONE = {
    "system": ("DUMMY_GRANDCHILD", "1"),
    "fail": ("DUMMY_FAIL", "1"),
    "never-ready": ("DUMMY_NEVER_READY", "1"),
    "stubborn": ("DUMMY_IGNORE_TERM", "1"),
}


def services(mode: str) -> tuple[Service, ...]:
    alpha = Service("alpha", MODULE, extra_env=(("DUMMY_NAME", "alpha"),))
    beta_env = (("DUMMY_NAME", "beta"), ODD_ONE[mode])
    beta = Service("beta", MODULE, links=(Link("beta page", "/page"),), extra_env=beta_env)
    return alpha, beta


def main() -> int:
    data_dir, mode = Path(sys.argv[1]), sys.argv[2]
    if mode == "system":
        return run_system(data_dir, services(mode))
    specs = child_specs(
        services(mode),
        ports=assign_ports(data_dir / "ports.json", ["alpha", "beta"]),
        backbone_env={"DATABASE_URL": "postgresql://nowhere/x", "NATS_URL": "nats://nowhere:1"},
    )
    output = PrefixedOutput([SOURCE, "alpha", "beta"])
    supervisor = Supervisor(
        specs, output, ready_timeout=3.0, stop_timeout=1.0, on_ready=lambda: print("ALL READY")
    )
    return asyncio.run(supervisor.run())


if __name__ == "__main__":
    sys.exit(main())
