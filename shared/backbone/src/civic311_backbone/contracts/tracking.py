"""Tracking numbers a resident can read out on the phone.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, Z/2) and without vowels (so
no words), shown as XXX-XXXXX. The last character is a Luhn mod N check character, so a mistyped or
misheard character, and a swap of two neighbours (all but 2<->X), is caught before any lookup. Seven random
characters give 26 ** 7 ≈ 8 billion numbers; uniqueness is enforced by the store
(a new request's stream must not exist yet), so a rare collision just draws again.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789BCDFGHJKMNPQRSTVWX"
"""26 characters: Luhn mod N catches every single wrong character only for an even N."""
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_RANDOM_LENGTH = 7


class InvalidTrackingNumber(ValueError):
    pass


def _check_character(body: str) -> str:
    """Luhn mod N over the alphabet: the character that makes the whole number check out."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _INDEX[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_tracking_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(_RANDOM_LENGTH))
    return format_tracking_number(body + _check_character(body))


def format_tracking_number(compact: str) -> str:
    return f"{compact[:3]}-{compact[3:]}"


def parse_tracking_number(text: str) -> str:
    """A tracking number as typed or heard ("7kq 4mx2b", "7KQ-4MX2B") in its canonical form."""
    compact = "".join(c for c in text.upper() if c not in " -.")
    if len(compact) != _RANDOM_LENGTH + 1:
        raise InvalidTrackingNumber(f"a tracking number has {_RANDOM_LENGTH + 1} characters")
    unknown = sorted({c for c in compact if c not in _INDEX})
    if unknown:
        raise InvalidTrackingNumber(f"these characters are never used: {''.join(unknown)}")
    if _check_character(compact[:-1]) != compact[-1]:
        raise InvalidTrackingNumber("this is not a tracking number we gave out (check it again)")
    return format_tracking_number(compact)


STREAM_PREFIX = "request-"


def stream_id_for(tracking_number: str) -> str:
    """The event stream of a service request: its history is read from there."""
    return f"{STREAM_PREFIX}{tracking_number}"
