"""Calls resolved without a request: the information calls agents log, beside the requests filed by phone.

An information call is its own stream (`call-<id>`, one InformationCallLogged), never a request: it is
kept apart from the requests' states. Its topic is the request type it was about, else the agent's
own words, else the answer given; a phone request's topic is its type. Per topic, and overall:

    share resolved without a request = information calls / (information calls + requests filed)

over the same channel (phone by default) and the same period. Calls have no department or district,
so those filters do not apply to this figure; a type filter does (a call about that type).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic311_reporting.domain.requests import RequestState
from civic311_reporting.domain.selection import Selection

NO_TOPIC = "(no topic)"


@dataclass(frozen=True, slots=True)
class InformationCall:
    occurred_at: datetime
    channel: str
    topic: str


def call_of(occurred_at: datetime, payload: dict[str, Any]) -> InformationCall:
    topic = payload.get("service_code") or payload.get("topic")
    if not topic and payload.get("answer_slug"):
        topic = f"answer: {payload['answer_slug']}"
    return InformationCall(occurred_at, str(payload.get("channel") or "phone"), str(topic or NO_TOPIC))


@dataclass(frozen=True, slots=True)
class Resolved:
    """One topic's (or every topic's) calls resolved without a request, and the requests filed."""

    topic: str
    information_calls: int
    requests_filed: int

    @property
    def share(self) -> float | None:
        contacts = self.information_calls + self.requests_filed
        return self.information_calls / contacts if contacts else None


@dataclass(frozen=True, slots=True)
class ResolvedReport:
    channel: str
    overall: Resolved
    by_topic: list[Resolved]


def _in_period(moment: datetime | None, selection: Selection, as_of: datetime) -> bool:
    start, end = selection.start(), selection.end()
    if moment is None or moment > as_of:
        return False
    return (start is None or moment >= start) and (end is None or moment < end)


def resolved_without_request(
    calls: Iterable[InformationCall],
    requests: Iterable[RequestState],
    selection: Selection,
    *,
    as_of: datetime,
    channel: str = "phone",
) -> ResolvedReport:
    """The calls on `channel` in the selection's period (and type), beside the requests filed on it."""
    wanted = selection.service_code
    answered: Counter[str] = Counter(
        c.topic
        for c in calls
        if c.channel == channel and _in_period(c.occurred_at, selection, as_of) and wanted in (None, c.topic)
    )
    filed: Counter[str] = Counter(
        r.service_code or NO_TOPIC
        for r in requests
        if r.channel == channel
        and _in_period(r.created_at, selection, as_of)
        and wanted in (None, r.service_code)
    )
    rows = [Resolved(topic, answered[topic], filed[topic]) for topic in answered.keys() | filed.keys()]
    rows.sort(key=lambda row: (-(row.information_calls + row.requests_filed), row.topic))
    overall = Resolved("all", answered.total(), filed.total())
    return ResolvedReport(channel=channel, overall=overall, by_topic=rows)
