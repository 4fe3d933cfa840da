-- What routing keeps of each request to warn supervisors before and at an SLA breach: the due time of
-- its current assignment, whether it is open, and the last warning given for that due time. Written by
-- routing's consumer (only forward by version, only if unchanged since read), and by the breach watcher
-- in the same transaction as the warning it appends, so neither a redelivery nor a restart warns twice.
CREATE TABLE routing_sla_watch (
    stream_id      text        PRIMARY KEY,
    version        integer     NOT NULL,
    open           boolean     NOT NULL,
    due_at         timestamptz,
    department     text,
    queue          text,
    warned         text        CHECK (warned IN ('approaching', 'breached')),
    assigned_by    uuid,
    correlation_id uuid
);

-- The watcher's question, "which open requests have a warning due by now?", reads only this.
CREATE INDEX routing_sla_watch_pending ON routing_sla_watch (due_at)
    WHERE open AND due_at IS NOT NULL AND warned IS DISTINCT FROM 'breached';
