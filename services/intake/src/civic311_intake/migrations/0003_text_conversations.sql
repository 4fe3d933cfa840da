-- SMS and e-mail in: conversations in progress, and the messages already answered.
--
-- text_conversations holds what a resident has told us until the request is filed (then the row goes)
-- or the conversation expires; it is personal data (a phone number or an address) and is kept no longer.
-- inbound_messages makes a provider's retry harmless: one row per provider message id, written in the
-- same transaction as the RequestCreated it caused, holding the answer to give again.

CREATE TABLE IF NOT EXISTS text_conversations (
    channel    text        NOT NULL CHECK (channel IN ('sms', 'email')),
    sender     text        NOT NULL,
    state      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (channel, sender)
);
CREATE INDEX IF NOT EXISTS text_conversations_expiry ON text_conversations (expires_at);

CREATE TABLE IF NOT EXISTS inbound_messages (
    channel         text        NOT NULL CHECK (channel IN ('sms', 'email')),
    message_id      text        NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    tracking_number text,
    reply_subject   text,
    reply_text      text,
    replied_at      timestamptz,
    PRIMARY KEY (channel, message_id)
);
CREATE INDEX IF NOT EXISTS inbound_messages_received ON inbound_messages (received_at);
