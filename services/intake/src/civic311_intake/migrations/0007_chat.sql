-- The resident site's chat: the same conversations as SMS and e-mail, on a third channel, and what was
-- said in each chat so that the page can show the conversation so far.
--
-- A chat is keyed by the SHA-256 of its session cookie (a random token the browser holds), never by the
-- cookie itself. chat_lines holds what the resident wrote and what we answered; like a conversation it
-- is personal data, and is kept only until its conversation's time has passed since the last line.

ALTER TABLE text_conversations DROP CONSTRAINT IF EXISTS text_conversations_channel_check;
ALTER TABLE text_conversations
    ADD CONSTRAINT text_conversations_channel_check CHECK (channel IN ('sms', 'email', 'chat'));
ALTER TABLE inbound_messages DROP CONSTRAINT IF EXISTS inbound_messages_channel_check;
ALTER TABLE inbound_messages
    ADD CONSTRAINT inbound_messages_channel_check CHECK (channel IN ('sms', 'email', 'chat'));

CREATE TABLE IF NOT EXISTS chat_lines (
    session         text        NOT NULL,
    position        integer     NOT NULL,
    speaker         text        NOT NULL CHECK (speaker IN ('resident', 'city')),
    said            text        NOT NULL,
    tracking_number text,
    said_at         timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (session, position)
);
CREATE INDEX IF NOT EXISTS chat_lines_expiry ON chat_lines (expires_at);
