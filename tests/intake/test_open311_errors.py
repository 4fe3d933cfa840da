"""Every refused Open311 call is answered with the spec's error list, naming the field and why, and appends
nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from civic311_intake.adapters.access import issue_api_key, revoke_api_key
from tests.intake.open311_support import Open311Gateway, event_count, open311_gateway, pothole, xml_of

JURISDICTION = "city.example.org"


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("open311-errors")
    env = {"OPEN311_JURISDICTION_ID": JURISDICTION}
    async with open311_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env
    ) as gateway:
        yield gateway


def spec_errors(response: httpx.Response, fmt: str) -> list[tuple[int, str]]:
    """The (code, description) pairs of an error answer, after checking its shape in `fmt`."""
    if fmt == "json":
        assert response.headers["content-type"].startswith("application/json")
        listed = response.json()
        assert all(set(e) == {"code", "description"} for e in listed)
        return [(e["code"], e["description"]) for e in listed]
    root = xml_of(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code") or 0), e.findtext("description") or "") for e in root.findall("error")]


REFUSED_POSTS: dict[str, tuple[dict[str, str | list[str]], str]] = {
    "unknown service code": (pothole(service_code="NO_SUCH_SERVICE"), "service_code: "),
    "confidential service code": (pothole(service_code="ETHICS_CONCERN"), "service_code: "),
    "no service code": (
        {k: v for k, v in pothole().items() if k != "service_code"},
        "service_code: required",
    ),
    "no location": (pothole(lat="", long="", address_string=""), "location: "),
    "latitude not a number": (pothole(lat="north"), "lat: "),
    "latitude out of range": (pothole(lat="91"), "lat: "),
    "latitude without longitude": (pothole(long="", address_string=""), "long: "),
    "missing required attribute": (pothole(**{"attribute[SIZE]": ""}), "attribute[SIZE]: required"),
    "answer not among the values": (pothole(**{"attribute[SIZE]": "huge"}), "attribute[SIZE]: one of"),
    "a question the service does not ask": (pothole(**{"attribute[COLOUR]": "red"}), "attribute[COLOUR]: "),
    "two answers to a single-value question": (
        pothole(**{"attribute[SIZE][]": ["small", "large"]}),
        "attribute[SIZE]: one answer only",
    ),
    "over-long description": (pothole(description="x" * 4001), "description: at most 4000 characters"),
    "media_url not a web link": (pothole(media_url="file:///etc/passwd"), "media_url: "),
    "e-mail without an @": (pothole(email="maria.example.org"), "email: "),
    "NUL in a description": (pothole(description="pot\x00hole"), "description: contains a NUL"),
    "multivaluelist choice unknown": (
        {
            "service_code": "MISSED_TRASH",
            "address_string": "12 Elm St",
            "attribute[SET_OUT_TIME]": "2026-11-23T06:30:00-05:00",
            "attribute[ITEMS][]": ["trash", "gold"],
        },
        "attribute[ITEMS]: not among the choices: gold",
    ),
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_refused_post_names_each_problem_and_appends_nothing(
    open311: Open311Gateway, fmt: str
) -> None:
    for case, (fields, expected) in REFUSED_POSTS.items():
        before = await event_count(open311.pool)

        response = await open311.post(fmt, **fields)

        assert response.status_code == 400, case
        [(code, description)] = spec_errors(response, fmt)
        assert code == 400, case
        assert description.startswith(expected), (case, description)
        assert await event_count(open311.pool) == before, case


async def test_every_problem_of_one_post_is_listed_at_once(open311: Open311Gateway) -> None:
    before = await event_count(open311.pool)

    response = await open311.post(
        **pothole(lat="", long="", address_string="", description="x" * 4001, **{"attribute[SIZE]": ""})
    )

    assert response.status_code == 400
    fields = [description.split(":")[0] for _, description in spec_errors(response, "json")]
    assert fields == ["location", "description", "attribute[SIZE]"]
    assert await event_count(open311.pool) == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_missing_or_invalid_api_key_is_403_and_appends_nothing(
    open311: Open311Gateway, fmt: str
) -> None:
    revoked = await issue_api_key(open311.pool, issued_to="revoked client")
    await revoke_api_key(open311.pool, revoked.split(".")[0])
    key_id, secret = open311.api_key.split(".")
    presented: dict[str, str | None] = {
        "missing": None,
        "empty": "",
        "not a key": "let-me-in",
        "wrong secret": f"{key_id}.{secret[::-1]}",
        "unknown key id": f"000000000000.{secret}",
        "revoked": revoked,
    }
    before = await event_count(open311.pool)
    for case, key in presented.items():
        data = {**pothole()} | ({"api_key": key} if key is not None else {})

        response = await open311.client.post(f"/requests.{fmt}", data=data)

        assert response.status_code == 403, case
        [(code, description)] = spec_errors(response, fmt)
        assert (code, description) == (403, "api_key: missing or not a valid key"), case
    assert await event_count(open311.pool) == before


async def test_only_this_gateways_jurisdiction_is_served(open311: Open311Gateway) -> None:
    before = await event_count(open311.pool)

    elsewhere = await open311.post(**pothole(jurisdiction_id="other.example.org"))
    listed_elsewhere = await open311.client.get(
        "/requests.xml", params={"jurisdiction_id": "other.example.org"}
    )
    services_elsewhere = await open311.client.get(
        "/services.json", params={"jurisdiction_id": "other.example.org"}
    )
    here = await open311.post(**pothole(jurisdiction_id=JURISDICTION))

    assert elsewhere.status_code == 404
    assert spec_errors(elsewhere, "json") == [(404, "jurisdiction_id other.example.org is not served here")]
    assert await event_count(open311.pool) == before + 1  # only the one for this jurisdiction
    assert listed_elsewhere.status_code == 404
    assert spec_errors(listed_elsewhere, "xml")[0][0] == 404
    assert services_elsewhere.status_code == 404
    assert here.status_code == 200


REFUSED_SEARCHES: dict[str, tuple[dict[str, str], str]] = {
    "end before start": (
        {"start_date": "2026-06-10T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        "end_date: must not be before start_date",
    ),
    "range over 90 days": (
        {"start_date": "2026-01-01T00:00:00-05:00", "end_date": "2026-04-02T00:00:00-05:00"},
        "end_date: at most 90 days after start_date",
    ),
    "not a date": ({"start_date": "last tuesday"}, "start_date: "),
    "unknown status": ({"status": "pending"}, "status: "),
    "unknown service code": ({"service_code": "POTHOLE,NO_SUCH"}, "service_code: "),
    "page size too large": ({"page_size": "5000"}, "page_size: "),
    "page zero": ({"page": "0"}, "page: "),
    "updated_before not after updated_after": (
        {"updated_after": "2026-06-10T00:00:00Z", "updated_before": "2026-06-01T00:00:00Z"},
        "updated_before: ",
    ),
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_refused_search_names_the_parameter_and_why(open311: Open311Gateway, fmt: str) -> None:
    for case, (params, expected) in REFUSED_SEARCHES.items():
        response = await open311.client.get(f"/requests.{fmt}", params=params)

        assert response.status_code == 400, case
        [(code, description)] = spec_errors(response, fmt)
        assert code == 400, case
        assert description.startswith(expected), (case, description)


async def test_a_format_other_than_json_or_xml_is_404(open311: Open311Gateway) -> None:
    before = await event_count(open311.pool)

    answers = [
        await open311.post("csv", **pothole()),
        await open311.client.get("/requests.csv"),
        await open311.client.get("/tokens/7KQ-4MX28.html"),
    ]

    for response in answers:
        assert response.status_code == 404
        [(code, description)] = spec_errors(response, "json")
        assert code == 404 and "use .json or .xml" in description
    assert await event_count(open311.pool) == before
