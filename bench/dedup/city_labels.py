"""The cities' own duplicate labels, replayed through dedup's decision.

Each case is opened in the order of the export, decided against an index of the requests open at that
moment (as the export says: a case leaves the index, after its type's reopen window, once the city
closed it), then entered into it. A city's label is no ground truth (Boston's 2011 staff closed as
"Duplicate of Existing Case" without naming the original, NYC's agencies likewise): what is counted is
agreement, both ways, and a sample of the disagreements is kept for a person to read.

The cities' types are mapped onto the catalogue's by hand, for the types that carry most labels; a case
of another type is counted as unmapped and not decided.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from civic311_backbone.contracts import Location, RequestCreated
from civic311_city import Catalogue
from civic311_dedup.domain.decision import decide
from civic311_dedup.domain.fold import fold
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import known_request

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
NEW_YORK = ZoneInfo("America/New_York")

BOSTON_TYPES = {
    "Street Light Outages": "STREET_LIGHT_OUT",
    "Street Light Knock Downs": "STREET_LIGHT_OUT",
    "General Lighting Request": "STREET_LIGHT_OUT",
    "Major System Failure": "STREET_LIGHT_OUT",  # Boston's name for a run of lights out at once
    "Tree Emergencies": "FALLEN_TREE",
    "Tree Maintenance Requests": "TREE_PRUNING",
    "New Tree Requests": "TREE_PLANTING",
    "Schedule a Bulk Item Pickup": "BULK_ITEM_PICKUP",
    "Sidewalk Repair": "SIDEWALK_REPAIR",
    "Sidewalk Repair (Make Safe)": "SIDEWALK_REPAIR",
    "Request for Pothole Repair": "POTHOLE",
    "Abandoned Vehicles": "ABANDONED_VEHICLE",
    "Missed Trash/Recycling/Yard Waste/Bulk Item": "MISSED_TRASH",
    "Request for Recycling Cart": "CART_REQUEST",
    "Pick up Dead Animal": "DEAD_ANIMAL",
    "Graffiti Removal": "GRAFFITI",
    "Parking Enforcement": "PARKING_ENFORCEMENT",
    "Traffic Signal Repair": "TRAFFIC_SIGNAL",
    "Park Maintenance Requests": "PARK_MAINTENANCE",
    "Requests for Street Cleaning": "STREET_CLEANING",
}
NYC_TYPES = {
    "HEAT/HOT WATER": "HOUSING_CONDITIONS",
    "PLUMBING": "HOUSING_CONDITIONS",
    "Water System": "WATER_LEAK",
    "Street Condition": "POTHOLE",
    "Street Light Condition": "STREET_LIGHT_OUT",
    "Noise": "NOISE",
    "Noise - Residential": "NOISE",
    "Noise - Street/Sidewalk": "NOISE",
    "Illegal Parking": "PARKING_ENFORCEMENT",
    "Blocked Driveway": "PARKING_ENFORCEMENT",
    "Abandoned Vehicle": "ABANDONED_VEHICLE",
    "Dead Animal": "DEAD_ANIMAL",
    "Graffiti": "GRAFFITI",
    "Rodent": "RODENTS",
    "Sewer": "SEWER_BACKUP",
    "Traffic Signal Condition": "TRAFFIC_SIGNAL",
}


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    city_type: str
    code: str | None
    opened: datetime
    closed: datetime | None
    lat: float | None
    lon: float | None
    address: str
    description: str
    labelled: bool
    resolution: str


@dataclass
class Agreement:
    city: str
    cases: int = 0
    unmapped: int = 0
    labelled: int = 0
    labelled_linked: int = 0
    labelled_flagged: int = 0
    linked: int = 0
    linked_unlabelled: int = 0
    flagged: int = 0
    flagged_unlabelled: int = 0
    missed_by_type: Counter[str] = field(default_factory=Counter)
    why_missed: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        share = (self.labelled_linked + self.labelled_flagged) / self.labelled if self.labelled else 0.0
        return {
            "city": self.city,
            "cases": self.cases,
            "unmapped": self.unmapped,
            "labelled": self.labelled,
            "labelled linked": self.labelled_linked,
            "labelled flagged": self.labelled_flagged,
            "labelled caught": round(share, 3),
            "our links": self.linked,
            "links unlabelled": self.linked_unlabelled,
            "our flags": self.flagged,
            "flags unlabelled": self.flagged_unlabelled,
        }


def replay(city: str, cases: list[Case], catalogue: Catalogue, *, samples: int = 12) -> Agreement:
    result = Agreement(city)
    index = RequestIndex()
    events: list[tuple[float, int, Case]] = []
    for case in cases:
        events.append((case.opened.timestamp(), 1, case))
        if case.closed is not None and case.closed >= case.opened:
            events.append((case.closed.timestamp(), 0, case))
    events.sort(key=lambda e: (e[0], e[1]))
    versions: dict[str, int] = {}
    for at, kind, case in events:
        stream = f"request-{city}-{case.case_id}"
        if kind == 0:
            if stream in index:
                versions[stream] = versions.get(stream, 1) + 1
                payload = {"resolution": "duplicate" if case.labelled else "resolved"}
                moment = datetime.fromtimestamp(at, tz=NEW_YORK)
                fold(
                    index,
                    stream_id=stream,
                    version=versions[stream],
                    event_type="Closed",
                    occurred_at=moment,
                    payload=payload,
                )
            continue
        result.cases += 1
        if case.code is None or catalogue.get(case.code) is None:
            result.unmapped += 1
            continue
        created = RequestCreated(
            tracking_number=case.case_id[-12:],
            service_code=case.code,
            description=case.description[:4000] or None,
            location=Location(lat=case.lat, long=case.lon, address_string=case.address[:500] or None),
            channel="web",
        )
        new = known_request(created, stream_id=stream, occurred_at=case.opened)
        decision = decide(new, confidential=False, catalogue=catalogue, index=index)
        _count(result, case, decision.outcome, decision.why, decision.candidate, samples)
        index.put(new)
    return result


def _count(result: Agreement, case: Case, outcome: str, why: str, candidate: object, samples: int) -> None:
    result.labelled += case.labelled
    if outcome == "linked":
        result.linked += 1
        result.labelled_linked += case.labelled
        result.linked_unlabelled += not case.labelled
    elif outcome == "flagged":
        result.flagged += 1
        result.labelled_flagged += case.labelled
        result.flagged_unlabelled += not case.labelled
    elif case.labelled:
        result.missed_by_type[case.city_type] += 1
        result.why_missed[why.split(":")[0][:60] or outcome] += 1
    disagree = (outcome == "linked") != case.labelled
    if disagree and len(result.samples) < samples and (len(result.samples) % 2 == int(case.labelled)):
        score = getattr(candidate, "score", None)
        distance = getattr(candidate, "distance_m", None)
        found = f"score {score:.2f}, {distance:.0f} m" if score is not None and distance is not None else why
        result.samples.append(
            f"{'labelled, we ' + outcome if case.labelled else 'we linked, city: ' + case.resolution[:60]!s}"
            f" | {case.city_type} | {case.address[:50]} | {found}"
        )


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value != 0 else None


def _when(text: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), pattern).replace(tzinfo=NEW_YORK)
    except ValueError:
        return None


def boston_2011(path: Path = DATA / "boston-311-2011H2.csv.gz") -> Iterator[Case]:
    with gzip.open(path, "rt", newline="") as file:
        for row in csv.DictReader(file):
            opened = _when(row["open_dt"], "%Y-%m-%d %H:%M:%S")
            if opened is None:
                continue
            resolution = row["closure_reason"] or ""
            yield Case(
                case_id=row["case_enquiry_id"],
                city_type=row["type"],
                code=BOSTON_TYPES.get(row["type"]),
                opened=opened,
                closed=_when(row["closed_dt"], "%Y-%m-%d %H:%M:%S"),
                lat=_float(row["latitude"]),
                lon=_float(row["longitude"]),
                address=" ".join(row["location"].split()),
                description=row["case_title"],
                labelled="duplicate of existing case" in resolution.lower(),
                resolution=resolution,
            )


def nyc_2023(path: Path = DATA / "nyc-311-2023-02-28.csv") -> Iterator[Case]:
    with path.open(newline="") as file:
        for row in csv.DictReader(file):
            opened = _when(row["Created Date"], "%m/%d/%Y %I:%M:%S %p")
            if opened is None:
                continue
            resolution = row["Resolution Description"] or ""
            yield Case(
                case_id=row["Unique Key"],
                city_type=row["Complaint Type"],
                code=NYC_TYPES.get(row["Complaint Type"]),
                opened=opened,
                closed=_when(row["Closed Date"], "%m/%d/%Y %I:%M:%S %p"),
                lat=_float(row["Latitude"]),
                lon=_float(row["Longitude"]),
                address=" ".join(row["Incident Address"].split()),
                description=" ".join(filter(None, (row["Complaint Type"], row["Descriptor"]))),
                labelled="duplicate" in resolution.lower(),
                resolution=resolution,
            )


def cities(catalogue: Catalogue) -> list[Agreement]:
    """Both cities' agreement; a city whose file is not there is left out."""
    found = []
    for name, read, path in (
        ("boston-2011", boston_2011, DATA / "boston-311-2011H2.csv.gz"),
        ("nyc-2023-02-28", nyc_2023, DATA / "nyc-311-2023-02-28.csv"),
    ):
        if path.exists():
            found.append(replay(name, sorted(read(), key=lambda c: c.opened), catalogue))
    return found
