"""A calibrated SLA policy pasted into the catalogue: its `sla = { ... }` line parses as a catalogue
entry, and routing's due time for it is the very target calibration scored."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic311_city.catalogue import SlaTarget
from civic311_city.loading import CityConfigError, load_catalogue, load_districts
from civic311_routing.domain.calibration import Case, calibrate, candidates, target
from civic311_routing.domain.routing import Router
from civic311_routing.entrypoints.calibrate import catalogue_lines, sla_line
from tests.city.calendars import BOSTON, city_hall

CALENDAR = city_hall()
# Every shape calibration proposes, from a sample whose targets suggest a few amounts of each kind.
_SAMPLE = [
    Case("T", opened, opened + timedelta(days=days, hours=hours))
    for opened in (datetime(2024, 3, day, 9, 15, tzinfo=BOSTON) for day in range(4, 9))
    for days, hours in ((2, 0), (3, 1), (14, 0))
]
POLICIES = candidates(_SAMPLE, CALENDAR)


def _catalogue_text(lines: list[str]) -> str:
    """A catalogue with one request type per `sla = ...` line, coded T00, T01, ..."""
    return "\n".join(
        f'[[type]]\ncode = "T{index:02d}"\nname = "Type {index}"\ngroup = "Test"\n'
        f'department = "Public Works"\nqueue = "PWD-Test"\n{line}\n'
        for index, line in enumerate(lines)
    )


def _router(folder: Path, lines: list[str]) -> Router:
    path = folder / "catalogue.toml"
    path.write_text(_catalogue_text(lines), encoding="utf-8")
    return Router(catalogue=load_catalogue(path), rules=(), districts=load_districts(), calendar=CALENDAR)


def _due(router: Router, code: str, opened: datetime) -> datetime | None:
    request_type = router.catalogue.get(code)
    assert request_type is not None
    return router.due(request_type, opened)


@pytest.fixture(scope="module")
def every_policy(tmp_path_factory: pytest.TempPathFactory) -> Router:
    return _router(tmp_path_factory.mktemp("catalogue"), [sla_line(p) for p in POLICIES])


def test_the_search_covers_every_shape_routing_runs() -> None:
    kinds = {(p.kind, p.out_of_hours if p.kind == "working_days" else None) for p in POLICIES}
    assert kinds == {
        ("calendar_hours", None),
        ("calendar_days", None),
        ("working_days", "next_opening"),
        ("working_days", "keep_clock"),
    }
    assert any(p.cutoff is not None and p.next_day_at is not None for p in POLICIES)
    assert {p.holidays for p in POLICIES} == {True, False}


def test_each_proposed_line_parses_in_the_catalogue_as_the_policy_proposed(every_policy: Router) -> None:
    assert [t.sla for t in every_policy.catalogue.types] == POLICIES
    line = sla_line(
        SlaTarget(kind="working_days", amount=2, out_of_hours="keep_clock", cutoff=time(17), holidays=False)
    )
    assert line == (
        'sla = { kind = "working_days", amount = 2, out_of_hours = "keep_clock", cutoff = "17:00", '
        "holidays = false }"
    )


@given(
    index=st.integers(min_value=0, max_value=len(POLICIES) - 1),
    opened=st.datetimes(
        min_value=datetime(2011, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_routing_gives_the_due_time_calibration_scored(
    every_policy: Router, index: int, opened: datetime
) -> None:
    assert _due(every_policy, f"T{index:02d}", opened) == target(POLICIES[index], opened, CALENDAR)


def test_a_policy_calibrated_from_cases_routes_to_the_city_s_targets(tmp_path: Path) -> None:
    # Given targets a city set at two working days, opens after 16:30 counting from the next 08:00,
    policy = SlaTarget(
        kind="working_days", amount=2, out_of_hours="keep_clock", cutoff=time(16, 30), next_day_at=time(8)
    )
    opens = [
        datetime(2024, 11, day, hour, 10, tzinfo=BOSTON).astimezone(UTC)
        for day in range(1, 30)
        for hour in (6, 9, 16, 19)
    ]
    cases = [Case("Pothole", o, target(policy, o, CALENDAR)) for o in opens]
    # when calibrated and the proposal's line pasted into a catalogue
    [found] = calibrate(lambda: cases, CALENDAR)
    pasted = [line for line in catalogue_lines([found]).splitlines() if line.startswith("sla = ")]
    router = _router(tmp_path, pasted)
    # then routing's due time is the city's target for every case (Veterans Day and Thanksgiving too)
    assert found.policy == policy
    assert [_due(router, "T00", c.opened) for c in cases] == [c.target for c in cases]


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
