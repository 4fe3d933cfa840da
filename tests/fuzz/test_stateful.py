"""Schemathesis's stateful run along the OpenAPI links of the running gateway and reporting service: calls
chained by what earlier answers named (a filed request's number, a staff view's version, a report's
filters), with the stateless run's checks on every call: no 5xx, XML well-formed, no long answer to a
refusal, and no refusal appends an event."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.stateful import Bundle, initialize
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful.state_machine import APIStateMachine, StepInput, StepOutput

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.fuzz.test_openapi import check_answer
from tests.hardening.support import Target
from tests.intake.open311_support import Open311Gateway, event_count, pothole
from tests.intake.test_staff_actions import CALLER  # a caller's report, as an agent files it
from tests.reporting.city import Request, store_requests
from tests.reporting.reporting_process import reporting_client
from tests.support.collector import collector_paused

SCENARIOS = 50
STEPS = 10
"""At most this many calls a scenario: 50 scenarios of 10 keep a run well under a minute on a loaded machine."""
RUN = hypothesis.settings(
    max_examples=SCENARIOS,
    stateful_step_count=STEPS,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],  # a failure is reported as found: shrinking a chain of live calls takes long
)
FORM: dict[str, Any] = dict(pothole())
DESK: dict[str, Any] = dict(CALLER)


@dataclass
class Tally:
    calls: int = 0
    followed: Counter[str] = field(default_factory=Counter)
    """Link transitions taken with the values the link named, by source and link name."""
    answered: Counter[str] = field(default_factory=Counter)
    """Of those, the ones answered 2xx: the link led to something that exists."""

    def report(self, service: str) -> str:
        links = (f"  {n:4} ({self.answered[link]} 2xx) {link}" for link, n in sorted(self.followed.items()))
        return "\n".join(
            [
                f"\n{service}: {self.calls} calls, {sum(self.followed.values())} link transitions followed "
                f"({sum(self.answered.values())} answered 2xx) over {len(self.followed)} links",
                *links,
            ]
        )


def workflow(
    url: str,
    tally: Tally,
    *,
    events: Callable[[], int],
    headers: Callable[[str], Mapping[str, str]] = lambda path: {},
    api_key: str | None = None,
    seeds: Mapping[str, Callable[[], schemathesis.Case[Any]]] | None = None,
) -> type[APIStateMachine]:
    """The schema's state machine, calling `url` with the checks above and counting what it did.

    `seeds` are valid calls made first in every scenario, so that links out of a filing are followed
    (schemathesis would otherwise begin only from operations it guesses need no earlier data).
    """
    machine = schemathesis.openapi.from_url(f"{url}/openapi.json").as_state_machine()
    session = requests.Session()

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"base_url": url, "session": session, "headers": dict(headers(case.formatted_path))}

        def before_call(self, case: schemathesis.Case[Any]) -> None:
            if api_key and isinstance(case.body, dict) and "api_key" in case.body:
                case.body["api_key"] = api_key

        def step(self, input: StepInput) -> StepOutput:
            tally.calls += 1
            before = events()
            output: StepOutput = super().step(input)
            status = output.response.status_code
            check_answer(output.response)
            if status >= 400:
                assert events() == before, f"a {status} refusal appended an event"
            if input.transition is not None and input.applied_parameters:
                link = input.transition.id  # source -> [status] name -> target
                tally.followed[link] += 1
                tally.answered[link] += 200 <= status < 300
            return output

        def validate_response(
            self, response: Any, case: schemathesis.Case[Any], *args: Any, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=[not_a_server_error])

    for name, make in (seeds or {}).items():

        def seed(self: Any, make: Callable[[], schemathesis.Case[Any]] = make) -> StepOutput:
            # Recorded as schemathesis records a first step, so that links out of it can be followed.
            input = StepInput.initial(make())
            self.recorder.record_case(case=input.case)
            self.control.record_step(input, self.recorder)
            output: StepOutput = self.step(input)
            return output

        seed.__name__ = f"seed_{name}"
        setattr(Workflow, seed.__name__, initialize(target=Bundle("seeds"))(seed))
    return Workflow


@pytest.mark.slow
async def test_the_gateway_along_its_links(gateway: Open311Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as root:
        staff = await Target(gateway=gateway, root=root).supervisor()
    loop = asyncio.get_running_loop()

    def events() -> int:
        return asyncio.run_coroutine_threadsafe(event_count(gateway.pool), loop).result()

    def headers(path: str) -> Mapping[str, str]:
        on_desk = path.startswith("/api/staff/") and not path.startswith("/api/staff/sessions")
        return staff if on_desk else {}

    schema = schemathesis.openapi.from_url(f"{gateway.url}/openapi.json")
    open311 = schema["/open311/v2/requests.{fmt}"]["POST"]
    desk = schema["/api/staff/requests"]["POST"]
    seeds = {
        "open311_filing": lambda: open311.Case(
            path_parameters={"fmt": "json"},
            body={"api_key": gateway.api_key, **FORM},
            media_type="application/x-www-form-urlencoded",
        ),
        "desk_filing": lambda: desk.Case(body=dict(DESK), media_type="application/json"),
    }
    tally = Tally()
    machine = workflow(
        gateway.url, tally, events=events, headers=headers, api_key=gateway.api_key, seeds=seeds
    )
    with collector_paused():
        await asyncio.to_thread(machine.run, settings=RUN)
    print(tally.report("gateway"))
    for source in ("POST /open311/v2/requests.{fmt}", "POST /api/staff/requests"):
        assert any(tally.answered[link] for link in tally.followed if link.startswith(source)), source


@pytest.mark.slow
async def test_reporting_along_its_links(
    settings: BackboneSettings, store: EventStore, tmp_path: Path
) -> None:
    stored = await store_requests(store, [Request("Public Works"), Request("Parks", closed=1)])
    async with reporting_client(settings, tmp_path, seen=stored.position) as client:
        tally = Tally()
        machine = workflow(str(client.base_url).rstrip("/"), tally, events=lambda: 0)
        with collector_paused():
            await asyncio.to_thread(machine.run, settings=RUN)
    print(tally.report("reporting"))
    assert sum(tally.answered.values()) > 0
