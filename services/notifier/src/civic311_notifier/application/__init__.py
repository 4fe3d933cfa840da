"""Use cases: for each event, decide its recipients and send each notification once."""
