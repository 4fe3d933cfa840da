-- The staff desk's review queue: one row per request dedup ever flagged as a possible duplicate,
-- pending while the request is open and no one has decided. Like the request index it is a projection
-- (each row is a fold of the request's stream, moved only forward), so it can be thrown away and rebuilt.

CREATE TABLE duplicate_reviews (
    tracking_number text             PRIMARY KEY,
    stream_version  integer          NOT NULL,
    original        text             NOT NULL,
    pending         boolean          NOT NULL,
    department      text,
    service_code    text             NOT NULL,
    score           double precision NOT NULL,
    flagged_at      timestamptz      NOT NULL
);
CREATE INDEX duplicate_reviews_pending ON duplicate_reviews (department, flagged_at) WHERE pending;
