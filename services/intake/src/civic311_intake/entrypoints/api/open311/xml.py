"""Open311's XML: the JSON shape with the spec's element names, a list's items named after their container."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.etree import ElementTree

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The spec names each item of a list by its container: <services><service/>, <values><value/>, ...
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_requests": "request",
    "notes": "note",
}


def to_xml(root: str, payload: object) -> str:
    """The document `<root>` holding `payload` (JSON-like: dicts, lists, strings, numbers, booleans, None)."""
    element = ElementTree.Element(root)
    _fill(element, payload)
    return DECLARATION + ElementTree.tostring(element, encoding="unicode")


def _fill(element: ElementTree.Element, value: object) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, str(name)), child)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
