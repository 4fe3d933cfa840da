"""The service catalogue operators edit: what ships, and how a mistake in it is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from civic311_city.loading import CityConfigError, load_catalogue

ENTRY = """
[[type]]
code = "{code}"
name = "Pothole"
group = "Streets"
department = "Public Works"
queue = "PWD-Streets"
sla = {{ kind = "{kind}", amount = 2 }}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalogue_has_fifty_types_across_eight_departments() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.types) >= 50
    assert len(catalogue.departments) >= 8
    assert all(t.sla is not None for t in catalogue.types)


def test_confidential_types_are_left_out_of_the_public_list() -> None:
    catalogue = load_catalogue()
    ethics = catalogue.get("ETHICS_CONCERN")
    assert ethics is not None and ethics.confidential
    assert ethics not in catalogue.public()
    assert len(catalogue.public()) == len(catalogue.types) - 1


def test_attributes_keep_open311_datatypes_and_order() -> None:
    pothole = load_catalogue().get("POTHOLE")
    assert pothole is not None
    size = pothole.attributes[0]
    assert (size.code, size.datatype, size.required, size.order) == ("SIZE", "singlevaluelist", True, 1)
    assert [v.key for v in size.values] == ["small", "medium", "large"]
    datatypes = {a.datatype for t in load_catalogue().types for a in t.attributes}
    assert datatypes == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def test_a_bad_field_is_reported_with_its_line_entry_and_field(tmp_path: Path) -> None:
    text = ENTRY.format(code="POTHOLE", kind="working_days") + ENTRY.format(code="LIGHT", kind="fortnights")
    with pytest.raises(CityConfigError, match=r"catalogue.toml:10: type LIGHT \(entry 2\), field sla.kind"):
        load_catalogue(_write(tmp_path, text))


def test_a_list_question_without_answers_is_refused(tmp_path: Path) -> None:
    text = ENTRY.format(code="POTHOLE", kind="working_days") + (
        '\n[[type.attributes]]\ncode = "SIZE"\nquestion = "How big?"\ndatatype = "singlevaluelist"\norder = 1\n'
    )
    with pytest.raises(CityConfigError, match=r"type POTHOLE.*field attributes\.0: .*needs values"):
        load_catalogue(_write(tmp_path, text))


def test_a_code_used_twice_is_refused(tmp_path: Path) -> None:
    text = ENTRY.format(code="POTHOLE", kind="working_days") * 2
    with pytest.raises(CityConfigError, match="POTHOLE appears twice"):
        load_catalogue(_write(tmp_path, text))


def test_broken_toml_says_where(tmp_path: Path) -> None:
    with pytest.raises(CityConfigError, match=r"not valid TOML: .*line 2"):
        load_catalogue(_write(tmp_path, "[[type]]\ncode = \n"))
