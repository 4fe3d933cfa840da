"""Intake's edges out: its own tables (access, conversation_store, request_index, schema), the outgoing
SMTP server (mail_out) and the SMS provider's signature and reply format (sms_provider)."""
