"""Given a request's events, then this timeline."""

from __future__ import annotations

from civic311_reporting.domain.timeline import timeline
from tests.reporting.stories import assigned, at, closed, created, fact, status


def test_the_timeline_tells_the_story_in_the_order_things_happened() -> None:
    facts = [
        fact("r1", created(channel="sms"), 0),
        fact("r1", assigned("Parks", due_hours=48), 0.1),
        fact("r1", assigned("Public Works", reason="transfer"), 2),
        fact("r1", closed(), 6),
        fact("r1", status("in_progress"), 5),  # recorded late, happened before the close
    ]

    lines = [(e.at, e.what) for e in timeline(facts)]

    assert lines == [
        (at(0), "created"),
        (at(0.1), "assigned"),
        (at(2), "transferred"),
        (at(5), "in_progress"),
        (at(6), "closed"),
    ]


def test_internal_notes_show_only_on_the_staff_timeline() -> None:
    from civic311_backbone.contracts import StatusUpdated

    facts = [fact("r1", StatusUpdated(status="on_hold", public_note="waiting", internal_note="parts"), 1)]

    assert timeline(facts)[0].detail == "waiting"
    assert timeline(facts, internal=True)[0].detail == "waiting [parts]"


def test_breach_warnings_are_on_the_staff_timeline_only() -> None:
    from civic311_backbone.contracts import SlaWarning

    warning = SlaWarning(stage="breached", due_at=at(48), department="Parks", queue="PRK-Forestry")
    facts = [fact("r1", created(), 0), fact("r1", warning, 48)]

    assert [e.what for e in timeline(facts)] == ["created"]
    assert [e.what for e in timeline(facts, internal=True)] == ["created", "SlaWarning"]
