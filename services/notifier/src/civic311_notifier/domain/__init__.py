"""Pure rules: who hears of a change, in which language, and what the message says."""
