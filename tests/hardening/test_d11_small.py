"""Defect 11, four small ones: a stalled body held a connection with no timeout; negative counts were
accepted for count questions; `lat=4_2.36` was taken as Python's float syntax; invalid UTF-8 was turned
into U+FFFD instead of refused."""

from __future__ import annotations

import asyncio

from tests.hardening.support import Target
from tests.intake.open311_support import event_count, pothole


async def test_a_stalled_body_is_given_up_on(target: Target) -> None:
    host, port = target.gateway.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nservice_code=PO"
    )
    await writer.drain()
    # The gateway answers (408) or hangs up by itself; the deadline is the test's, far above the setting.
    answer = await asyncio.wait_for(reader.read(), timeout=120)
    writer.close()
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]


async def test_a_stalled_header_is_given_up_on(target: Target) -> None:
    host, port = target.gateway.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /open311/v2/discovery.json HTTP/1.1\r\nHost: x\r\n")  # never the blank line
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=120)
    writer.close()
    assert b"200 OK" not in answer


async def test_a_count_question_refuses_a_negative_number(target: Target) -> None:
    before = await event_count(target.gateway.pool)
    for count in ("-3", "-0.5", "1e400", "nan"):
        answer = await target.gateway.post(
            service_code="NEEDLE_PICKUP", address_string="1 City Hall Sq", **{"attribute[COUNT]": count}
        )
        assert answer.status_code == 400, (count, answer.text)
        assert answer.json()[0]["description"].startswith("attribute[COUNT]: "), answer.text
    assert await event_count(target.gateway.pool) == before
    accepted = await target.gateway.post(
        service_code="NEEDLE_PICKUP", address_string="1 City Hall Sq", **{"attribute[COUNT]": "0"}
    )
    assert accepted.status_code == 200, accepted.text
    services = await target.gateway.client.get("/services/NEEDLE_PICKUP.json")
    assert services.status_code == 200


async def test_python_only_number_syntax_is_refused(target: Target) -> None:
    before = await event_count(target.gateway.pool)
    for field, value in (("lat", "4_2.36"), ("long", "-7_1.05"), ("lat", " 42.36\x0c"), ("lat", "٤٢.٣٦")):
        answer = await target.gateway.post(**pothole(**{field: value}))
        assert answer.status_code == 400, (field, value, answer.text)
        assert any(p["description"].startswith(f"{field}: ") for p in answer.json()), answer.text
    answer = await target.gateway.post(**pothole(lat="42.36"))
    assert answer.status_code == 200
    assert await event_count(target.gateway.pool) == before + 1


async def test_invalid_utf8_is_refused_naming_the_field(target: Target) -> None:
    before = await event_count(target.gateway.pool)
    form = (
        f"api_key={target.gateway.api_key}&service_code=POTHOLE&lat=42.36&long=-71.06"
        "&attribute%5BSIZE%5D=large&description=pot%FFhole"
    ).encode()
    answer = await target.gateway.client.post(
        "/requests.json", content=form, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400, answer.text
    assert any(p["description"].startswith("description: ") for p in answer.json()), answer.text
    raw = form.replace(b"pot%FFhole", b"pot\xffhole")
    answer = await target.gateway.client.post(
        "/requests.json", content=raw, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400, answer.text
    assert await event_count(target.gateway.pool) == before
