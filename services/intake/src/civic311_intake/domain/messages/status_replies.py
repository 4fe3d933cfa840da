"""The answer to a status question by text, in English or Spanish: what the tracking page says, short.

Built from the request's public view only (domain/public_view.py), so no contact detail, internal note
or cost can reach it: the status, who has it, the due date or how it was closed, the latest public note,
and the original's number when it is a duplicate.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from civic311_backbone.contracts.events import Language
from civic311_intake.domain.messages.status import StatusQuestion
from civic311_intake.domain.public_view import PublicRequest

MAX_NOTE = 160
_EXAMPLE = "7KQ-4MX28"
_OPEN = {
    ("received", "en"): "received; we are passing it to the department that handles it.",
    ("received", "es"): "recibido; lo estamos pasando al departamento que se ocupa de él.",
    ("assigned", "en"): "sent to {department}.",
    ("assigned", "es"): "enviado a {department}.",
    ("acknowledged", "en"): "{department} has seen it.",
    ("acknowledged", "es"): "{department} ya lo vio.",
    ("in_progress", "en"): "work in progress ({department}).",
    ("in_progress", "es"): "trabajo en curso ({department}).",
    ("on_hold", "en"): "on hold ({department}).",
    ("on_hold", "es"): "en espera ({department}).",
    ("reopened", "en"): "reopened ({department}).",
    ("reopened", "es"): "reabierto ({department}).",
}
_CLOSED = {
    ("resolved", "en"): "closed: fixed ({date}).",
    ("resolved", "es"): "cerrado: resuelto ({date}).",
    ("duplicate", "en"): "closed: already reported as {original}. Send STATUS {original} to follow that one.",
    ("duplicate", "es"): "cerrado: ya reportado como {original}. Envíe ESTADO {original} para seguirlo.",
    ("not_actionable", "en"): "closed: nothing the city can do ({date}).",
    ("not_actionable", "es"): "cerrado: la ciudad no puede hacer nada ({date}).",
    ("referred", "en"): "closed: passed to another agency ({date}).",
    ("referred", "es"): "cerrado: pasado a otra agencia ({date}).",
    ("withdrawn", "en"): "closed: withdrawn ({date}).",
    ("withdrawn", "es"): "cerrado: retirado ({date}).",
}
_WORDS = {
    ("department", "en"): "the department",
    ("department", "es"): "el departamento",
    ("expected", "en"): "Expected by {date}.",
    ("expected", "es"): "Previsto para {date}.",
    ("note", "en"): 'Latest note: "{note}"',
    ("note", "es"): 'Última nota: "{note}"',
    ("unknown", "en"): "We have no request {number}. Check the number on your confirmation and send "
    "STATUS and the number again.",
    ("unknown", "es"): "No tenemos ninguna solicitud {number}. Revise el número de su confirmación y "
    "envíe ESTADO y el número otra vez.",
    ("empty", "en"): f"Send STATUS and your tracking number, e.g. STATUS {_EXAMPLE}.",
    ("empty", "es"): f"Envíe ESTADO y su número de seguimiento, p. ej. ESTADO {_EXAMPLE}.",
    ("wrong_length", "en"): f'"{{typed}}" is not a tracking number: ours have 8 letters and numbers, '
    f"like {_EXAMPLE}.",
    ("wrong_length", "es"): f'"{{typed}}" no es un número de seguimiento: tienen 8 letras y números, '
    f"como {_EXAMPLE}.",
    ("never_used", "en"): '"{typed}" is not a tracking number: ours never use {characters}. Check it and '
    "send it again.",
    ("never_used", "es"): '"{typed}" no es un número de seguimiento: nunca usan {characters}. Revíselo '
    "y envíelo otra vez.",
    ("not_ours", "en"): '"{typed}" is not a tracking number we gave out. Check each character and send '
    "it again.",
    ("not_ours", "es"): '"{typed}" no es un número de seguimiento nuestro. Revise cada carácter y '
    "envíelo otra vez.",
    ("continues", "en"): "Your report in progress continues: {ask}",
    ("continues", "es"): "Su reporte en curso sigue: {ask}",
}
_DAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "es": ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
}
_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}


def status_text(
    view: PublicRequest, type_name: str, language: Language, time_zone: ZoneInfo, *, pending: str | None
) -> str:
    """The request's status in a few sentences; `pending`: the question of a report in progress."""
    place = view.address or (f"{view.lat}, {view.long}" if view.lat is not None else None)
    what = f"{type_name}, {place}" if place else type_name
    parts = [f"{view.tracking_number} ({what}):"]
    last = view.timeline[-1]
    if view.status == "closed":
        template = _CLOSED.get((view.stage, language), _CLOSED[("resolved", language)])
        parts.append(
            template.format(date=_when(last.at, language, time_zone), original=view.duplicate_of or "")
        )
    else:
        department = view.department or _WORDS[("department", language)]
        template = _OPEN.get((view.stage, language), _OPEN[("in_progress", language)])
        parts.append(template.format(department=department))
        if view.due_at is not None:
            parts.append(_WORDS[("expected", language)].format(date=_when(view.due_at, language, time_zone)))
    note = next((entry.note for entry in reversed(view.timeline) if entry.note), None)
    if note and view.stage != "duplicate":
        short = note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…"
        parts.append(_WORDS[("note", language)].format(note=short))
    return _with_pending(" ".join(parts), language, pending)


def unknown_text(number: str, language: Language, *, pending: str | None) -> str:
    return _with_pending(_WORDS[("unknown", language)].format(number=number), language, pending)


def not_a_number_text(question: StatusQuestion, language: Language, *, pending: str | None) -> str:
    """Why what was sent is no tracking number (`question.problem` is set)."""
    assert question.problem is not None
    text = _WORDS[(question.problem, language)].format(typed=question.typed, characters=question.never_used)
    return _with_pending(text, language, pending)


def _with_pending(text: str, language: Language, pending: str | None) -> str:
    if pending is None:
        return text
    return f"{text}\n{_WORDS[('continues', language)].format(ask=pending)}"


def _when(moment: datetime, language: Language, time_zone: ZoneInfo) -> str:
    """A moment on the city's clocks, short: "Mon, Nov 23, 9:30 AM" / "lun 23 nov, 9:30"."""
    local = moment.astimezone(time_zone)
    day, month = _DAYS[language][local.weekday()], _MONTHS[language][local.month - 1]
    if language == "es":
        return f"{day} {local.day} {month}, {local.hour}:{local.minute:02d}"
    half = "AM" if local.hour < 12 else "PM"
    return f"{day}, {month} {local.day}, {local.hour % 12 or 12}:{local.minute:02d} {half}"
