"""Bar and column charts as SVG drawn on the server: no script, no CDN, readable without colour.

Every chart is an `<svg role="img">` with a <title> and a <desc> that says what it shows; each bar has
its own <title> with its figure (a tooltip on hover), and the page puts the same numbers in a table.
Colours come from CSS classes (`s-<name>`), so the page's stylesheet decides them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    css: str
    values: Sequence[float]


def nice_ticks(maximum: float, *, target: int = 4) -> list[float]:
    """0, then steps of 1, 2 or 5 times a power of ten, up to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [round(i * step, 9) for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _fmt(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.0f}%" if value in (0, 50, 100) else f"{value:.1f}%"
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
    return f"{text} {unit}" if unit else text


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def responsive(draw: Callable[..., Markup], *, wide: float = 560.0, narrow: float = 330.0) -> Markup:
    """The chart drawn twice: for a screen and for a phone, whose text would otherwise shrink unreadably.
    The page's stylesheet shows one of them (display: none also hides the other from screen readers)."""
    return Markup('<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>').format(
        draw(width=wide), draw(width=narrow)
    )


def _frame(title: str, desc: str, width: float, height: float, body: list[str]) -> Markup:
    uid = f"chart{next(_ids)}"
    # Every text put into `body` was escaped where it was made.
    return Markup(  # noqa: S704
        f'<svg class="chart" role="img" aria-labelledby="{uid}t {uid}d" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{uid}t">{escape(title)}</title><desc id="{uid}d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = []
    for item in series:
        parts.append(
            f'<rect class="s-{item.css}" x="{x:.1f}" y="{y - 9:.1f}" width="12" height="12" rx="2"/>'
        )
        parts.append(f'<text class="legend" x="{x + 17:.1f}" y="{y + 1:.1f}">{escape(item.name)}</text>')
        x += 30 + 7 * len(item.name)
    return parts


def _describe(labels: Sequence[str], series: Sequence[Series], unit: str) -> str:
    rows = []
    for i, label in enumerate(labels[:12]):
        figures = ", ".join(f"{s.name} {_fmt(s.values[i], unit)}" for s in series)
        rows.append(f"{label}: {figures}")
    more = f"; and {len(labels) - 12} more in the table" if len(labels) > 12 else ""
    return "; ".join(rows) + more if rows else "No data for these filters."


def hbars(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    maximum: float | None = None,
    width: float = 560.0,
) -> Markup:
    """One row per label, one bar per series in it, the figure at the end of each bar."""
    label_w, bar_h, gap = min(170.0, width * 0.38), 14.0, 10.0
    top = 46.0 if len(series) > 1 else 22.0
    group_h = bar_h * len(series) + gap
    height = top + group_h * max(len(labels), 1) + 8
    biggest = max((v for s in series for v in s.values), default=0.0)
    ticks = nice_ticks(maximum if maximum is not None else biggest)
    scale = (width - label_w - 56) / ticks[-1]
    body = _legend(series, label_w, 14) if len(series) > 1 else []
    for tick in ticks:
        x = label_w + tick * scale
        body.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4:.1f}" y2="{height - 6:.1f}"/>'
        )
        body.append(
            f'<text class="tick" x="{x:.1f}" y="{top - 8:.1f}" text-anchor="middle">{_fmt(tick, unit)}</text>'
        )
    if not labels:
        body.append(
            f'<text class="empty" x="{width / 2:.0f}" y="{top + 18:.0f}" text-anchor="middle">No requests</text>'
        )
    for i, label in enumerate(labels):
        y0 = top + i * group_h
        body.append(
            f'<text class="label" x="{label_w - 8:.1f}" y="{y0 + group_h / 2:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_short(label, int(label_w / 7.4)))}</text>"
        )
        for j, item in enumerate(series):
            value, y = item.values[i], y0 + j * bar_h
            w = max(value * scale, 0.0)
            body.append(
                f'<rect class="s-{item.css}" x="{label_w:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 2:.1f}" rx="2">'
                f"<title>{escape(label)}, {escape(item.name)}: {_fmt(value, unit)}</title></rect>"
            )
            body.append(
                f'<text class="value" x="{label_w + w + 4:.1f}" y="{y + bar_h / 2 + 3:.1f}">{_fmt(value, unit)}</text>'
            )
    return _frame(title, _describe(labels, series, unit), width, height, body)


def columns(
    *, title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "", width: float = 560.0
) -> Markup:
    """Columns along a time axis, grouped by label; every n-th label is written so none overlap."""
    height, left, bottom, top = 240.0, 44.0, 30.0, 30.0
    plot_w, plot_h = width - left - 10, height - top - bottom
    ticks = nice_ticks(max((v for s in series for v in s.values), default=0.0))
    body = _legend(series, left, 14)
    for tick in ticks:
        y = top + plot_h - tick / ticks[-1] * plot_h
        body.append(f'<line class="grid" x1="{left:.1f}" x2="{width - 10:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(
            f'<text class="tick" x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>'
        )
    if not labels:
        body.append(
            f'<text class="empty" x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle">No requests</text>'
        )
    slot = plot_w / max(len(labels), 1)
    bar_w = min(slot * 0.8 / max(len(series), 1), 22.0)
    every = max(1, math.ceil(len(labels) * 58 / plot_w))
    for i, label in enumerate(labels):
        x0 = left + i * slot + (slot - bar_w * len(series)) / 2
        for j, item in enumerate(series):
            value = item.values[i]
            h = value / ticks[-1] * plot_h
            body.append(
                f'<rect class="s-{item.css}" x="{x0 + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}" rx="1.5">'
                f"<title>{escape(label)}, {escape(item.name)}: {_fmt(value, unit)}</title></rect>"
            )
        if bar_w >= 14:
            for j, item in enumerate(series):
                y = top + plot_h - item.values[i] / ticks[-1] * plot_h - 4
                body.append(
                    f'<text class="value" x="{x0 + (j + 0.5) * bar_w:.1f}" y="{y:.1f}" '
                    f'text-anchor="middle">{_fmt(item.values[i])}</text>'
                )
        if i % every == 0:
            body.append(
                f'<text class="tick" x="{left + (i + 0.5) * slot:.1f}" y="{height - bottom + 16:.1f}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    body.append(
        f'<line class="axis" x1="{left:.1f}" x2="{width - 10:.1f}" y1="{top + plot_h:.1f}" y2="{top + plot_h:.1f}"/>'
    )
    return _frame(title, _describe(labels, series, unit), width, height, body)
