-- The event store: one append-only table, the system of record.

CREATE TABLE events (
    -- Set by assign_global_position() below; see there for why it is not a sequence.
    global_position bigint      PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version >= 1),
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL CHECK (schema_version >= 1),
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    correlation_id  uuid        NOT NULL,
    causation_id    uuid,
    actor           jsonb       NOT NULL,
    payload         jsonb       NOT NULL,
    CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_occurred_at ON events (occurred_at);

-- The gap problem. A reader that follows the store by position must never skip an event that a slower
-- transaction commits later with a lower position. With a plain sequence, transaction A can take
-- position 10, transaction B position 11, B commits, a reader reads 11 and moves its cursor past 10,
-- then A commits 10: the reader never sees it. Serialising appends (a table lock) closes the gap but
-- makes every commit wait for the previous one's fsync, a fraction of plain inserts' throughput.
--
-- Instead the position is derived from the appending transaction's own id: the top-level xid8 shifted
-- left by 20 bits, plus the event's index within its transaction. Positions therefore order events by
-- transaction id, then by append order inside the transaction, and are unique and increasing but not
-- dense. A reader asks only for positions below the current snapshot's xmin (also shifted): every
-- transaction with a smaller id has then finished, and any transaction still to commit has an id of
-- at least xmin, so its events will sort after everything the reader has already seen. Writers never
-- wait for each other; a reader lags at most by the age of the oldest running write transaction.
-- (One transaction may append at most 2^20 events; xid8 never wraps, so 2^43 transactions fit.)
CREATE FUNCTION assign_global_position() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    index_in_tx bigint := coalesce(nullif(current_setting('civic311.index_in_tx', true), ''), '0')::bigint;
BEGIN
    IF index_in_tx >= 1048576 THEN
        RAISE EXCEPTION 'one transaction may append at most 1048576 events';
    END IF;
    PERFORM set_config('civic311.index_in_tx', (index_in_tx + 1)::text, true);
    NEW.global_position := (pg_current_xact_id()::text::bigint << 20) + index_in_tx;
    RETURN NEW;
END
$$;

CREATE TRIGGER events_assign_global_position
    BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION assign_global_position();

-- Append-only, enforced by the database itself, whoever connects.
CREATE FUNCTION refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the events table is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_refuse_update_delete
    BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_refuse_truncate
    BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- The position below which every event is committed and visible to this statement.
CREATE FUNCTION safe_position_horizon() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)
$$;

-- Append to one stream in one round trip. expected_version: the stream's current version as the caller
-- last saw it (0 for a new stream), or NULL for "wherever it is now". Idempotent by event_id: if every
-- event is already stored in this stream, their stored rows are returned and nothing is written.
CREATE FUNCTION append_events(
    p_stream_id text,
    p_expected_version integer,
    p_event_ids uuid[],
    p_event_types text[],
    p_schema_versions integer[],
    p_occurred_ats timestamptz[],
    p_correlation_ids uuid[],
    p_causation_ids uuid[],
    p_actors jsonb[],
    p_payloads jsonb[]
) RETURNS TABLE (global_position bigint, stream_version integer, recorded_at timestamptz)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    existing integer;
    stored_here integer;
    current_version integer;
BEGIN
    SELECT coalesce(max(e.stream_version), 0) INTO current_version
      FROM events e WHERE e.stream_id = p_stream_id;
    -- Only when the stream is not where the caller expected (or no version was named) can this be a
    -- retry of an append that already succeeded: look for the event ids then, not on every append.
    IF p_expected_version IS NULL OR p_expected_version <> current_version THEN
        SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
          INTO existing, stored_here
          FROM events e WHERE e.event_id = ANY (p_event_ids);
        IF existing > 0 THEN
            IF stored_here = cardinality(p_event_ids) THEN
                RETURN QUERY SELECT e.global_position, e.stream_version, e.recorded_at
                    FROM events e WHERE e.event_id = ANY (p_event_ids) ORDER BY e.stream_version;
                RETURN;
            END IF;
            RAISE EXCEPTION 'some of these event ids are already stored, but not as this append'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'events_event_id_key';
        END IF;
        IF p_expected_version IS NOT NULL THEN
            RAISE EXCEPTION 'stream % is at version %, not the expected %',
                p_stream_id, current_version, p_expected_version
                USING ERRCODE = 'CV409', DETAIL = current_version::text;
        END IF;
    END IF;

    RETURN QUERY
    INSERT INTO events AS e (event_id, stream_id, stream_version, event_type, schema_version,
                             occurred_at, correlation_id, causation_id, actor, payload)
    SELECT u.event_id, p_stream_id, current_version + u.n::integer, u.event_type, u.schema_version,
           u.occurred_at, u.correlation_id, u.causation_id, u.actor, u.payload
      FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_occurred_ats, p_correlation_ids,
                  p_causation_ids, p_actors, p_payloads)
           WITH ORDINALITY AS u(event_id, event_type, schema_version, occurred_at, correlation_id,
                                causation_id, actor, payload, n)
     ORDER BY u.n
    RETURNING e.global_position, e.stream_version, e.recorded_at;
END
$$;

-- Where each follower of the store (the relay, a projection) has got to.
CREATE TABLE checkpoints (
    name       text        PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events each consumer has applied: written in the same transaction as the consumer's effect.
CREATE TABLE processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
