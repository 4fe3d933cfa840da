"""Schemathesis over the running gateway's and reporting's OpenAPI documents: no generated call gets a
5xx, every XML answer is well-formed, every refusal appends nothing, no refusal echoes a long value, and
Open311's answers are the status codes, media types and schemas its document says."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_city.loading import load_catalogue
from tests.intake.open311_support import Open311Gateway, event_count, pothole
from tests.reporting.city import Request, store_requests
from tests.reporting.reporting_process import reporting_client
from tests.support.collector import collector_paused

EXAMPLES = 25
LONG = 4000
"""Bytes a refusal may take: it names fields and says why, it does not echo what was sent."""
KNOWN = ("service_code", "service_request_id", "token", "tracking_number")


def check_answer(response: Any) -> None:
    given = response.headers.get("content-type") or ""
    media = given if isinstance(given, str) else " ".join(given)
    if "xml" in media:
        ElementTree.fromstring(response.content)
    if 400 <= response.status_code < 500 and "html" not in media:  # a page is long by itself
        assert len(response.content) < LONG, f"{response.status_code} answer of {len(response.content)} bytes"


def fuzz(
    base_url: str,
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    known: dict[str, list[str]],
    *,
    api_key: str | None,
    events: Callable[[], int],
) -> int:
    session = requests.Session()
    ran = 0

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @hypothesis.given(case=operation.as_strategy(), data=st.data())
    def calls(case: schemathesis.Case[Any], data: st.DataObject) -> None:
        nonlocal ran
        ran += 1
        if api_key and isinstance(case.body, dict) and "api_key" in case.body:
            case.body["api_key"] = api_key
            if "service_code" in case.body and known.get("service_code"):
                case.body["service_code"] = data.draw(
                    st.sampled_from([case.body["service_code"], *known["service_code"]])
                )
        for name in set(KNOWN) & set(case.path_parameters or {}):
            assert case.path_parameters is not None
            case.path_parameters[name] = data.draw(
                st.sampled_from([case.path_parameters[name], *known[name]])
            )
        before = events()
        response = case.call(base_url=base_url, session=session)
        checks: list[schemathesis.CheckFunction] = [not_a_server_error]
        if operation.path.startswith("/open311/"):  # ours: the document must also say what we answer
            checks += [status_code_conformance, content_type_conformance, response_schema_conformance]
        case.validate_response(response, checks=checks)
        check_answer(response)
        if response.status_code >= 400:
            assert events() == before, f"a {response.status_code} refusal appended an event"

    calls()
    return ran


def operations_of(url: str) -> list[schemathesis.APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_url(url)
    results = list(schema.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results)
    return operations


@pytest.mark.slow
async def test_the_gateway_gives_no_5xx_and_refusals_change_nothing(gateway: Open311Gateway) -> None:
    numbers = [await gateway.file(**pothole()) for _ in range(2)]
    known = {
        "service_code": [t.code for t in load_catalogue().types],
        "service_request_id": numbers,
        "token": numbers,
        "tracking_number": numbers,
    }
    loop = asyncio.get_running_loop()

    def events() -> int:
        return asyncio.run_coroutine_threadsafe(event_count(gateway.pool), loop).result()

    ran, failures = 0, {}
    operations = operations_of(f"{gateway.url}/openapi.json")
    assert any(op.path == "/open311/v2/requests.{fmt}" and op.method.upper() == "POST" for op in operations)
    for operation in operations:
        try:
            with collector_paused():
                ran += await asyncio.to_thread(
                    fuzz, gateway.url, operation, known, api_key=gateway.api_key, events=events
                )
        except Exception as failure:  # every operation is tried; one report lists them all
            failures[f"{operation.method.upper()} {operation.path}"] = str(failure)[:2000]
    print(f"\ngateway: {ran} generated calls")
    assert failures == {}


@pytest.mark.slow
async def test_reporting_gives_no_5xx(settings: BackboneSettings, store: EventStore, tmp_path: Path) -> None:
    stored = await store_requests(store, [Request("Public Works"), Request("Parks", closed=1)])
    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        url = str(client.base_url).rstrip("/")
        ran, failures = 0, {}
        for operation in operations_of(f"{url}/openapi.json"):
            if operation.method.upper() != "GET":
                continue  # the projection's rebuild is an operator's action, not a reader's
            try:
                with collector_paused():
                    ran += await asyncio.to_thread(fuzz, url, operation, {}, api_key=None, events=lambda: 0)
            except Exception as failure:
                failures[f"{operation.method.upper()} {operation.path}"] = str(failure)[:2000]
        print(f"\nreporting: {ran} generated calls")
        assert failures == {}
