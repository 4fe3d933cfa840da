-- A text accepted by the SMS provider keeps the provider's id of it (Twilio's message sid), so an
-- operator can follow it up in the provider's console.
ALTER TABLE notifier_outbox ADD COLUMN provider_ref text;
