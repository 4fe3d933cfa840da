"""Cities' historical 311 exports read from disk: CSV files, column mappings, rows into case events."""
