"""The start-up replay reads a stored RequestCreated straight from its payload: what it keeps of the
request is what the live consumer keeps from the parsed event."""

from __future__ import annotations

from civic311_dedup.domain.fold import fold
from civic311_dedup.domain.index import RequestIndex
from tests.dedup.support import T0, known, report


def test_the_payload_fold_keeps_what_the_parsed_event_keeps() -> None:
    for created in (
        report("Hay un BACHE enorme junto a la parada", address="12 Main St", language="es"),
        report(place=None, address="4 Elm Street"),
        report(None),
    ):
        index = RequestIndex()
        stream = f"request-{created.tracking_number}"
        fold(
            index,
            stream_id=stream,
            version=1,
            event_type="RequestCreated",
            occurred_at=T0,
            payload=created.model_dump(mode="json"),
        )
        assert index.get(stream) == known(created)


def test_a_confidential_report_is_not_kept() -> None:
    index = RequestIndex()
    created = report(confidential=True)
    payload = created.model_dump(mode="json")
    fold(
        index, stream_id="request-X", version=1, event_type="RequestCreated", occurred_at=T0, payload=payload
    )
    assert len(index) == 0


def test_words_with_accents_fold_like_plain_ones() -> None:
    from civic311_dedup.domain.text import normalise

    assert normalise("Señal rota en la ESQUINA, farola caída") == normalise(
        "senal rota en la esquina farola caida"
    )
    assert normalise("Deep pothole!") == normalise("deep   POTHOLE")
