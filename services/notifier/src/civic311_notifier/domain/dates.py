"""Dates as a resident reads them: in the city's time zone and the resident's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_ES_DAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_ES_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def local_date(moment: datetime, *, time_zone: str, language: str) -> str:
    """E.g. "Tuesday, March 3, 2026, 2:30 PM EST" or "martes, 3 de marzo de 2026, 14:30 EST"."""
    local = moment.astimezone(ZoneInfo(time_zone))
    zone = local.tzname() or time_zone
    if language == "es":
        day, month = _ES_DAYS[local.weekday()], _ES_MONTHS[local.month - 1]
        return f"{day}, {local.day} de {month} de {local.year}, {local:%H:%M} {zone}"
    day, month = _EN_DAYS[local.weekday()], _EN_MONTHS[local.month - 1]
    hour = local.hour % 12 or 12
    return f"{day}, {month} {local.day}, {local.year}, {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'} {zone}"
