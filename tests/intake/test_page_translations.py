"""The pages' Spanish is complete: every message, and every public request type with its questions."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from civic311_city.loading import load_catalogue
from civic311_intake.entrypoints.web import Translator
from civic311_intake.entrypoints.web.i18n import message_keys

BOSTON = ZoneInfo("America/New_York")


def test_every_message_has_its_spanish_and_spanish_has_no_message_english_lacks() -> None:
    english, spanish = message_keys("en"), message_keys("es")

    assert english - spanish == set()
    assert spanish - english == set()


def test_every_public_type_its_group_questions_and_answers_read_in_spanish() -> None:
    catalogue = load_catalogue()
    t = Translator("es", BOSTON, catalogue.wording("es"))
    untranslated = []
    for request_type in catalogue.public():
        texts = [
            (request_type.name, t.service_name(request_type)),
            (request_type.group, t.group(request_type.group)),
        ]
        for question in request_type.attributes:
            texts.append((question.question, t.question(request_type, question)))
            texts += [
                (v.name, t.choice(request_type, question, v.key)) for v in question.values if v.name != "No"
            ]
        untranslated += [
            f"{request_type.code}: {english}" for english, spanish in texts if english == spanish
        ]

    assert untranslated == ["GENERAL_REQUEST: General"]  # the same word in both languages


def test_dates_are_shown_on_the_city_clock_in_each_language() -> None:
    moment = datetime(2026, 3, 9, 13, 5, tzinfo=UTC)  # the day after the change to summer time

    assert Translator("en", BOSTON).datetime(moment) == "Mon, Mar 9, 2026, 9:05\u00a0AM"
    assert Translator("es", BOSTON).datetime(moment) == "lun 9 mar 2026, 9:05\u00a0a. m."
