"""What a text says: short wording per notice and language, with the tracking number and link.

Texts are kept short (carriers split them into segments); the wording avoids characters outside
GSM-7 where the language allows it, so that most texts travel at 160 characters a segment. Only the
staff's public note is trimmed to fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from civic311_notifier.domain.sms import fit

MAX_SEGMENTS = 3

_WORDING: Mapping[str, Mapping[str, str]] = {
    "en": {
        "received": "{city} 311: we have your report {number}.{due} Track it: {link}",
        "transferred": "{city} 311: your report {number} was passed to {department}. Track it: {link}",
        "reopened": "{city} 311: your report {number} is open again. Track it: {link}",
        "updated": "{city} 311: update on {number}: ",
        "closed": "{city} 311: your report {number} is closed. ",
        "duplicate": "{city} 311: we already have this as {original}; you will hear about it. {link}",
        "due": " Expected by {due}.",
        "tail": " Track it: {link}",
        "stop": " Reply STOP to stop texts.",
    },
    "es": {
        "received": "{city} 311: recibimos su reporte {number}.{due} Siga su estado: {link}",
        "transferred": "{city} 311: su reporte {number} pasa a {department}. Siga su estado: {link}",
        "reopened": "{city} 311: su reporte {number} vuelve a estar abierto. Siga su estado: {link}",
        "updated": "{city} 311: novedades de {number}: ",
        "closed": "{city} 311: su reporte {number} fue cerrado. ",
        "duplicate": "{city} 311: ya tenemos este reporte como {original}; le avisaremos. {link}",
        "due": " Plazo: {due}.",
        "tail": " Siga su estado: {link}",
        "stop": " Responda STOP para no recibir mas.",
    },
}


def sms_text(
    kind: str,
    language: str,
    facts: Mapping[str, Any],
    *,
    city: str,
    link: str,
    due: str | None,
) -> str:
    """The text of one notice; the first one (received) also says how to stop texts."""
    words = _WORDING.get(language, _WORDING["en"])
    if kind not in words:
        raise KeyError(f"no text for a {kind!r} notice")
    values = {
        "city": city,
        "number": facts.get("tracking_number") or "",
        "department": facts.get("department") or "",
        "original": facts.get("duplicate_of") or "",
        "link": link,
        "due": words["due"].format(due=due) if due else "",
    }
    head = words[kind].format(**values)
    stop = words["stop"] if kind == "received" else ""
    if kind in {"updated", "closed"}:
        note = (facts.get("note") or "").strip()
        return fit(head, note, words["tail"].format(**values) + stop, max_segments=MAX_SEGMENTS)
    return fit(head + stop, "", "", max_segments=MAX_SEGMENTS)
