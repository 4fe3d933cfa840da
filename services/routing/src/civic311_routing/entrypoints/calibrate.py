"""Propose SLA policies from a city's past requests: python -m civic311_routing.entrypoints.calibrate FILE.

Reads Boston's classic export (a gzipped CSV: open_dt, target_dt, type; local time without a zone)
and prints, per type, the policy that best explains the city's own target dates and the share of cases
it explains, then the same policies as `sla = {...}` lines to paste into the service catalogue
(catalogue.toml).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import holidays

from civic311_city.catalogue import SlaTarget
from civic311_routing.adapters.boston_export import read_boston_2011
from civic311_routing.domain.calibration import TypePolicy, calibrate


def report(policies: list[TypePolicy]) -> str:
    lines = [f"{'type':<48} {'policy':<72} {'cases':>6} {'explained':>9}"]
    for found in policies:
        policy = found.policy.describe()
        lines.append(f"{found.type[:48]:<48} {policy:<72} {found.cases:>6} {found.share:>9.1%}")
    total = sum(p.cases for p in policies)
    explained = sum(p.explained for p in policies)
    lines.append(f"{'all':<48} {'':<72} {total:>6} {explained / total if total else 0:>9.1%}")
    return "\n".join(lines)


def sla_line(target: SlaTarget) -> str:
    """The catalogue's `sla = { ... }` line for a target, naming only what differs from the defaults."""
    fields = target.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    return "sla = { " + ", ".join(f"{name} = {_toml(value)}" for name, value in fields.items()) + " }"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and len(value) == 8 and value.endswith(":00") and value[2] == ":":
        value = value[:5]  # a clock time: "17:00" reads better than "17:00:00"
    return f'"{value}"'


def catalogue_lines(policies: list[TypePolicy]) -> str:
    """The proposals as catalogue lines, each under a comment naming the type and what it explains."""
    lines = ["# Proposed SLA targets: paste each sla line into the matching [[type]] of catalogue.toml."]
    for found in policies:
        lines.append(
            f"# {found.type}: {found.policy.describe()}; explains {found.share:.1%} of {found.cases}"
        )
        lines.append(sla_line(found.policy.sla_target()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("export", type=Path, help="Boston 311 export (.csv.gz)")
    parser.add_argument("--top", type=int, default=20, help="Only the N largest types (default 20).")
    parser.add_argument("--country", default="US", help="Country of the public holidays (default US).")
    parser.add_argument("--subdivision", default="MA", help="State of the public holidays (default MA).")
    args = parser.parse_args(argv)
    public = holidays.country_holidays(args.country, subdiv=args.subdivision)
    found = calibrate(read_boston_2011(args.export), public, top=args.top)
    print(report(found))
    print()
    print(catalogue_lines(found))


if __name__ == "__main__":
    main()
