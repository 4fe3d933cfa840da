"""The dashboard's drawings and downloads, from figures alone: chart scales, map shades, CSV cells."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

from civic311_reporting.entrypoints.web.charts import Series, hbars, nice_ticks
from civic311_reporting.entrypoints.web.map import hotspot_map, legend, shade
from civic311_reporting.entrypoints.web.tables import TABLES, as_csv

SVG = "{http://www.w3.org/2000/svg}"


def test_a_chart_axis_steps_by_one_two_or_five_up_past_the_largest_figure() -> None:
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(100) == [0, 50, 100]
    assert nice_ticks(23) == [0, 10, 20, 30]
    assert nice_ticks(0.3) == [0, 0.1, 0.2, 0.3]
    assert nice_ticks(0) == [0.0, 1.0]


def test_a_bar_chart_names_itself_and_every_bar_with_its_figure_and_escapes_labels() -> None:
    chart = hbars(
        title="Open by department",
        labels=["Parks", "<Roads & Bridges>"],
        series=[Series("Open", "open", [3, 12]), Series("Overdue", "overdue", [0, 5])],
    )

    svg = ElementTree.fromstring(str(chart).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    bars = [r.findtext(f"{SVG}title") for r in svg.iter(f"{SVG}rect") if r.get("class", "").startswith("s-")]
    assert svg.get("role") == "img" and svg.findtext(f"{SVG}title") == "Open by department"
    assert svg.findtext(f"{SVG}desc") == "Parks: Open 3, Overdue 0; <Roads & Bridges>: Open 12, Overdue 5"
    assert "<Roads & Bridges>, Overdue: 5" in bars and "Parks, Open: 3" in bars


def test_the_busiest_map_cell_is_the_darkest_and_the_legend_covers_every_count() -> None:
    assert [shade(n, 6) for n in range(1, 7)] == [1, 2, 3, 4, 5, 5]
    assert legend(6) == [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 6)]
    assert legend(2) == [(3, 1, 1), (5, 2, 2)]
    assert [shade(n, 2) for n in (1, 2)] == [3, 5]


def test_a_map_without_any_located_request_or_district_says_so() -> None:
    assert "No request has a place on the map" in hotspot_map([], cell_degrees=0.01, outlines=())


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text() -> None:
    table = TABLES["costs-by-department"]

    text = as_csv(table, [('=HYPERLINK("http://x")', 1.5, 0.0), ("Parks", 2.0, 10.0)])

    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["department", "labour_hours", "materials"],
        ['\'=HYPERLINK("http://x")', "1.5", "0.0"],
        ["Parks", "2.0", "10.0"],
    ]
