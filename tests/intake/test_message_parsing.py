"""Reading a resident's SMS or e-mail: the type, the place and the language, in English and Spanish."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from civic311_backbone.contracts import Location
from civic311_city.loading import load_catalogue
from civic311_intake.domain.messages.answers import read_answer
from civic311_intake.domain.messages.conversation import Answer, Ask, Conversation, Ready, advance
from civic311_intake.domain.messages.parsing import command_in, guess_language, read_message, recognise_type
from civic311_intake.domain.messages.places import find_place
from civic311_intake.entrypoints.channels.mail_text import message_text

CATALOGUE = load_catalogue()
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("text", "service_code", "address", "language"),
    [
        ("pothole outside 12 Main St", "POTHOLE", "12 Main St", "en"),
        ("There are 3 potholes near 40 Elm St, please fix", "POTHOLE", "40 Elm St", "en"),
        ("Street light out on Elm Street", "STREET_LIGHT_OUT", "Elm Street", "en"),
        ("Stop sign down at Main St and Elm St", "STOP_SIGN_DOWN", "Main St and Elm St", "en"),
        (
            "trash not picked up at 1600-1610 Washington Street",
            "MISSED_TRASH",
            "1600-1610 Washington Street",
            "en",
        ),
        ("graffiti on Park St", "GRAFFITI", "Park St", "en"),
        ("corner of Main and Elm, big pothole", "POTHOLE", "corner of Main and Elm", "en"),
        ("Hay un bache enorme frente al 45 de la calle Mayor", "POTHOLE", "45 de la calle Mayor", "es"),
        ("El semáforo no funciona en Tremont St", "TRAFFIC_SIGNAL", "Tremont St", "es"),
        ("Farola apagada en la esquina de Mayor y Sol", "STREET_LIGHT_OUT", "esquina de Mayor y Sol", "es"),
        ("Basura tirada en calle Sol 14", "MISSED_TRASH", "calle Sol 14", "es"),
        ("hay ratas en el parque de 20 Elm St", "RODENTS", "20 Elm St", "es"),
    ],
)
def test_a_message_naming_the_problem_and_the_place_is_read_whole(
    text: str, service_code: str, address: str, language: str
) -> None:
    read = read_message(text, CATALOGUE)

    assert read.service_code == service_code
    assert read.location == Location(address_string=address)
    assert read.language == language
    assert read.command is None


def test_coordinates_are_a_place() -> None:
    location, rest = find_place("dead animal 42.3601, -71.0589")

    assert location == Location(lat=42.3601, long=-71.0589)
    assert recognise_type(rest, CATALOGUE) == "DEAD_ANIMAL"


@pytest.mark.parametrize(
    "text",
    [
        "rats everywhere",
        "a broken street light",
        "mi vecino tiene música muy alta toda la noche",
        "La farola de mi calle está apagada",
    ],
)
def test_a_message_without_a_place_has_none(text: str) -> None:
    read = read_message(text, CATALOGUE)

    assert read.location is None
    assert read.service_code is not None


@pytest.mark.parametrize("text", ["12 Main St", "something is wrong at 12 Main St", "hola, en 5 Elm St"])
def test_a_message_without_a_known_problem_has_no_type(text: str) -> None:
    assert read_message(text, CATALOGUE).service_code is None


def test_a_confidential_type_is_never_recognised() -> None:
    # ETHICS_CONCERN's keywords (bribe, fraud) are not for a public channel.
    assert recognise_type("bribe and fraud", CATALOGUE) is None
    assert all(
        recognise_type(keyword, CATALOGUE) != "ETHICS_CONCERN"
        for keyword in CATALOGUE.get("ETHICS_CONCERN").keywords  # type: ignore[union-attr]
    )


def test_a_street_name_does_not_decide_the_type() -> None:
    # "Park" is a park-maintenance keyword, but here it names the street.
    assert read_message("pothole on Park St", CATALOGUE).service_code == "POTHOLE"


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("STOP", "stop"),
        ("stop.", "stop"),
        ("Alto", "stop"),
        ("HELP", "help"),
        ("¿Ayuda?", "help"),
        ("stop sign down", None),
    ],
)
def test_stop_and_help_are_whole_messages(text: str, command: str | None) -> None:
    assert command_in(text) == command


@pytest.mark.parametrize(
    ("text", "language"),
    [("the light is out", "en"), ("la luz está apagada", "es"), ("¿Cuándo?", "es"), ("12", None)],
)
def test_the_language_is_guessed_from_common_words(text: str, language: str | None) -> None:
    assert guess_language(text) == language


def test_a_conversation_asks_for_the_place_then_the_types_question_then_files() -> None:
    first = advance(None, "Hay un bache enorme", CATALOGUE, now=NOW)
    assert isinstance(first, Ask)
    assert (first.missing, first.language) == ("place", "es")

    second = advance(first.conversation, "frente a la escuela", CATALOGUE, now=NOW)
    assert isinstance(second, Ask)
    assert (second.missing, second.attribute and second.attribute.code) == ("attribute", "SIZE")
    unreadable = advance(second.conversation, "no sé", CATALOGUE, now=NOW)
    assert isinstance(unreadable, Ask)
    assert unreadable.again

    third = advance(unreadable.conversation, "3", CATALOGUE, now=NOW)

    assert isinstance(third, Ready)
    report = third.report
    assert report.service_code == "POTHOLE"
    assert report.location == Location(address_string="frente a la escuela")
    assert report.language == "es"
    assert report.attributes == {"SIZE": "large"}
    assert report.description == "Hay un bache enorme\nfrente a la escuela"


def test_a_conversation_asks_for_the_type_when_only_the_place_is_given() -> None:
    first = advance(None, "12 Main St", CATALOGUE, now=NOW)
    assert isinstance(first, Ask)
    assert first.missing == "type"
    still = advance(first.conversation, "no idea what to call it", CATALOGUE, now=NOW)
    assert isinstance(still, Ask)
    assert still.missing == "type"

    done = advance(still.conversation, "a broken swing", CATALOGUE, now=NOW)

    assert isinstance(done, Ready)
    assert (done.report.service_code, done.report.location.address_string) == (
        "PLAYGROUND_EQUIPMENT",
        "12 Main St",
    )


@pytest.mark.parametrize(
    ("text", "attributes"),
    [
        ("large pothole outside 12 Main St", {"SIZE": "large"}),
        ("street light out on Elm Street", {"PATTERN": "out"}),
        ("traffic light flashing at Main St and Elm St", {"PROBLEM": "flashing"}),
        ("graffiti on Park St", {}),
    ],
)
def test_a_report_that_already_answers_the_types_questions_is_ready_at_once(
    text: str, attributes: dict[str, str]
) -> None:
    step = advance(None, text, CATALOGUE, now=NOW)

    assert isinstance(step, Ready)
    assert step.report.attributes == attributes


def test_a_yes_or_no_question_is_never_answered_by_the_reports_words() -> None:
    step = advance(None, "drain clogged, no flooding, at 5 Elm St", CATALOGUE, now=NOW)

    assert isinstance(step, Ask)
    assert step.attribute is not None
    assert step.attribute.code == "FLOODING"


def test_a_missed_collection_asks_when_and_reads_times_as_residents_text_them() -> None:
    asked = advance(None, "missed pickup at 4 Oak St", CATALOGUE, now=NOW)
    assert isinstance(asked, Ask)
    assert asked.attribute is not None
    assert asked.attribute.code == "SET_OUT_TIME"

    items = advance(asked.conversation, "yesterday 7pm", CATALOGUE, now=NOW)
    assert isinstance(items, Ask)
    assert items.attribute is not None
    assert items.attribute.code == "ITEMS"
    done = advance(items.conversation, "1 and 3", CATALOGUE, now=NOW)

    assert isinstance(done, Ready)
    assert done.report.attributes == {"SET_OUT_TIME": "2026-11-22T19:00:00-05:00", "ITEMS": ["trash", "yard"]}


@pytest.mark.parametrize(
    ("code", "text", "answer"),
    [
        ("SIZE", "2", "medium"),
        ("SIZE", "Up to a car tyre", "medium"),
        ("SIZE", "small one", "small"),
        ("SIZE", "7", None),
        ("DAYS_PARKED", "about 12 days", "12"),
        ("DAYS_PARKED", "a while", None),
        ("SET_OUT_TIME", "7:30am", "2026-11-23T07:30:00-05:00"),
        ("SET_OUT_TIME", "ayer 18:00", "2026-11-22T18:00:00-05:00"),
        ("SET_OUT_TIME", "2026-11-21 06:15", "2026-11-21T06:15:00-05:00"),
        ("SET_OUT_TIME", "2026-11-21T06:15:00+00:00", "2026-11-21T06:15:00+00:00"),
        ("SET_OUT_TIME", "this morning", None),
    ],
)
def test_answers_to_a_types_questions_are_read_in_open311_form(
    code: str, text: str, answer: str | None
) -> None:
    question = next(a for t in CATALOGUE.types for a in t.attributes if a.code == code)

    assert read_answer(question, text, NOW) == answer


def test_stop_ends_a_conversation_and_empty_or_overlong_messages_are_answered() -> None:
    asked = advance(None, "pothole", CATALOGUE, now=NOW)
    assert isinstance(asked, Ask)

    assert advance(asked.conversation, "STOP", CATALOGUE, now=NOW) == Answer("stopped", "en", ends=True)
    assert advance(None, "   ", CATALOGUE, now=NOW) == Answer("empty", "en", ends=False)
    too_long = advance(Conversation(language="es"), "x" * 4001, CATALOGUE, now=NOW)
    assert too_long == Answer("too_long", "es", ends=False)


def _mail(subject: str, plain: str | None = None, html: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject
    if plain is not None:
        mail.set_content(plain)
    if html is not None:
        if plain is None:
            mail.set_content(html, subtype="html")
        else:
            mail.add_alternative(html, subtype="html")
    return mail


def test_an_email_is_read_as_its_subject_and_body() -> None:
    mail = _mail("Pothole", "It is outside 12 Main St.\n\n-- \nMaria\nSent from my phone")

    assert message_text(mail) == "Pothole\nIt is outside 12 Main St."


def test_an_html_only_email_is_reduced_to_its_text() -> None:
    html = "<html><head><style>p{}</style></head><body><p>Broken <b>street light</b></p><p>on Elm&nbsp;St</p></body></html>"

    assert message_text(_mail("", html=html)) == "Broken street light\non Elm St"


def test_a_reply_is_read_without_our_subject_and_the_quoted_question() -> None:
    plain = "12 Main St\n\nOn Mon, 23 Nov 2026 at 10:00, 311 <311@city.example.org> wrote:\n> Where is it?\n"

    assert message_text(_mail("Re: Your 311 report: one question", plain)) == "12 Main St"
