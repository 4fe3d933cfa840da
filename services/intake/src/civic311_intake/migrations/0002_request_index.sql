-- The gateway's index of requests, for Open311 searches and the staff queues. It is a projection:
-- each row is the fold of the request's stream (`view` is its public view as JSON), rebuilt from the
-- stream whenever one of its events arrives, so it can always be thrown away and rebuilt.
-- It holds no personal data: the public view never carries the reporter's contact.

CREATE TABLE request_index (
    tracking_number text        PRIMARY KEY,
    stream_version  integer     NOT NULL,
    service_code    text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('open', 'closed')),
    stage           text        NOT NULL,
    department      text,
    queue           text,
    priority        text,
    district        text,
    due_at          timestamptz,
    requested_at    timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    view            jsonb       NOT NULL
);
CREATE INDEX request_index_requested ON request_index (requested_at DESC);
CREATE INDEX request_index_updated ON request_index (updated_at);
CREATE INDEX request_index_queue ON request_index (department, due_at) WHERE status = 'open';
