"""A calibrated SLA policy, written in the catalogue, gives routing the due time calibration computed."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic311_city.catalogue import Catalogue
from civic311_city.loading import CityConfigError, load_catalogue, load_districts
from civic311_routing.adapters.boston_export import read_boston_2011
from civic311_routing.domain.calibration import CUTOFFS, Case, Policy, TypePolicy, calibrate, target
from civic311_routing.domain.routing import Router
from civic311_routing.entrypoints.calibrate import sla_line
from tests.routing.calendars import BOSTON, city_hall
from tests.routing.test_calibration import BOSTON_2011

PUBLIC_HOLIDAYS = holidays.country_holidays("US", subdiv="MA")
# Every shape of policy calibration proposes: calendar days, and working days with each cut-off and
# with or without public holidays.
POLICIES = [Policy("calendar_days", 30)] + [
    Policy("working_days", amount, cutoff, closed)
    for amount in (0, 2, 10)
    for cutoff in CUTOFFS
    for closed in (False, True)
]


def _catalogue_text(lines: list[str]) -> str:
    """A catalogue with one request type per `sla = ...` line, coded T00, T01, …"""
    entries = [
        f'[[type]]\ncode = "T{index:02d}"\nname = "Type {index}"\ngroup = "Test"\n'
        f'department = "Public Works"\nqueue = "PWD-Test"\n{line}\n'
        for index, line in enumerate(lines)
    ]
    return "\n".join(entries)


def _router(tmp_path: Path, lines: list[str]) -> Router:
    path = tmp_path / "catalogue.toml"
    path.write_text(_catalogue_text(lines), encoding="utf-8")
    return Router(catalogue=load_catalogue(path), rules=(), districts=load_districts(), calendar=city_hall())


def _routing_due(catalogue: Catalogue, router: Router, code: str, opened: datetime) -> datetime | None:
    request_type = catalogue.get(code)
    assert request_type is not None
    return router.due(request_type, opened.replace(tzinfo=BOSTON))


def _as_utc(wall_clock: datetime, zone: ZoneInfo = BOSTON) -> datetime:
    return wall_clock.replace(tzinfo=zone).astimezone(UTC)


def _exists(wall_clock: datetime) -> bool:
    """Not a local time skipped by the spring DST change (no real request opens at one)."""
    there_and_back = _as_utc(wall_clock).astimezone(BOSTON).replace(tzinfo=None)
    return there_and_back == wall_clock


@pytest.fixture(scope="module")
def every_policy(tmp_path_factory: pytest.TempPathFactory) -> Router:
    lines = [sla_line(policy.sla_target()) for policy in POLICIES]
    return _router(tmp_path_factory.mktemp("catalogue"), lines)


def test_each_proposed_policy_is_a_valid_catalogue_line(every_policy: Router) -> None:
    assert [t.sla for t in every_policy.catalogue.types] == [p.sla_target() for p in POLICIES]
    assert sla_line(Policy("working_days", 2, time(17, 0)).sla_target()) == (
        'sla = { kind = "working_days", amount = 2, out_of_hours = "keep_clock", cutoff = "17:00", '
        'next_day_at = "08:30", holidays = false }'
    )


@given(
    index=st.integers(min_value=0, max_value=len(POLICIES) - 1),
    opened=st.datetimes(min_value=datetime(2011, 1, 1), max_value=datetime(2027, 12, 31)).filter(_exists),
)
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_routing_gives_the_due_time_calibration_computed(
    every_policy: Router, index: int, opened: datetime
) -> None:
    policy = POLICIES[index]
    expected = _as_utc(target(policy, opened, PUBLIC_HOLIDAYS))
    assert _routing_due(every_policy.catalogue, every_policy, f"T{index:02d}", opened) == expected


def test_a_policy_calibrated_from_cases_routes_to_the_same_targets(tmp_path: Path) -> None:
    # Given targets a city set at two working days, opens after 16:30 counting from the next morning,
    policy = Policy("working_days", 2, time(16, 30), holidays=True)
    opens = [datetime(2011, 11, day, hour, 10) for day in range(1, 30) for hour in (6, 9, 16, 19)]
    cases = [Case("Pothole", o, target(policy, o, PUBLIC_HOLIDAYS)) for o in opens]
    # when calibrated and the proposal pasted into a catalogue
    [found] = calibrate(cases, PUBLIC_HOLIDAYS)
    router = _router(tmp_path, [sla_line(found.policy.sla_target())])
    # then routing's due time is the city's target for every case (Thanksgiving included)
    assert found.policy == policy
    assert [_routing_due(router.catalogue, router, "T00", c.opened) for c in cases] == [
        _as_utc(c.target) for c in cases
    ]


@pytest.mark.parametrize(
    ("sla", "error"),
    [
        ('{ kind = "calendar_days", amount = 3, cutoff = "17:00" }', "cutoff apply to working_days"),
        (
            '{ kind = "working_days", amount = 3, cutoff = "17:00" }',
            'cutoff needs out_of_hours = "keep_clock"',
        ),
        (
            '{ kind = "working_days", amount = 3, out_of_hours = "keep_clock", next_day_at = "08:30" }',
            "needs a cutoff",
        ),
        ('{ kind = "working_days", amount = 3, out_of_hours = "at_once" }', "sla.out_of_hours"),
        ('{ kind = "working_days", amount = 3, out_of_hours = "keep_clock", cutoff = "5pm" }', "sla.cutoff"),
    ],
)
def test_a_policy_the_catalogue_cannot_use_is_refused_with_its_field(
    tmp_path: Path, sla: str, error: str
) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(_catalogue_text([f"sla = {sla}"]), encoding="utf-8")
    with pytest.raises(CityConfigError, match=rf"catalogue.toml:1: type T00 .*{error}"):
        load_catalogue(path)


@pytest.mark.slow
@pytest.mark.skipif(not BOSTON_2011.exists(), reason=f"real data not found at {BOSTON_2011}")
def test_boston_policies_in_a_catalogue_give_routing_the_citys_own_targets(tmp_path: Path) -> None:
    # Given the policies calibrated on Boston's 2011 export, pasted into a catalogue
    cases = list(read_boston_2011(BOSTON_2011))
    found = calibrate(cases, PUBLIC_HOLIDAYS, top=20)
    router = _router(tmp_path, [sla_line(p.policy.sla_target()) for p in found])
    codes = {p.type: f"T{index:02d}" for index, p in enumerate(found)}
    # When routing computes due_at from each case's open_dt (cases at a skipped DST hour left out)
    checked = [c for c in cases if c.type in codes and _exists(c.opened)]
    routed = [(c, _routing_due(router.catalogue, router, codes[c.type], c.opened)) for c in checked]
    # then it is calibration's target for every case, and so the city's own as often as calibration said
    assert all(
        due == _as_utc(target(policy_of(found, c.type), c.opened, PUBLIC_HOLIDAYS)) for c, due in routed
    )
    on_target = sum(
        due is not None and abs(due - _as_utc(c.target)).total_seconds() <= 60 for c, due in routed
    )
    assert on_target / len(routed) >= 0.85


def policy_of(found: list[TypePolicy], type_: str) -> Policy:
    return next(p.policy for p in found if p.type == type_)
