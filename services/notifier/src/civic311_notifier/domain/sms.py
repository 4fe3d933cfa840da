"""How long a text is: GSM-7 when every character is in GSM 03.38, else UCS-2, and its segments.

Carriers bill and split by segment, so a text is measured the way the network will send it, and a
long public note is trimmed (with an ellipsis, never inside a surrogate pair) to keep a text to a
few segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 basic character set (the 128 septets, escape excluded), then the extension table, whose
# characters take two septets (the escape and the character).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
"""Units of a text sent as one message."""
PART = {"GSM-7": 153, "UCS-2": 67}
"""Units of each part of a longer text (the rest of each part is its concatenation header)."""
ELLIPSIS = "…"


@dataclass(frozen=True)
class Measure:
    encoding: Encoding
    units: int
    """Septets (GSM-7) or UTF-16 code units (UCS-2)."""
    segments: int


def encoding(text: str) -> Encoding:
    return "GSM-7" if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else "UCS-2"


def _units(text: str, enc: Encoding) -> int:
    if enc == "GSM-7":
        return sum(2 if c in GSM_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def measure(text: str) -> Measure:
    enc = encoding(text)
    units = _units(text, enc)
    if units <= SINGLE[enc]:
        return Measure(enc, units, 1 if units else 0)
    return Measure(enc, units, -(-units // PART[enc]))


def fit(head: str, note: str, tail: str, *, max_segments: int = 3) -> str:
    """head + note + tail in at most `max_segments`, the note trimmed with an ellipsis if it must be.

    The note is cut by whole code points, so no surrogate pair is ever split; head and tail (the
    wording, the tracking number and link) are kept whole.
    """
    whole = head + note + tail
    if measure(whole).segments <= max_segments or not note:
        return whole
    low, high = 0, len(note)  # the longest prefix of the note that fits, found by halving
    while low < high:
        middle = (low + high + 1) // 2
        if measure(head + note[:middle].rstrip() + ELLIPSIS + tail).segments <= max_segments:
            low = middle
        else:
            high = middle - 1
    return head + note[:low].rstrip() + ELLIPSIS + tail
