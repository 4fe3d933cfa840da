-- The notifications to make, one row per (event, recipient, channel): written by the notifier's consumer
-- in the transaction that records the event as processed, so a redelivery adds nothing and a crash
-- loses nothing. Senders claim due rows (pushing not_before ahead by a lease, so a sender that dies
-- leaves them to another after it), deliver, and mark them sent, or retry later, or park them.
CREATE TABLE notifier_outbox (
    id           bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL,
    stream_id    text        NOT NULL,
    recipient    text        NOT NULL,
    channel      text        NOT NULL CHECK (channel IN ('email', 'sms')),
    kind         text        NOT NULL,
    language     text        NOT NULL,
    facts        jsonb       NOT NULL,
    message_key  uuid        NOT NULL,
    state        text        NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'sent', 'parked', 'suppressed')),
    attempts     integer     NOT NULL DEFAULT 0,
    not_before   timestamptz NOT NULL DEFAULT now(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    event_at     timestamptz,
    sent_at      timestamptz,
    last_error   text,
    UNIQUE (event_id, recipient, channel)
);

CREATE INDEX notifier_outbox_due ON notifier_outbox (not_before) WHERE state = 'pending';
CREATE INDEX notifier_outbox_in_order ON notifier_outbox (stream_id, recipient, id) WHERE state = 'pending';
CREATE INDEX notifier_outbox_parked ON notifier_outbox (created_at) WHERE state = 'parked';

-- Who asked to hear no more: of one request (stream_id), or of every request (stream_id '').
-- Written at once by the unsubscribe endpoint (beside the Unsubscribed event it appends) and by the
-- consumer from Unsubscribed events; senders look here before each message.
CREATE TABLE notifier_suppressions (
    recipient  text        NOT NULL,
    channel    text        NOT NULL,
    stream_id  text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (recipient, channel, stream_id)
);
