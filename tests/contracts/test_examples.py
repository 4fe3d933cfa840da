"""The examples in the schemas are true: each validates against the schema it illustrates, and every
tracking number among them (and in the example messages) passes its own check character.

A subscriber copies examples into its own tests; one that its validator or our tracking-number check
rejects teaches the wrong thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from civic311.contracts_export import asyncapi_document, event_json_schema
from civic311_backbone.contracts import CORE_EVENTS
from civic311_backbone.contracts.tracking import STREAM_PREFIX, parse_tracking_number
from tests.contracts.support import EXAMPLE_PAYLOADS, inline_refs, wire_message

TRACKING_NUMBER_FIELDS = {"tracking_number", "duplicate_of"}
LOOKS_LIKE_A_TRACKING_NUMBER = re.compile(r"^[0-9A-Z]{3}-[0-9A-Z]{4,6}$")

DOCUMENTS = [
    *(pytest.param(event_json_schema(cls), id=cls.event_type) for cls in CORE_EVENTS),
    pytest.param(asyncapi_document(), id="asyncapi"),
]


def examples_in(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every (path, subschema) in a document whose subschema has examples."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from examples_in(item, (*path, str(index)))
    elif isinstance(node, dict):
        if isinstance(node.get("examples"), list):
            yield path, node
        for key, value in node.items():
            if key not in ("examples", "default", "const"):
                yield from examples_in(value, (*path, key))


def validator(schema: dict[str, Any]) -> Any:
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed (a dev dependency: jsonschema==4.26.0)"
    )
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def field_name(path: tuple[str, ...]) -> str | None:
    """The property a subschema describes: the key after the last `properties`."""
    if "properties" not in path:
        return None
    return path[len(path) - 1 - path[::-1].index("properties") + 1]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_example_validates_against_its_own_schema(document: dict[str, Any]) -> None:
    found = list(examples_in(document))

    failures = [
        f"{'/'.join(path)}: {example!r}: {error.message}"
        for path, node in found
        for example in node["examples"]
        for error in validator(inline_refs(node, document)).iter_errors(example)
    ]

    assert len(found) >= 7, "the envelope alone has seven examples: the walk is looking in the wrong place"
    assert failures == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_tracking_number_in_an_example_passes_its_check(document: dict[str, Any]) -> None:
    checked: set[str] = set()
    for path, node in examples_in(document):
        name = field_name(path)
        for example in node["examples"]:
            if name in TRACKING_NUMBER_FIELDS:
                assert parse_tracking_number(example) == example, path
                checked.add(name)
            elif name == "stream_id":
                assert example.startswith(STREAM_PREFIX), path
                number = example.removeprefix(STREAM_PREFIX)
                assert parse_tracking_number(number) == number, path
                checked.add(name)
            elif isinstance(example, str) and LOOKS_LIKE_A_TRACKING_NUMBER.match(example):
                assert parse_tracking_number(example) == example, path

    if document.get("asyncapi") or document["properties"]["event_type"]["const"] == "RequestCreated":
        assert {"tracking_number", "stream_id"} <= checked
    if document.get("asyncapi") or document["properties"]["event_type"]["const"] == "Closed":
        assert "duplicate_of" in checked


def test_the_example_messages_carry_valid_tracking_numbers() -> None:
    for name, payload in EXAMPLE_PAYLOADS.items():
        message = wire_message(payload)
        number = message["stream_id"].removeprefix(STREAM_PREFIX)
        assert parse_tracking_number(number) == number, name
        for field in TRACKING_NUMBER_FIELDS & set(message["payload"]):
            if message["payload"][field] is not None:
                value = message["payload"][field]
                assert parse_tracking_number(value) == value, f"{name}.{field}"
