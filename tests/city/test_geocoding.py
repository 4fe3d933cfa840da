"""Geocoding on the generated sample city: every address to its own point, typo'd ones to the right
address, intersections computed from two streets' points, reverse to the nearest house."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from civic311_city import CityConfigError, CitySettings, load_districts, load_geocoder
from civic311_city.geocoding import Geocoder, Match, Unplaced, load_address_points, metres
from civic311_city.geocoding.normalise import SUFFIXES
from civic311_city.geocoding.sample import sample_points
from civic311_city.loading import SAMPLE_ADDRESS_POINTS, SAMPLE_DISTRICTS

LONG_FORMS = {short: long for long, short in SUFFIXES.items() if len(long) > len(short)}


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    districts = load_districts()
    return Geocoder(
        load_address_points(SAMPLE_ADDRESS_POINTS), inside=lambda la, lo: bool(districts.containing(la, lo))
    )


def test_the_committed_sample_is_what_the_generator_makes() -> None:
    assert load_address_points(SAMPLE_ADDRESS_POINTS) == list(sample_points())


def test_every_generated_address_geocodes_to_within_a_metre_of_its_point(geocoder: Geocoder) -> None:
    listed = list(sample_points())
    far = []
    for point in listed:
        answer = geocoder.forward(point.address)
        if not isinstance(answer, Match) or metres(answer.lat, answer.long, point.lat, point.long) > 1.0:
            far.append((point.address, answer))
    assert len(listed) == len(geocoder) > 30_000
    assert far == []


def _typo(rng: random.Random, address: str) -> str:
    """One of the slips residents make, chosen at random: one edit in the street name, the type
    dropped, the type spelled out, the wrong case, the direction left out."""
    number, *street = address.split()
    pre = street[0] if street[0] in {"N", "S", "E", "W"} else ""
    name, kind = street[1 if pre else 0 : -1], street[-1]
    slip = rng.choice(("edit", "no type", "long type", "case", "no direction" if pre else "edit"))
    if slip == "edit":
        word = rng.randrange(len(name))
        letters = list(name[word])
        at = rng.randrange(1, len(letters))
        change = rng.choice(("swap", "drop", "add"))
        if change == "swap":
            letters[at] = rng.choice("aeiounrst".replace(letters[at].lower(), ""))
        elif change == "drop":
            del letters[at]
        else:
            letters.insert(at, rng.choice("aeiou"))
        name = [*name[:word], "".join(letters), *name[word + 1 :]]
    parts = [number, pre, *name, kind]
    if slip == "no type":
        parts = parts[:-1]
    elif slip == "long type":
        parts[-1] = LONG_FORMS.get(kind.upper(), kind).title()
    elif slip == "no direction":
        parts[1] = ""
    text = " ".join(p for p in parts if p)
    return text.lower() if slip == "case" and rng.random() < 0.5 else text.upper() if slip == "case" else text


def test_typod_addresses_find_the_right_address_at_least_95_percent_of_the_time(geocoder: Geocoder) -> None:
    rng = random.Random(14)
    listed = rng.sample(list(sample_points()), 2000)
    right = 0
    for point in listed:
        answer = geocoder.forward(_typo(rng, point.address))
        right += isinstance(answer, Match) and answer.address_id == point.address_id
    share = right / len(listed)
    print(f"typo'd sample addresses to the right address: {share:.3f} of {len(listed)}")
    assert share >= 0.95


@pytest.mark.parametrize(
    "query",
    [
        "Elm Ter and Market St",
        "elm terrace & market street",
        "corner of Market St and Elm Ter",
        "Elm Ter @ Market",
    ],
)
def test_an_intersection_is_where_the_two_streets_points_meet(geocoder: Geocoder, query: str) -> None:
    elm = [p for p in sample_points() if p.address.endswith(" Elm Ter")]
    market = [p for p in sample_points() if p.address.endswith(" Market St")]
    answer = geocoder.forward(query)
    assert isinstance(answer, Match) and answer.kind == "intersection", answer
    assert set(answer.address.split(" & ")) == {"ELM TER", "MARKET ST"}
    # The corner is between the two streets: close to both (houses stand every 50 m, 4 m off the middle).
    assert min(metres(answer.lat, answer.long, p.lat, p.long) for p in elm) < 40
    assert min(metres(answer.lat, answer.long, p.lat, p.long) for p in market) < 40


def test_streets_that_never_meet_are_no_intersection(geocoder: Geocoder) -> None:
    answer = geocoder.forward("Elm Ter and Maple Blvd")  # both run east-west
    assert isinstance(answer, Unplaced) and answer.reason == "not_found"
    assert "do not meet" in answer.detail


def test_reverse_answers_the_nearest_house_and_its_distance(geocoder: Geocoder) -> None:
    house = next(p for p in sample_points() if p.address == "101 Elm Ter")
    answer = geocoder.reverse(house.lat + 0.00002, house.long)  # about 2 m north
    assert isinstance(answer, Match) and answer.address == "101 Elm Ter" and answer.kind == "nearest"
    assert answer.distance_m is not None and 1.5 < answer.distance_m < 2.7


def test_reverse_far_from_every_address_has_none(geocoder: Geocoder) -> None:
    answer = geocoder.reverse(40.0, -75.0)
    assert isinstance(answer, Unplaced) and answer.reason == "not_found"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("12 Nowhere Rd", "not_found"),
        ("Elm Ter", "ambiguous"),
        ("", "not_found"),
        ("9999 Elm Ter", "not_found"),
    ],
)
def test_what_cannot_be_placed_says_why(geocoder: Geocoder, query: str, reason: str) -> None:
    answer = geocoder.forward(query)
    assert isinstance(answer, Unplaced) and answer.reason == reason, answer


def test_a_point_outside_the_districts_is_outside_the_city() -> None:
    from civic311_city.geocoding import AddressPoint

    geocoder = Geocoder([AddressPoint("1 Far Rd", 40.0, -75.0)], inside=lambda la, lo: False)
    answer = geocoder.forward("1 Far Rd")
    assert isinstance(answer, Unplaced) and answer.reason == "outside_city"


def test_two_streets_alike_are_ambiguous_not_a_guess() -> None:
    from civic311_city.geocoding import AddressPoint

    geocoder = Geocoder(
        [AddressPoint("12 N Main St", 42.35, -71.05), AddressPoint("12 S Main St", 42.34, -71.05)]
    )
    answer = geocoder.forward("12 Main St")
    assert isinstance(answer, Unplaced) and answer.reason == "ambiguous"
    assert "12 N MAIN ST" in answer.detail and "12 S MAIN ST" in answer.detail
    exact = geocoder.forward("12 north main street, apt 3, Boston MA 02118")
    assert isinstance(exact, Match) and exact.kind == "exact" and exact.address == "12 N Main St"


def test_address_points_load_from_csv_with_mapped_columns_and_from_geojson(tmp_path: Path) -> None:
    csv_file = tmp_path / "points.csv"
    csv_file.write_text("FULL,Y,X,ADDR_ID\n1 City Hall Sq,42.3603,-71.0580,77\n", encoding="utf-8")
    loaded = load_address_points(csv_file, {"address": "FULL", "lat": "Y", "long": "X", "id": "ADDR_ID"})
    assert [(p.address, p.lat, p.long, p.address_id) for p in loaded] == [
        ("1 City Hall Sq", 42.3603, -71.058, "77")
    ]
    geojson = tmp_path / "points.geojson"
    geojson.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point",'
        '"coordinates":[-71.058,42.3603]},"properties":{"address":"1 City Hall Sq"}}]}',
        encoding="utf-8",
    )
    assert [(p.address, p.lat, p.long) for p in load_address_points(geojson)] == [
        ("1 City Hall Sq", 42.3603, -71.058)
    ]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("address,lat,long\n1 Elm St,north,-71\n", r"points.csv:2: lat and long must be numbers"),
        ("address,lat,long\n1 Elm St,95,-71\n", r"points.csv:2: lat '95' is not a latitude"),
        ("street,lat,long\n1 Elm St,42,-71\n", r"no column address"),
    ],
)
def test_a_bad_address_file_names_the_row_and_why(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        load_address_points(path)


def test_a_city_with_its_own_districts_and_no_address_points_has_no_geocoder(tmp_path: Path) -> None:
    own = CitySettings(districts_path=SAMPLE_DISTRICTS)
    assert load_geocoder(own, load_districts()) is None
    points = tmp_path / "points.csv"
    points.write_text("address,lat,long\n1 City Hall Sq,42.3603,-71.0580\n", encoding="utf-8")
    geocoder = load_geocoder(CitySettings(address_points_path=points), load_districts())
    assert geocoder is not None and len(geocoder) == 1


def test_an_unreadable_address_file_stops_the_start_naming_it(tmp_path: Path) -> None:
    points = tmp_path / "points.csv"
    points.write_text("address,lat,long\n1 City Hall Sq,42.3603\n", encoding="utf-8")
    with pytest.raises(CityConfigError, match=r"points.csv:2: lat and long must be numbers"):
        load_geocoder(CitySettings(address_points_path=points), load_districts())
    with pytest.raises(CityConfigError, match=r"missing.csv"):
        load_geocoder(CitySettings(address_points_path=tmp_path / "missing.csv"), load_districts())
