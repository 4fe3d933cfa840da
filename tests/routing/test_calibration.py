"""SLA calibration: a generated export whose policies are known is recovered exactly, through the
analyst's command (an uncompressed CSV, a layout given only by a mapping); a bad file is one line;
the real Boston 2011 export is explained and `--check` of the policies found gives the same figure."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civic311.cli import app
from civic311_city.catalogue import SlaTarget
from civic311_routing.domain.calibration import (
    EARLY,
    FAR,
    Case,
    calibrate,
    remembering,
    target,
)
from civic311_routing.entrypoints.calibrate import read_policies
from tests.city.calendars import BOSTON, city_hall

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BOSTON_2011 = DATA / "boston-311-2011H2.csv.gz"
BOSTON_2025 = DATA / "boston-311-2025-08_2026-02.csv"
POLICIES = {
    "Opening-hour start": SlaTarget(kind="working_days", amount=3),
    "Next-day start": SlaTarget(kind="working_days", amount=2, out_of_hours="keep_clock", cutoff="17:00"),
    "Calendar hours": SlaTarget(kind="calendar_hours", amount=48),
}
MAPPING = """
name = "gen"
time_format = "%d.%m.%Y %H:%M"
time_zone = "America/New_York"
[columns]
case_id = "Nr"
opened_at = "Eingang"
due_at = "Frist"
service_code = "Art"
"""


def _opens() -> list[datetime]:
    start = datetime(2024, 3, 4, tzinfo=BOSTON)
    clocks = [(6, 10), (7, 45), (11, 5), (15, 20), (16, 30), (17, 40), (21, 5)]
    # In UTC, as the mapping reads them: an aware local time plus a timedelta moves the wall clock.
    return [
        (start + timedelta(days=d, hours=h, minutes=m)).astimezone(UTC) for d in range(40) for h, m in clocks
    ]


def _export(folder: Path) -> tuple[Path, Path]:
    calendar = city_hall()
    path, mapping = folder / "faelle.csv", folder / "gen.toml"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Nr", "Art", "Eingang", "Frist"])
        for index, (name, policy) in enumerate((n, p) for n, p in POLICIES.items() for _ in range(1)):
            for number, opened in enumerate(_opens()):
                due = target(policy, opened, calendar).astimezone(BOSTON)
                writer.writerow(
                    [
                        f"{index}-{number}",
                        name,
                        f"{opened.astimezone(BOSTON):%d.%m.%Y %H:%M}",
                        f"{due:%d.%m.%Y %H:%M}",
                    ]
                )
    mapping.write_text(MAPPING)
    return path, mapping


def test_each_generated_policy_is_recovered_exactly(tmp_path: Path) -> None:
    calendar = city_hall()
    cases = [
        Case(name, opened, target(policy, opened, calendar))
        for name, policy in POLICIES.items()
        for opened in _opens()
    ]
    found = {p.type: p for p in calibrate(lambda: cases, calendar)}
    for name, policy in POLICIES.items():
        assert found[name].policy == policy, found[name]
        assert found[name].explained == found[name].cases


def test_calibrate_reads_a_plain_csv_in_a_mapped_layout_and_check_scores_its_own_policies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, mapping = _export(tmp_path)
    written = tmp_path / "policies.toml"
    monkeypatch.setenv("CITY_TIME_ZONE", "America/New_York")
    found = CliRunner().invoke(
        app, ["calibrate", str(export), "--mapping", str(mapping), "--policies-out", str(written)]
    )
    checked = CliRunner().invoke(
        app, ["calibrate", str(export), "--mapping", str(mapping), "--check", str(written)]
    )
    assert found.exit_code == 0, found.output
    assert read_policies(written) == POLICIES
    assert re.search(r"^all .* 100\.00%$", found.output, re.MULTILINE)
    assert re.search(r"^all .* 100\.00%$", checked.output, re.MULTILINE)


def test_a_bad_file_is_one_line(tmp_path: Path) -> None:
    export, mapping = _export(tmp_path)
    export.write_bytes(b"\x1f\x8bnot really gzip")
    result = CliRunner().invoke(app, ["calibrate", str(export), "--mapping", str(mapping)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "faelle.csv: line 1" in result.output
    assert "Traceback" not in result.output


def test_the_remembering_calendar_gives_routing_s_own_due_times() -> None:
    calendar = city_hall()
    fast = remembering(calendar)
    policies = [
        *POLICIES.values(),
        SlaTarget(kind="working_days", amount=10, out_of_hours="keep_clock", cutoff="16:30", holidays=False),
        SlaTarget(kind="calendar_days", amount=14),
    ]
    for opened in _opens():
        for policy in policies:
            assert target(policy, opened, fast) == target(policy, opened, calendar)


def _missed(output: str, reason: str) -> int:
    return sum(int(n) for n in re.findall(rf"missed (\d+): {re.escape(reason)}$", output, re.MULTILINE))


@pytest.mark.slow
@pytest.mark.skipif(not BOSTON_2011.exists(), reason=f"real data not found at {BOSTON_2011}")
def test_boston_2011_targets_explained_and_check_gives_the_same_figure(tmp_path: Path) -> None:
    """The issue's bar is 99.5%; Boston's own targets do not allow it. Of the 20 largest types' 38,874
    targets, 173 lie 1-60 minutes before what any rule of the recorded open gives (the clock started
    when an agent's form opened, before the case was saved) and about 40 were reset months away: no
    policy of the open explains those, so the ceiling is below 99.5% whatever the search. The rest of
    the misses are targets set by hand at other clock times."""
    written = tmp_path / "policies.toml"
    run = ["calibrate", str(BOSTON_2011), "--mapping", "boston-classic"]
    found = CliRunner().invoke(app, [*run, "--policies-out", str(written)])
    checked = CliRunner().invoke(app, [*run, "--check", str(written)])
    share = re.search(r"^all .* (\d+) +([\d.]+)%$", found.output, re.MULTILINE)
    again = re.search(r"^all .* ([\d.]+)%$", checked.output, re.MULTILINE)
    assert share is not None and again is not None, found.output
    assert float(share[2]) >= 99.0
    assert share[2] == again[1]
    cases, not_a_policy = int(share[1]), _missed(found.output, EARLY) + _missed(found.output, FAR)
    assert cases == 38874
    assert not_a_policy >= 200 and (cases - not_a_policy) / cases < 0.995


@pytest.mark.slow
@pytest.mark.skipif(not BOSTON_2025.exists(), reason=f"real data not found at {BOSTON_2025}")
def test_boston_2025_targets_are_explained_once_its_times_are_read_as_boston_s_wall_clock() -> None:
    """Boston's current export writes its wall clock with "+00". Read as UTC, every 72-hour target of a
    case opened in the three days before the change to winter time was an hour short (247 cases, 95.1%
    explained); the shipped mapping reads those columns in Boston's zone."""
    found = CliRunner().invoke(app, ["calibrate", str(BOSTON_2025), "--mapping", "boston-current"])
    share = re.search(r"^all .* (\d+) +([\d.]+)%$", found.output, re.MULTILINE)
    assert share is not None, found.output
    assert int(share[1]) == 5463
    assert float(share[2]) >= 99.5
    assert _missed(found.output, EARLY) < 10
