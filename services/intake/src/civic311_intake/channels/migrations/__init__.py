"""SQL migrations of the SMS and e-mail channels (ledger: intake_channels_migrations)."""
