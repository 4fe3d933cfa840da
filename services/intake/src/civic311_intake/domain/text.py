"""The one rule for text anyone hands in, on every channel (Open311, the pages, the desk, SMS, e-mail).

Text is what a person can type: letters, digits, punctuation, spaces, tabs and line breaks. Control
characters (C0 but tab, line feed and carriage return; DEL; C1), lone surrogates and the Unicode
noncharacters (U+FFFE, U+FFFF, U+FDD0 to U+FDEF, …) are no text anyone typed: they break XML (which cannot
hold most of them at all), terminals and CSV readers, and PostgreSQL cannot store U+0000. They are
refused with the field's name rather than silently dropped, so that what was accepted is what was sent.
"""

from __future__ import annotations

import re

_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


def text_problem(text: str) -> str | None:
    """Why `text` cannot be taken as typed text; None when it can."""
    found = _NOT_TEXT.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return "contains a lone surrogate (not Unicode text)"
    if code == 0:
        return "contains a NUL character"
    return f"contains a control character (U+{code:04X})"


def is_text(text: str) -> bool:
    return _NOT_TEXT.search(text) is None
