"""Replays the store and compares our on-time verdicts with a city export's own flags."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from civic311_backbone.store import EventStore
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapped import city_cases
from civic311_reporting.adapters.importing.mapping import ColumnMapping
from civic311_reporting.application.replay import replay_states
from civic311_reporting.domain.comparison import Comparison, compare
from civic311_reporting.domain.profile import DEFAULT_PROFILE
from civic311_reporting.domain.requests import RequestState


def compare_states(
    states: Mapping[str, RequestState], export: ExportFile, mapping: ColumnMapping
) -> Comparison:
    """Every case of the export: our verdict beside the city's flag, with the mapping's profile."""
    flags, departments = city_cases(export, mapping)
    return compare(
        states,
        flags,
        as_of=datetime.now(UTC),
        profile=mapping.profile or DEFAULT_PROFILE,
        zone=mapping.zone,
        city_departments=departments,
    )


async def compare_export(store: EventStore, export: ExportFile, mapping: ColumnMapping) -> Comparison:
    """After a full replay of the store."""
    return compare_states(await replay_states(store), export, mapping)
