"""Districts from GeoJSON and rules from TOML: what a point and a rule file become."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from civic311_city.districts import Districts
from civic311_city.loading import load_districts
from civic311_routing.adapters.rules_file import RulesError, load_rules


def _square(name: str, west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_shipped_sample_city_has_four_districts() -> None:
    assert load_districts().names == ("North", "East", "South", "West")


def test_a_point_on_a_shared_border_belongs_to_the_first_district() -> None:
    districts = Districts.from_geojson(
        {"type": "FeatureCollection", "features": [_square("A", 0, 0, 1, 1), _square("B", 1, 0, 2, 1)]}
    )
    assert districts.containing(lat=0.5, long=1.0) == "A"
    assert districts.containing(lat=0.5, long=1.5) == "B"
    assert districts.containing(lat=5.0, long=5.0) is None


def test_a_district_without_a_name_is_refused() -> None:
    feature = _square("", 0, 0, 1, 1)
    with pytest.raises(ValueError, match="feature 1 has no `name`"):
        Districts.from_geojson({"type": "FeatureCollection", "features": [feature]})


def test_a_bad_rule_is_reported_with_its_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nname = "ok"\n\n[[rule]]\nname = "urgent"\npriority = "asap"\n', encoding="utf-8"
    )
    with pytest.raises(RulesError, match=r"rules.toml:4: rule urgent, field priority"):
        load_rules(path)
