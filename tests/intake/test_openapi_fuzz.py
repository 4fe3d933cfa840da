"""Schemathesis over the running gateway's OpenAPI document: no call it can make gets a server error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civic311_city.loading import load_catalogue
from tests.intake.open311_support import Open311Gateway, open311_gateway, pothole
from tests.support.collector import collector_paused

EXAMPLES_PER_OPERATION = 20
KNOWN_PARAMETERS = ("service_code", "service_request_id", "token", "tracking_number")
"""Path parameters a random string would only ever answer 404 for: half the cases use a real one."""


@pytest.fixture(scope="module")
async def gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("openapi-fuzz")
    async with open311_gateway(database_server_url, nats_server_url, log_dir, relay=False) as running:
        yield running


def fuzz(
    gateway: Open311Gateway,
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    known: dict[str, list[str]],
) -> None:
    """Run the operation's generated cases against the gateway; fail on the first 5xx, shrunk."""
    session = requests.Session()

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @hypothesis.given(case=operation.as_strategy(), data=st.data())
    def calls(case: schemathesis.Case[Any], data: st.DataObject) -> None:
        if operation.method.upper() == "POST" and isinstance(case.body, dict) and "api_key" in case.body:
            # Past the key check and, often, to a real service: into the form's own checks and filing.
            case.body["api_key"] = gateway.api_key
            case.body["service_code"] = data.draw(
                st.sampled_from([case.body["service_code"], *known["service_code"]])
            )
        for name in set(KNOWN_PARAMETERS) & set(case.path_parameters or {}):
            assert case.path_parameters is not None
            case.path_parameters[name] = data.draw(
                st.sampled_from([case.path_parameters[name], *known[name]])
            )
        checks: list[schemathesis.CheckFunction] = [not_a_server_error]
        if operation.path.startswith("/open311/"):  # ours: the document must also say what we answer
            checks += [status_code_conformance, content_type_conformance, response_schema_conformance]
        case.call_and_validate(base_url=gateway.url, session=session, checks=checks)

    calls()


async def test_no_generated_call_gets_a_server_error(gateway: Open311Gateway) -> None:
    numbers = [await gateway.file(**pothole()) for _ in range(2)]
    codes = [t.code for t in load_catalogue().types]
    known = {
        "service_code": codes,
        "service_request_id": numbers,
        "token": numbers,
        "tracking_number": numbers,
    }
    schema = schemathesis.openapi.from_url(f"{gateway.url}/openapi.json")
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "every operation in the document can be read"
    assert any(op.path == "/open311/v2/requests.{fmt}" and op.method.upper() == "POST" for op in operations)

    failures: dict[str, str] = {}
    for operation in operations:
        try:
            with collector_paused():
                fuzz(gateway, operation, known)
        except (AssertionError, FailureGroup) as failure:  # try them all: one report lists every 5xx
            failures[f"{operation.method.upper()} {operation.path}"] = str(failure)
    assert failures == {}
