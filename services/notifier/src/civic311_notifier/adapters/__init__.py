"""The edges out: SMTP, signed webhooks, template rendering, the record of notifications sent."""
