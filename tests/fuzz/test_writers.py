"""Hypothesis over every writer and form reader an answer goes through: whatever text is stored or sent,
the XML is well-formed, the CSV reads back cell for cell without a formula, the forms never raise and
accept only text that passes the one text rule."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from civic311_city.loading import load_catalogue
from civic311_intake.domain.text import is_text
from civic311_intake.entrypoints.api.form_encoding import undecodable_field
from civic311_intake.entrypoints.api.open311.mapping.form import read_open311_form
from civic311_intake.entrypoints.api.open311.xml import to_xml
from civic311_reporting.entrypoints.web.tables import TABLES, as_csv

ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=60)
"""Every code point, lone surrogates and control characters included."""
CATALOGUE = load_catalogue()
CASES = 300
COUNTS: dict[str, int] = {}


def counted(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: (
        st.fixed_dictionaries({"description": inner, "status_notes": inner})
        | st.lists(inner, max_size=3).map(lambda items: {"notes": items})
    ),
    max_leaves=10,
)


@settings(max_examples=CASES, deadline=None, database=None)
@given(payload=st.lists(json_like, max_size=4))
def test_every_xml_answer_is_well_formed(payload: list[object]) -> None:
    counted("xml")
    written = to_xml("service_requests", payload)
    root = ElementTree.fromstring(written.encode("utf-8"))
    assert len(root) == len(payload)


@settings(max_examples=CASES, deadline=None, database=None)
@given(
    cells=st.lists(st.lists(ANY_TEXT, min_size=1, max_size=1), max_size=5),
    table=st.sampled_from(list(TABLES)),
)
def test_every_csv_reads_back_without_a_formula(cells: list[list[str]], table: str) -> None:
    counted("csv")
    chosen = TABLES[table]
    rows = [tuple(row[0] for _ in chosen.columns) for row in cells]
    written = as_csv(chosen, rows)
    read = list(csv.reader(io.StringIO(written, newline="")))
    assert read[0] == list(chosen.columns)
    assert len(read) == len(rows) + 1
    for row in read[1:]:
        assert all(cell[:1] not in ("=", "+", "-", "@") for cell in row)


form_fields = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "service_code",
                "lat",
                "long",
                "description",
                "address_string",
                "attribute[SIZE]",
                "email",
                "first_name",
                "attribute[COUNT]",
                "attribute[ITEMS][]",
                "media_url",
            ]
        )
        | ANY_TEXT,
        ANY_TEXT | st.sampled_from(["POTHOLE", "NEEDLE_PICKUP", "42.36", "-71.05", "large", "-1", "4_2"]),
    ),
    max_size=8,
)


@settings(max_examples=CASES, deadline=None, database=None)
@given(fields=form_fields)
def test_the_form_reader_never_raises_and_accepts_only_text(fields: list[tuple[str, str]]) -> None:
    counted("form")
    read = read_open311_form(CATALOGUE, [(name, value) for name, value in fields])
    if not read.problems and read.submission is not None:
        submission = read.submission
        for text in (submission.description, submission.address_string, submission.media_url):
            assert text is None or is_text(text)
        assert submission.lat is None or -90 <= submission.lat <= 90


@settings(max_examples=CASES, deadline=None, database=None)
@given(body=st.binary(max_size=200))
def test_the_form_encoding_check_never_raises(body: bytes) -> None:
    counted("form bytes")
    field = undecodable_field(body)
    assert field is None or is_text(field)


def test_zz_counts() -> None:
    print(f"\nwriter and form cases run: {COUNTS}")
