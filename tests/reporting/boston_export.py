"""A small export in Boston's classic columns, written by a test (the real file is never copied)."""

from __future__ import annotations

import csv
from pathlib import Path

COLUMNS = [
    "case_enquiry_id",
    "open_dt",
    "target_dt",
    "closed_dt",
    "ontime",
    "case_status",
    "closure_reason",
    "case_title",
    "subject",
    "reason",
    "type",
    "queue",
    "department",
    "submittedphoto",
    "closedphoto",
    "location",
    "fire_district",
    "pwd_district",
    "city_council_district",
    "police_district",
    "neighborhood",
    "neighborhood_services_district",
    "ward",
    "precinct",
    "location_street_name",
    "location_zipcode",
    "latitude",
    "longitude",
    "source",
]


def write_export(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return path


def case(case_id: str, **fields: str) -> dict[str, str]:
    base = {
        "case_enquiry_id": case_id,
        "open_dt": "2011-07-01 09:00:00",
        "target_dt": "2011-07-05 09:00:00",
        "type": "Street Light Outages",
        "queue": "PWDx_Street Light Outages",
        "department": "PWDx",
        "latitude": "42.2715",
        "longitude": "-71.0772",
        "source": "Constituent Call",
    }
    return base | fields
