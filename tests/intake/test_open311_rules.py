"""Open311's own rules, pure: reading a POST form, and what a search's filters mean (the 90-day rule)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from civic311_backbone.contracts.tracking import new_tracking_number
from civic311_city.loading import load_catalogue
from civic311_intake.domain.open311.search import Criteria, Filters, criteria
from civic311_intake.domain.submission import FieldProblem
from civic311_intake.entrypoints.api.open311.mapping.form import read_open311_form

CATALOGUE = load_catalogue()
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def found(filters: Filters) -> Criteria:
    result = criteria(CATALOGUE, filters, now=NOW)
    assert isinstance(result, Criteria), result
    return result


def test_a_form_reads_into_the_submission_every_channel_hands_in() -> None:
    read = read_open311_form(
        CATALOGUE,
        [
            ("service_code", "MISSED_TRASH"),
            ("lat", " 42.36 "),
            ("long", "-71.06"),
            ("attribute[SET_OUT_TIME]", "2026-11-23T06:30:00-05:00"),
            ("attribute[ITEMS][]", "trash"),
            ("attribute[ITEMS][]", "yard"),
            ("email", "maria@example.org"),
            ("device_id", "kept nowhere"),
        ],
    )

    assert read.problems == []
    assert read.submission is not None
    assert (read.submission.channel, read.submission.lat, read.submission.long) == ("open311", 42.36, -71.06)
    assert read.submission.attributes == {
        "SET_OUT_TIME": "2026-11-23T06:30:00-05:00",
        "ITEMS": ["trash", "yard"],
    }
    assert read.submission.contact is not None and read.submission.contact.email == "maria@example.org"


def test_an_unreadable_field_is_named_once_not_twice() -> None:
    read = read_open311_form(
        CATALOGUE,
        [("service_code", "POTHOLE"), ("lat", "north"), ("long", "-71.06"), ("attribute[SIZE]", "large")],
    )

    assert read.problems == [FieldProblem("lat", "a number in decimal degrees (WGS 84)")]


def test_a_file_or_a_repeated_field_is_a_problem() -> None:
    fields: list[tuple[str, str | None]] = [
        ("service_code", "GRAFFITI"),
        ("address_string", "1 Main St"),
        ("description", "a"),
        ("description", "b"),
        ("media_url", None),
    ]

    read = read_open311_form(CATALOGUE, fields)

    assert read.problems == [
        FieldProblem("description", "given more than once"),
        FieldProblem("media_url", "a text value, not a file"),
    ]


@given(st.lists(st.tuples(st.text(max_size=30), st.none() | st.text(max_size=60)), max_size=12))
def test_any_form_at_all_reads_without_an_exception(fields: list[tuple[str, str | None]]) -> None:
    read = read_open311_form(CATALOGUE, [("service_code", "POTHOLE"), *fields])

    assert read.submission is not None or read.problems


def test_without_dates_the_search_covers_the_last_90_days() -> None:
    assert (found(Filters()).requested_from, found(Filters()).requested_to) == (NOW - 90 * DAY, NOW)


def test_one_date_alone_opens_90_days_from_or_up_to_it() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)

    from_start = found(Filters(start_date=start))
    up_to_end = found(Filters(end_date=start))

    assert (from_start.requested_from, from_start.requested_to) == (start, start + 90 * DAY)
    assert (up_to_end.requested_from, up_to_end.requested_to) == (start - 90 * DAY, start)


def test_a_range_of_exactly_90_days_is_fine_a_second_more_is_not() -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5)))

    assert found(Filters(start_date=start, end_date=start + 90 * DAY)).requested_to == start + 90 * DAY
    assert criteria(
        CATALOGUE, Filters(start_date=start, end_date=start + 90 * DAY + timedelta(seconds=1)), now=NOW
    ) == [FieldProblem("end_date", "at most 90 days after start_date")]


def test_changes_only_searches_leave_out_the_default_window() -> None:
    since = NOW - 200 * DAY

    changes = found(Filters(updated_after=since))

    assert (changes.requested_from, changes.requested_to, changes.updated_after) == (None, None, since)


def test_a_date_without_an_offset_is_utc_and_one_past_the_calendar_is_refused() -> None:
    naive = datetime(2026, 3, 1, 8, 0)

    assert found(Filters(start_date=naive)).requested_from == naive.replace(tzinfo=UTC)
    edge = datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5)))
    assert criteria(CATALOGUE, Filters(end_date=edge), now=NOW) == [
        FieldProblem("end_date", "a date within the years 1 to 9999")
    ]


def test_ids_name_requests_outright_and_other_filters_are_ignored() -> None:
    number = new_tracking_number()
    as_typed = number.lower().replace("-", " ")

    chosen = found(Filters(service_request_id=as_typed, status="nonsense", service_code="NOPE"))

    assert chosen.tracking_numbers == (number,)
    assert chosen.statuses == () and chosen.requested_from is None and chosen.requested_to is None
    # a list with one malformed number is refused, naming the field, rather than searching for the rest
    assert criteria(CATALOGUE, Filters(service_request_id=f"{as_typed}, not-one"), now=NOW) == [
        FieldProblem(
            "service_request_id", "'not-one' is not a tracking number: a tracking number has 8 characters"
        )
    ]


def test_confidential_types_are_never_searched() -> None:
    codes = found(Filters()).service_codes

    assert "ETHICS_CONCERN" not in codes and "POTHOLE" in codes
    assert criteria(CATALOGUE, Filters(service_code="ETHICS_CONCERN"), now=NOW) == [
        FieldProblem("service_code", "not a service of this jurisdiction: ETHICS_CONCERN")
    ]
