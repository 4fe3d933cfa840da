"""Calibration's words for an analyst: the per-type table with each alternative and the grouped
reasons of the misses, the `sla = { ... }` lines to paste into the service catalogue, and the policies
file `calibrate --check` reads (a TOML table of type name -> SLA target, as the catalogue writes one).

The command is `civic311 calibrate FILE --mapping M` (the export is read through the analysts' column
mapping, which lives with reporting); this module only turns calibration's results into text and back.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from civic311_city.catalogue import SlaTarget
from civic311_routing.domain.calibration import TypePolicy, describe


class PoliciesError(ValueError):
    """A policies file that cannot be used: the file, the type and why."""


def report(policies: list[TypePolicy], *, alternatives: bool = True) -> str:
    lines = [f"{'type':<44} {'policy':<62} {'cases':>6} {'explained':>9}"]
    for found in policies:
        lines.append(
            f"{found.type[:44]:<44} {describe(found.policy)[:62]:<62} {found.cases:>6} {found.share:>9.1%}"
        )
        if alternatives:
            for other in found.alternatives:
                share = other.explained / found.cases if found.cases else 0.0
                lines.append(f"{'':<46}or {describe(other.policy)[:58]:<60} {'':>6} {share:>9.1%}")
        for why, count in found.misses.items():
            lines.append(f"{'':<46}missed {count}: {why}")
    total = sum(p.cases for p in policies)
    explained = sum(p.explained for p in policies)
    lines.append(f"{'all':<44} {'':<62} {total:>6} {explained / total if total else 0:>9.2%}")
    return "\n".join(lines)


def explained_share(policies: list[TypePolicy]) -> float:
    total = sum(p.cases for p in policies)
    return sum(p.explained for p in policies) / total if total else 0.0


def _fields(target: SlaTarget) -> dict[str, object]:
    return target.model_dump(mode="json", exclude_unset=True, exclude_none=True)


def sla_line(target: SlaTarget) -> str:
    """The catalogue's `sla = { ... }` line for a target, naming only what differs from the defaults."""
    return "sla = " + _inline(target)


def _inline(target: SlaTarget) -> str:
    return "{ " + ", ".join(f"{name} = {_toml(value)}" for name, value in _fields(target).items()) + " }"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and len(value) == 8 and value.endswith(":00") and value[2] == ":":
        value = value[:5]  # a clock time: "17:00" reads better than "17:00:00"
    return f'"{value}"'


def _key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def catalogue_lines(policies: list[TypePolicy]) -> str:
    """The proposals as catalogue lines, each under a comment naming the type and what it explains."""
    lines = ["# Proposed SLA targets: paste each sla line into the matching [[type]] of catalogue.toml."]
    for found in policies:
        lines.append(f"# {found.type}: {describe(found.policy)}; explains {found.share:.1%} of {found.cases}")
        lines.append(sla_line(found.policy))
    return "\n".join(lines)


def policies_text(policies: list[TypePolicy]) -> str:
    """A policies file for `calibrate --check` (next year's export against this year's policies)."""
    lines = ["# SLA policies per request type, as calibrated: civic311 calibrate --check THIS FILE", "[sla]"]
    lines += [f"{_key(found.type)} = {_inline(found.policy)}" for found in policies]
    return "\n".join(lines) + "\n"


def read_policies(path: Path) -> dict[str, SlaTarget]:
    """`[sla]` type name -> target, each checked as the catalogue checks one."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PoliciesError(f"{path}: not valid TOML: {error}") from None
    table = document.get("sla")
    if not isinstance(table, dict) or not table:
        raise PoliciesError(f"{path}: no [sla] table of type name = {{ kind = ..., amount = ... }}")
    policies: dict[str, SlaTarget] = {}
    for name, fields in table.items():
        try:
            policies[name] = SlaTarget.model_validate(fields)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or name}: {e['msg']}" for e in error.errors()
            )
            raise PoliciesError(f"{path}: sla.{_key(name)}: {problems}") from None
    return policies
