"""Defect 11, its multipart half: invalid UTF-8 in a multipart Open311 POST was taken as latin-1 (stored as
"potÿhole") where the same bytes in a urlencoded form are refused; both now get a 400 naming the field."""

from __future__ import annotations

from xml.etree import ElementTree

import httpx

from tests.hardening.support import Target
from tests.intake.open311_support import event_count

BOUNDARY = "civic311-boundary"


def multipart(fields: list[tuple[bytes, bytes]]) -> bytes:
    """A multipart/form-data body of text parts, the bytes exactly as given (httpx would encode them)."""
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (BOUNDARY.encode(), name, value)
        for name, value in fields
    ]
    return b"".join(parts) + b"--%s--\r\n" % BOUNDARY.encode()


def report(api_key: str, *extra: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    return [
        (b"api_key", api_key.encode()),
        (b"service_code", b"POTHOLE"),
        (b"lat", b"42.36"),
        (b"long", b"-71.06"),
        (b"attribute[SIZE]", b"large"),
        *extra,
    ]


async def post(target: Target, body: bytes, fmt: str = "json") -> httpx.Response:
    return await target.gateway.client.post(
        f"/requests.{fmt}",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


async def test_invalid_utf8_in_a_multipart_field_is_refused_naming_it(target: Target) -> None:
    key = target.gateway.api_key
    before = await event_count(target.gateway.pool)
    answer = await post(target, multipart(report(key, (b"description", b"pot\xffhole"))))
    assert answer.status_code == 400, answer.text
    assert [p["description"] for p in answer.json()] == ["description: not valid UTF-8"], answer.text
    as_xml = await post(target, multipart(report(key, (b"address_string", b"1 City Hall Sq\xc3"))), "xml")
    assert as_xml.status_code == 400, as_xml.text
    assert ElementTree.fromstring(as_xml.content).findtext("error/description") == (
        "address_string: not valid UTF-8"
    )
    bad_name = await post(target, multipart(report(key, (b"attribute[\xff]", b"x"))))
    assert bad_name.status_code == 400, bad_name.text
    assert bad_name.json()[0]["description"].endswith(": not valid UTF-8"), bad_name.text
    assert await event_count(target.gateway.pool) == before


async def test_valid_utf8_in_a_multipart_form_is_kept_as_sent(target: Target) -> None:
    text = "Schlagloch vor der Bäckerei, ÿ und 한국어"
    answer = await post(target, multipart(report(target.gateway.api_key, (b"description", text.encode()))))
    assert answer.status_code == 200, answer.text
    [posted] = answer.json()
    shown = await target.gateway.client.get(f"/requests/{posted['service_request_id']}.json")
    assert shown.json()[0]["description"] == text
