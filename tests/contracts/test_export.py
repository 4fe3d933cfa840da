"""`civic311 contracts export` writes the documents, and `--check` catches a stale copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from civic311.cli import app
from civic311.contracts_export import ASYNCAPI_FILE, INDEX_FILE, schema_file_name
from civic311_backbone.contracts import CORE_EVENTS

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "events"


def export(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["contracts", "export", *args])
    return result.exit_code, result.output


def test_export_writes_a_schema_per_core_event_and_the_asyncapi_document(tmp_path: Path) -> None:
    out = tmp_path / "events"
    code, _ = export(str(out))

    assert code == 0
    expected = {schema_file_name(cls.event_type) for cls in CORE_EVENTS} | {ASYNCAPI_FILE, INDEX_FILE}
    assert {path.name for path in out.iterdir()} == expected
    assert {"RequestCreated.schema.json", "Assigned.schema.json"} <= expected


def test_check_passes_on_the_committed_documents() -> None:
    code, output = export(str(COMMITTED), "--check")

    assert code == 0, f"docs/events is stale; run `civic311 contracts export`:\n{output}"


def test_check_passes_right_after_an_export(tmp_path: Path) -> None:
    export(str(tmp_path))

    assert export(str(tmp_path), "--check")[0] == 0


def test_check_fails_on_an_edited_copy_and_names_the_file(tmp_path: Path) -> None:
    copy = tmp_path / "events"
    shutil.copytree(COMMITTED, copy)
    schema = copy / "Closed.schema.json"
    schema.write_text(schema.read_text().replace('"duplicate_of"', '"duplicate_off"'))

    code, output = export(str(copy), "--check")

    assert code == 1
    assert "Closed.schema.json (differs)" in output
    assert schema.read_text().count("duplicate_off") > 0, "--check must not write"


def test_check_fails_on_a_missing_document(tmp_path: Path) -> None:
    copy = tmp_path / "events"
    shutil.copytree(COMMITTED, copy)
    (copy / ASYNCAPI_FILE).unlink()

    code, output = export(str(copy), "--check")

    assert code == 1
    assert f"{ASYNCAPI_FILE} (missing)" in output


def test_check_fails_on_a_schema_the_code_no_longer_has(tmp_path: Path) -> None:
    copy = tmp_path / "events"
    shutil.copytree(COMMITTED, copy)
    (copy / "Reopened.schema.json").write_text("{}\n")

    code, output = export(str(copy), "--check")

    assert code == 1
    assert "Reopened.schema.json (no longer generated)" in output
