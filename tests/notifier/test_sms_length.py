"""Texts measured as the network sends them (GSM-7 or UCS-2, segments) and kept to three segments."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from civic311_notifier.domain.sms import ELLIPSIS, Measure, fit, measure
from civic311_notifier.domain.texts import MAX_SEGMENTS, sms_text


def test_plain_ascii_is_gsm7_and_160_fit_one_segment() -> None:
    assert measure("a" * 160) == Measure("GSM-7", 160, 1)
    assert measure("a" * 161).segments == 2
    assert measure("a" * 306).segments == 2 and measure("a" * 307).segments == 3


def test_extension_characters_count_two() -> None:
    assert measure("€" * 80).units == 160 and measure("€" * 80).segments == 1
    assert measure("[" * 81).segments == 2 and measure("[" * 81).encoding == "GSM-7"


def test_spanish_n_e_u_are_gsm7_but_a_acute_is_ucs2() -> None:
    assert measure("Año, señor, pingüino, café").encoding == "GSM-7"
    assert measure("Calle Mayor, está").encoding == "UCS-2"
    assert measure("á" * 70).segments == 1 and measure("á" * 71).segments == 2
    assert measure("á" * 134).segments == 2 and measure("á" * 135).segments == 3


def test_an_emoji_is_two_ucs2_units() -> None:
    assert measure("🚧").units == 2 and measure("🚧").encoding == "UCS-2"
    assert measure("🚧" * 35).segments == 1 and measure("🚧" * 36).segments == 2


@given(st.text(max_size=900), st.integers(min_value=1, max_value=4))
def test_a_trimmed_note_fits_and_keeps_head_and_tail(note: str, segments: int) -> None:
    head, tail = "311: update on ABC-DEFGH: ", " Track it: http://x.test/track/ABC-DEFGH"
    text = fit(head, note, tail, max_segments=segments)
    assert text.startswith(head) and text.endswith(tail)
    if measure(head + note + tail).segments <= segments:
        assert text == head + note + tail
    else:
        assert measure(text).segments <= segments and ELLIPSIS in text
        kept = text[len(head) : -len(tail) - 1]
        assert note.startswith(kept)  # cut between whole code points, as the note was


def test_a_long_note_in_an_update_is_trimmed_to_three_segments_with_the_link() -> None:
    facts = {"tracking_number": "ABC-DEFGH", "note": "Cuadrilla en camino 🚧. " * 40}
    text = sms_text(
        "updated", "es", facts, city="Sample City", link="http://g.test/track/ABC-DEFGH", due=None
    )
    assert measure(text).segments == MAX_SEGMENTS
    assert text.startswith("Sample City 311: novedades de ABC-DEFGH: Cuadrilla en camino")
    assert text.endswith(f"{ELLIPSIS} Siga su estado: http://g.test/track/ABC-DEFGH")


def test_received_says_the_number_the_link_the_due_time_and_how_to_stop() -> None:
    facts = {"tracking_number": "ABC-DEFGH"}
    text = sms_text(
        "received", "en", facts, city="Sample City", link="http://g.test/t", due="2026-03-03 14:30"
    )
    assert text == (
        "Sample City 311: we have your report ABC-DEFGH. Expected by 2026-03-03 14:30. "
        "Track it: http://g.test/t Reply STOP to stop texts."
    )
    assert measure(text) == Measure("GSM-7", len(text), 1)
