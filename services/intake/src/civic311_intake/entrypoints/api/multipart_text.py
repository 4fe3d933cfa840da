"""Which text field of a multipart form is not UTF-8: the multipart half of the form text rule.

Starlette decodes a multipart text field as UTF-8 and, where that fails, silently as latin-1, so
`pot\\xffhole` would be stored as "potÿhole". Only the raw bytes tell the two apart, so the parts are read
here, before Starlette sees them. A file part is not text: its name is checked, its content is not.
"""

from __future__ import annotations

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header


class _Parts:
    """The callbacks of one parse: each part's headers and data, checked as the part ends."""

    def __init__(self) -> None:
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.data = bytearray()
        self.undecodable: str | None = None

    def on_part_begin(self) -> None:
        self.disposition, self.data = b"", bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = self.header_value = b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.data += data[start:end]

    def on_part_end(self) -> None:
        _, options = parse_options_header(self.disposition)
        name = options.get(b"name", b"")
        is_file = b"filename" in options
        if self.undecodable is None and not (_is_utf8(name) and (is_file or _is_utf8(bytes(self.data)))):
            self.undecodable = name.decode("utf-8", "replace") or "request"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def undecodable_part(body: bytes, content_type: bytes) -> str | None:
    """The name of the first part whose name, or text value, is not UTF-8, if any.

    A body that is not a well-formed multipart form is left to Starlette, which refuses it with a 400.
    """
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        return None
    parts = _Parts()
    callbacks = {name: getattr(parts, name) for name in dir(parts) if name.startswith("on_")}
    try:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError):
        return None
    return parts.undecodable
