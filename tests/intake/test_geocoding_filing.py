"""The geocoder never makes a filing fail: one that errs files the request unplaced, saying so."""

from __future__ import annotations

from civic311_backbone.contracts import RequestCreated, from_record
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT
from civic311_city import load_catalogue
from civic311_city.geocoding import Answer, Geocoder
from civic311_city.geocoding.sample import sample_points
from civic311_intake.application.filing import file_submission
from civic311_intake.domain.submission import Submission


class FailingGeocoder(Geocoder):
    """The real geocoder with its lookup broken: the fault a bug or a bad address file would cause."""

    def forward(self, text: str) -> Answer:
        raise RuntimeError("index corrupted")


async def test_a_failing_geocoder_files_the_request_unplaced(store: EventStore) -> None:
    submission = Submission(
        service_code="POTHOLE", channel="web", address_string="101 Elm Ter", attributes={"SIZE": "small"}
    )
    filed = await file_submission(
        store,
        load_catalogue(),
        submission,
        actor=RESIDENT,
        geocoder=FailingGeocoder(list(sample_points())[:10]),
    )
    [event] = [from_record(r) for r in await store.read_stream(filed.stream_id)]
    assert isinstance(event.payload, RequestCreated)
    location = event.payload.location
    assert (location.lat, location.long, location.address_string, location.unplaced) == (
        None,
        None,
        "101 Elm Ter",
        "geocoder_error",
    )
