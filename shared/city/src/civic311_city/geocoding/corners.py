"""Where two streets cross, from their houses alone: cities' address lists rarely list intersections.

Near the closest pair of the two streets' houses, each street's houses are fitted with a line (its
principal axis: houses on both sides average to the middle of the street); the corner is where the
two lines cross. Streets meeting at a shallow angle, or lines crossing far from the houses, fall back
to the middle of the closest pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

XY = tuple[float, float]
NEAR_METRES = 250.0
"""The houses within this of the closest pair are the stretch of each street fitted."""
LEAST_ANGLE = math.radians(20)
"""Lines crossing at less than this are too nearly parallel to trust where they cross."""


def corner(first: Sequence[XY], second: Sequence[XY], near_first: XY, near_second: XY) -> XY:
    """The crossing of the two streets (points in metres on a plane), given their closest houses."""
    middle = ((near_first[0] + near_second[0]) / 2, (near_first[1] + near_second[1]) / 2)
    lines = [_axis([p for p in points if math.dist(p, middle) <= NEAR_METRES]) for points in (first, second)]
    if lines[0] is None or lines[1] is None:
        return middle
    (x1, y1, dx1, dy1), (x2, y2, dx2, dy2) = lines[0], lines[1]
    cross = dx1 * dy2 - dy1 * dx2  # sine of the angle between unit directions
    if abs(cross) < math.sin(LEAST_ANGLE):
        return middle
    t = ((x2 - x1) * dy2 - (y2 - y1) * dx2) / cross
    crossing = (x1 + t * dx1, y1 + t * dy1)
    return crossing if math.dist(crossing, middle) <= NEAR_METRES else middle


def _axis(points: Sequence[XY]) -> tuple[float, float, float, float] | None:
    """Centre and unit direction of the points' principal axis; None for fewer than two distinct ones."""
    if len(points) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    sxx = sum((p[0] - mx) ** 2 for p in points)
    syy = sum((p[1] - my) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    if sxx + syy == 0:
        return None
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    return mx, my, math.cos(angle), math.sin(angle)
