"""Every key of the column mapping and of the report profile is documented in docs/analysts.md with
an example: the list comes from the models, so a key added to either cannot be left out."""

from __future__ import annotations

import re
from pathlib import Path

from civic311_reporting.adapters.importing.mapping import ColumnMapping, Columns
from civic311_reporting.domain.profile import ReportProfile

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"


def _keys() -> list[str]:
    return [
        *ColumnMapping.model_fields,
        *(f"columns.{name}" for name in Columns.model_fields),
        *(f"profile.{name}" for name in ReportProfile.model_fields),
    ]


def test_every_mapping_and_profile_key_has_a_row_with_an_example() -> None:
    rows = {
        match[1]: (match[2], match[3])
        for match in re.finditer(r"^\| `([a-z_.]+)` \| (.+) \| (`.+`) \|$", DOCS.read_text(), re.MULTILINE)
    }
    missing = [key for key in _keys() if key not in rows]
    assert not missing, f"docs/analysts.md documents no {missing}"
    for key in _keys():
        what, example = rows[key]
        assert (len(what) > 10 and "=" in example) or example.startswith("`["), (key, example)


def test_the_documented_keys_exist() -> None:
    text = DOCS.read_text()
    documented = re.findall(r"^\| `([a-z_.]+)` \|", text, re.MULTILINE)
    assert sorted(set(documented) - set(_keys())) == []
