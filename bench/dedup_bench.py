"""python -m bench.dedup_bench: dedup's quality on the generated set, and its decision speed with
BENCH_DEDUP_OPEN (default 1,000,000) open requests in the index, the index's memory at that size and
the time to fold that many requests into it (the in-process part of the rebuild at start-up).

The decision is the domain's alone (no database round trip): the consumer's load, append and record
around it are the store's figures (bench/README.md).
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import psutil

from bench.dedup.city_labels import Agreement, cities
from bench.dedup.generated import CENTRE, PHRASES, generate
from bench.dedup.quality import Quality, evaluate
from civic311_backbone.contracts import Location, RequestCreated
from civic311_city import load_catalogue
from civic311_dedup.domain.decision import decide
from civic311_dedup.domain.fold import fold
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.domain.requests import known_request

CODES = list(PHRASES)


def _payload(rng: random.Random, i: int) -> dict[str, object]:
    code = rng.choice(CODES)
    lat = CENTRE[0] + rng.uniform(-0.06, 0.06)  # a city of about 13 km by 10 km
    lon = CENTRE[1] + rng.uniform(-0.06, 0.06)
    words = rng.choice(PHRASES[code]["en"]).format(at=f"outside number {rng.randrange(2, 900)}")
    return RequestCreated(
        tracking_number=f"B{i:07d}",
        service_code=code,
        description=words,
        location=Location(lat=lat, long=lon),
        channel="web",
    ).model_dump(mode="json")


def speed(open_requests: int, decisions: int = 2000) -> dict[str, float]:
    rng = random.Random(13)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    payloads = [_payload(rng, i) for i in range(open_requests)]
    gc.collect()
    before = psutil.Process().memory_info().rss
    index = RequestIndex()
    started = time.perf_counter()
    for i, payload in enumerate(payloads):
        at = now - timedelta(days=rng.uniform(0, 30))
        fold(
            index,
            stream_id=f"request-B{i:07d}",
            version=1,
            event_type="RequestCreated",
            occurred_at=at,
            payload=payload,
        )
    fold_seconds = time.perf_counter() - started
    del payloads
    gc.collect()
    memory = psutil.Process().memory_info().rss - before
    catalogue = load_catalogue()
    latencies = []
    for j in range(decisions):
        payload = _payload(rng, open_requests + j)
        new = known_request(
            RequestCreated.model_validate(payload), stream_id=f"request-N{j}", occurred_at=now
        )
        t0 = time.perf_counter()
        decide(new, confidential=False, catalogue=catalogue, index=index)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    return {
        "open": float(len(index)),
        "fold_s": fold_seconds,
        "memory_mb": memory / 1e6,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


def quality_table(q: Quality) -> str:
    return "\n".join(
        [
            "| generated set | value |",
            "|---|---|",
            f"| reports / of them duplicates | {q.reports} / {q.duplicates} |",
            f"| auto-links (right) | {q.linked} ({q.linked_right}) |",
            f"| auto-link precision (target >= 0.97) | {q.link_precision:.3f} |",
            f"| auto-link recall | {q.link_recall:.3f} |",
            f"| recall of links + review flags (target >= 0.90) | {q.caught_recall:.3f} |",
            f"| review flags (right pair) | {q.flagged} ({q.flagged_right}) |",
        ]
    )


def labels_table(agreements: list[Agreement]) -> str:
    lines = [
        "| the city's labels | cases (unmapped type) | labelled duplicates | we link / flag of them |"
        " caught | our links / not labelled | our flags / not labelled |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in agreements:
        caught = (a.labelled_linked + a.labelled_flagged) / a.labelled if a.labelled else 0.0
        lines.append(
            f"| {a.city} | {a.cases:,} ({a.unmapped:,}) | {a.labelled:,} | {a.labelled_linked:,} /"
            f" {a.labelled_flagged:,} | {caught:.3f} | {a.linked:,} / {a.linked_unlabelled:,} |"
            f" {a.flagged:,} / {a.flagged_unlabelled:,} |"
        )
    for a in agreements:
        lines.append(f"\n{a.city}: labelled but not caught, by type: {dict(a.missed_by_type.most_common(5))}")
        lines.append(f"{a.city}: why not caught: {dict(a.why_missed.most_common(4))}")
        lines.extend(f"  {sample}" for sample in a.samples)
    return "\n".join(lines)


def main() -> None:
    catalogue = load_catalogue()
    quality = evaluate(generate(), catalogue)
    print(quality_table(quality))
    print()
    print(labels_table(cities(catalogue)))
    figures = speed(int(os.environ.get("BENCH_DEDUP_OPEN", "1000000")))
    print("\n| index | value |\n|---|---|")
    print(f"| open requests in the index | {figures['open']:,.0f} |")
    print(
        f"| decision p50 / p99 (target p99 < 50 ms) | {figures['p50_ms']:.2f} / {figures['p99_ms']:.2f} ms |"
    )
    print(f"| index memory | {figures['memory_mb']:,.0f} MB |")
    print(f"| folding them into the index | {figures['fold_s']:.1f} s |")


if __name__ == "__main__":
    main()
