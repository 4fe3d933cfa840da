"""How figures read on the page: thousands separators, percentages, hours or days."""

from __future__ import annotations

from datetime import datetime

from jinja2 import Environment

DASH = "\N{EN DASH}"  # where a figure cannot be given


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    return f"{value:,.{digits}f}"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}%"


def duration(hours: float | None) -> str:
    """Hours under two days, days beyond."""
    if hours is None:
        return DASH
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def instant(value: datetime) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC")


def install_filters(env: Environment) -> None:
    env.filters.update(number=number, percent=percent, duration=duration, instant=instant)
