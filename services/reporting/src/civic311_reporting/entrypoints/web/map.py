"""The hotspot map as SVG: request counts per map cell on a drawn grid, under the district outlines.

It needs nothing from the network. Where an operator configures a tile server, tiles are drawn
underneath; the projection is Web Mercator so that they line up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from civic311_reporting.domain.outlines import Outline

WIDTH = 640.0
CLASSES = 5
MAX_TILES = 64


@dataclass(frozen=True, slots=True)
class Tiles:
    url: str  # with {z}, {x} and {y}
    attribution: str = ""


def mercator(lat: float, long: float) -> tuple[float, float]:
    """Web Mercator in the unit square: x east from -180°, y south from about 85°N (tile order)."""
    lat = max(min(lat, 85.05), -85.05)
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2
    return (long + 180) / 360, y


def shade(count: int, busiest: int) -> int:
    """The colour class (1 to CLASSES) of a cell: equal steps up to the busiest cell, the darkest."""
    return max(1, min(CLASSES, math.ceil(CLASSES * count / max(busiest, 1))))


def legend(busiest: int) -> list[tuple[int, int, int]]:
    """(class, fewest, most requests) of every class that a whole count can fall in."""
    out = []
    for k in range(1, CLASSES + 1):
        low, high = math.floor(busiest * (k - 1) / CLASSES) + 1, math.floor(busiest * k / CLASSES)
        if low <= high:
            out.append((k, low, high))
    return out


@dataclass(frozen=True, slots=True)
class _Frame:
    x0: float
    y0: float
    scale: float
    height: float

    def at(self, lat: float, long: float) -> tuple[float, float]:
        x, y = mercator(lat, long)
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale


def _frame(points: Sequence[tuple[float, float]]) -> _Frame:
    xs, ys = zip(*(mercator(lat, long) for lat, long in points), strict=True)
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    pad = max(span_x, span_y, 1e-6) * 0.04
    scale = WIDTH / (span_x + 2 * pad)
    height = min((span_y + 2 * pad) * scale, 2 * WIDTH)
    return _Frame(min(xs) - pad, min(ys) - pad, scale, height)


def _grid(frame: _Frame, cell: float) -> list[str]:
    south = _lat_of(frame.y0 + frame.height / frame.scale)
    north = _lat_of(frame.y0)
    west, east = frame.x0 * 360 - 180, (frame.x0 + WIDTH / frame.scale) * 360 - 180
    rows, cols = (north - south) / cell, (east - west) / cell
    step = cell * max(1, math.ceil(max(rows, cols) / 40))  # at most ~40 lines each way
    lines = []
    for i in range(math.floor(west / step), math.ceil(east / step) + 1):
        x, _ = frame.at(0, i * step)
        lines.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{frame.height:.1f}"/>')
    for i in range(math.floor(south / step), math.ceil(north / step) + 1):
        _, y = frame.at(i * step, 0)
        lines.append(f'<line class="grid" x1="0" x2="{WIDTH:.0f}" y1="{y:.1f}" y2="{y:.1f}"/>')
    return lines


def _lat_of(y: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


def _tiles(frame: _Frame, tiles: Tiles) -> list[str]:
    zoom = max(0, min(19, math.floor(math.log2(frame.scale / 256))))
    n = 2**zoom
    x_range = range(math.floor(frame.x0 * n), math.floor((frame.x0 + WIDTH / frame.scale) * n) + 1)
    y_range = range(math.floor(frame.y0 * n), math.floor((frame.y0 + frame.height / frame.scale) * n) + 1)
    if len(x_range) * len(y_range) > MAX_TILES:
        return []
    size = frame.scale / n
    parts = []
    for tx in x_range:
        for ty in y_range:
            href = tiles.url.replace("{z}", str(zoom)).replace("{x}", str(tx)).replace("{y}", str(ty))
            x, y = (tx / n - frame.x0) * frame.scale, (ty / n - frame.y0) * frame.scale
            parts.append(
                f'<image href="{escape(href)}" x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{size:.1f}"/>'
            )
    return parts


def _outline(frame: _Frame, outline: Outline) -> list[str]:
    # The name goes in the top left corner of the largest part, where it hides fewer cells than mid-way.
    paths, corner, biggest = [], (0.0, 0.0), -1.0
    for polygon in outline.polygons:
        d = ""
        for ring in polygon:
            points = [frame.at(lat, long) for long, lat in ring]
            d += "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"
        outer = [frame.at(lat, long) for long, lat in polygon[0]]
        xs, ys = [p[0] for p in outer], [p[1] for p in outer]
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))
        if area > biggest:
            corner, biggest = (min(xs) + 6, min(ys) + 20), area
        paths.append(f'<path class="district" d="{d}"><title>{escape(outline.name)}</title></path>')
    x, y = corner
    paths.append(f'<text class="district-name" x="{x:.1f}" y="{y:.1f}">{escape(outline.name)}</text>')
    return paths


def hotspot_map(
    cells: Sequence[tuple[float, float, int]],
    *,
    cell_degrees: float,
    outlines: Sequence[Outline],
    tiles: Tiles | None = None,
) -> Markup:
    """Cells (south-west corner, count) shaded by count, with their grid and the districts on top."""
    corners = [(lat + d, long + d) for lat, long, _ in cells for d in (0, cell_degrees)]
    points = corners + [(lat, long) for o in outlines for long, lat in o.points()]
    if not points:
        return Markup('<p class="empty">No request has a place on the map for these filters.</p>')
    frame = _frame(points)
    busiest = max((n for _, _, n in cells), default=0)
    body = ['<rect class="land" x="0" y="0" width="100%" height="100%"/>']
    body += _tiles(frame, tiles) if tiles else []
    body += _grid(frame, cell_degrees)
    for lat, long, n in cells:
        x1, y1 = frame.at(lat + cell_degrees, long)
        x2, y2 = frame.at(lat, long + cell_degrees)
        body.append(
            f'<rect class="cell c{shade(n, busiest)}" x="{x1:.1f}" y="{y1:.1f}" width="{x2 - x1:.1f}" height="{y2 - y1:.1f}">'
            f"<title>{n} requests in the cell from {lat:.3f}, {long:.3f}</title></rect>"
        )
        if x2 - x1 >= 16 and y2 - y1 >= 12:
            body.append(
                f'<text class="cell-count" x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" '
                f'text-anchor="middle">{n}</text>'
            )
    for outline in outlines:
        body += _outline(frame, outline)
    total = sum(n for _, _, n in cells)
    title = f"Hotspot map: {total} requests in {len(cells)} cells of {cell_degrees}°"
    # Every text put into `body` was escaped where it was made.
    return Markup(  # noqa: S704
        f'<svg class="map" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH:.0f} {frame.height:.0f}" '
        f'width="{WIDTH:.0f}" height="{frame.height:.0f}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )
