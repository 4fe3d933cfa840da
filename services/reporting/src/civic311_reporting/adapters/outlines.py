"""The district outlines for the map, read from the city's districts file (DISTRICTS_PATH or the sample).

Read once at start, after `load_city` has loaded and validated the same file, so that the outlines drawn
and the districts points are placed in are one source.
"""

from __future__ import annotations

import json
from pathlib import Path

from civic311_city.loading import SAMPLE_DISTRICTS
from civic311_reporting.domain.outlines import Outline, outlines_from_geojson


def read_outlines(path: Path | None) -> tuple[Outline, ...]:
    return outlines_from_geojson(json.loads((path or SAMPLE_DISTRICTS).read_text(encoding="utf-8")))
