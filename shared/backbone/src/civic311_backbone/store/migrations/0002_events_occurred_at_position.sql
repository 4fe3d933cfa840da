-- Occurrence time with the position beside it. A replay up to an instant asks for the last position
-- of an event that occurred by then: from this index alone (an index-only scan of the events before
-- the instant), instead of walking the primary key back from the newest event through every later
-- one. Reads by occurrence time (read_between) order by both columns too.
CREATE INDEX events_occurred_at_position ON events (occurred_at, global_position);
DROP INDEX events_occurred_at;
