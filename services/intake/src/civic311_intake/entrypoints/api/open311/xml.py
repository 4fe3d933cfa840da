"""Open311's XML: the JSON shape with the spec's element names, a list's items named after their container.

Every answer is well-formed whatever the store holds: intake refuses control characters (domain.text),
but events come from elsewhere too (an import, an older version), and XML 1.0 cannot hold most control
characters even escaped. Text is written with each such character as U+FFFD; an element name that is not
an XML name is a programming error and raises.
"""

from __future__ import annotations

import re
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


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element:
    if not _NAME.match(name) or name.lower().startswith("xml"):
        raise ValueError(f"{name[:40]!r} is not an XML element name")
    return ElementTree.SubElement(element, name)


def _fill(element: ElementTree.Element, value: object) -> None:
    if isinstance(value, Mapping):
        for name, child in value.items():
            _fill(_child(element, str(name)), child)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(_child(element, item_name), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_text(str(value))
