"""Defect 2: control characters were stored and written raw into XML, so one report broke every XML page
listing it. They are refused at intake (400/422 naming the field); what is stored already, from anywhere,
is written so that every XML answer stays well-formed."""

from __future__ import annotations

from xml.etree import ElementTree

from civic311_backbone.contracts import Location, RequestCreated, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.testing.factories import RESIDENT
from tests.hardening.support import Target
from tests.intake.open311_support import event_count, pothole

CONTROLS = ["\x07", "\x1b", "\x0b", "\x0c", "\ufffe", "\uffff", "\x7f", "\x85", "\ud800"]


async def test_open311_refuses_a_control_character_naming_the_field(target: Target) -> None:
    for char in CONTROLS:
        for field in ("description", "address_string", "attribute[SIZE]", "first_name"):
            before = await event_count(target.gateway.pool)
            fields = pothole(**{field: f"a{char}b"})
            answer = await target.gateway.client.post(
                "/requests.json",
                content=_form({"api_key": target.gateway.api_key, **fields}),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert answer.status_code == 400, (repr(char), field, answer.text)
            assert any(p["description"].startswith(f"{field}: ") for p in answer.json()), answer.text
            assert await event_count(target.gateway.pool) == before


async def test_the_staff_api_refuses_a_control_character_in_a_note(target: Target) -> None:
    headers = await target.supervisor()
    number = await target.gateway.file(**pothole(description="staff note story"))
    answer = await target.root.post(
        f"/api/staff/requests/{number}/acknowledge",
        json={"public_note": "on\x07our way", "internal_note": None},
        headers=headers,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "public_note"]


async def test_every_xml_answer_is_well_formed_whatever_the_store_holds(target: Target) -> None:
    """A report stored with control characters (an import, an older version) still reads as XML."""
    number = new_tracking_number()
    poisoned = "a\x07b\x1bc\x0bd\x0ce\ufffef\uffff g\x00h"
    created = RequestCreated(
        tracking_number=number,
        service_code="POTHOLE",
        description=poisoned.replace("\x00", ""),
        location=Location(lat=42.36, long=-71.06, address_string="1\x07 City Hall Sq"),
        attributes={"SIZE": "large"},
        channel="web",
    )
    await target.gateway.store.append(
        stream_id_for(number), [new_event(created, actor=RESIDENT)], expected_version=0
    )
    one = await target.gateway.client.get(f"/requests/{number}.xml")
    assert one.status_code == 200
    [request] = ElementTree.fromstring(one.content).findall("request")
    assert request.findtext("description") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffd gh"
    await target.gateway.indexed(number)
    listed = await target.gateway.client.get("/requests.xml", params={"service_request_id": number})
    assert listed.status_code == 200
    ElementTree.fromstring(listed.content)


def _form(fields: dict[str, str | list[str]]) -> bytes:
    """Form-encode as a browser would, lone surrogates included (as the UTF-8 a careless client sends)."""
    from urllib.parse import quote

    parts = []
    for name, value in fields.items():
        for one in [value] if isinstance(value, str) else value:
            encoded = one.encode("utf-8", "surrogatepass")
            parts.append(f"{quote(name)}={quote(encoded)}")
    return "&".join(parts).encode()
