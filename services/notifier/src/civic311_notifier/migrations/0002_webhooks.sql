-- Webhook subscriptions of other systems, and their deliveries in the same outbox as the e-mails
-- (channel 'webhook', recipient = the subscription's id, facts = the body to POST).
ALTER TABLE notifier_outbox DROP CONSTRAINT notifier_outbox_channel_check;
ALTER TABLE notifier_outbox ADD CONSTRAINT notifier_outbox_channel_check
    CHECK (channel IN ('email', 'sms', 'webhook'));

CREATE TABLE notifier_webhooks (
    id             uuid        PRIMARY KEY,
    url            text        NOT NULL,
    secret         text        NOT NULL,
    event_types    text[]      NOT NULL,
    departments    text[]      NOT NULL DEFAULT '{}',
    service_codes  text[]      NOT NULL DEFAULT '{}',
    personal_data  boolean     NOT NULL DEFAULT false,
    confidential   boolean     NOT NULL DEFAULT false,
    state          text        NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
    disabled_reason text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    disabled_at    timestamptz
);

CREATE INDEX notifier_webhooks_active ON notifier_webhooks (created_at) WHERE state = 'active';
