"""Tracking numbers: readable, self-checking, and parsed back from how people type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic311_backbone.contracts.tracking import (
    ALPHABET,
    InvalidTrackingNumber,
    new_tracking_number,
    parse_tracking_number,
)

LOOK_ALIKES = set("0O1ILZ")


def test_new_numbers_are_short_and_free_of_look_alikes() -> None:
    numbers = {new_tracking_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for number in numbers:
        assert len(number) == 9 and number[3] == "-"
        assert not LOOK_ALIKES & set(number)


def test_a_number_parses_back_however_it_is_typed() -> None:
    number = new_tracking_number()
    typed = number.lower().replace("-", " ")
    assert parse_tracking_number(typed) == number
    assert parse_tracking_number(number.replace("-", "")) == number


@given(st.data())
def test_any_single_wrong_character_is_caught(data: st.DataObject) -> None:
    number = new_tracking_number().replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    wrong = data.draw(st.sampled_from([c for c in ALPHABET if c != number[position]]))
    mistyped = number[:position] + wrong + number[position + 1 :]
    with pytest.raises(InvalidTrackingNumber):
        parse_tracking_number(mistyped)


@given(st.data())
def test_swapping_two_different_neighbours_is_caught(data: st.DataObject) -> None:
    """All but one pair: like every Luhn code, it misses a swap of the first and last characters."""
    number = new_tracking_number().replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 2))
    pair = {number[position], number[position + 1]}
    if len(pair) == 1 or pair == {ALPHABET[0], ALPHABET[-1]}:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(InvalidTrackingNumber):
        parse_tracking_number(swapped)


@pytest.mark.parametrize(
    ("text", "why"),
    [("ABC-123", "8 characters"), ("0OI-L2345", "never used"), ("", "8 characters")],
)
def test_malformed_numbers_say_why(text: str, why: str) -> None:
    with pytest.raises(InvalidTrackingNumber, match=why):
        parse_tracking_number(text)
