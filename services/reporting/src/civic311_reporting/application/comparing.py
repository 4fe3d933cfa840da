"""Replays the store and compares our on-time verdicts with a city export's own flags."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from civic311_backbone.store import EventStore
from civic311_reporting.adapters.importing.boston import BOSTON_CLASSIC_PROFILE, city_flags
from civic311_reporting.application.replay import replay_states
from civic311_reporting.domain.comparison import Comparison, compare
from civic311_reporting.domain.profile import ReportProfile


async def compare_boston_classic(
    store: EventStore, export: Path, *, profile: ReportProfile = BOSTON_CLASSIC_PROFILE
) -> Comparison:
    """Every case of the export: our verdict after a full replay beside the city's `ontime` column."""
    states = await replay_states(store)
    return compare(states, city_flags(export), as_of=datetime.now(UTC), profile=profile)
