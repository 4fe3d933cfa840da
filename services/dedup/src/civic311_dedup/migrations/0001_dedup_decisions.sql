-- Dedup's record of what it decided for each new report, and why: linked, flagged, unique or skipped
-- (bad input, a type with matching off, a confidential type). Written in the same transaction as the
-- events it appends and the consumer's processed-event record, so every report has exactly one
-- outcome, and a redelivery finds it and changes nothing. For operators and the quality figures; never
-- shown publicly.
CREATE TABLE dedup_decisions (
    stream_id       text        PRIMARY KEY,
    tracking_number text        NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('linked', 'flagged', 'unique', 'skipped')),
    original        text,
    score           real,
    distance_m      real,
    compared        integer     NOT NULL DEFAULT 0,
    why             text        NOT NULL DEFAULT '',
    cause           uuid        NOT NULL,
    decided_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dedup_decisions_original ON dedup_decisions (original) WHERE original IS NOT NULL;
