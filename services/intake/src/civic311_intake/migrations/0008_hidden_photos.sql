-- Photos staff hid from the public view, by the name their keys share (the photo and its thumbnail).
-- Written in the same transaction as the PhotoChanged that hides the photo, so GET /photos/{key} stops
-- serving it the moment the event is on the record; the events remain the record of who hid it and why.

CREATE TABLE hidden_photos (
    photo           text        PRIMARY KEY CHECK (photo ~ '^[0-9a-f]{32}$'),
    tracking_number text        NOT NULL,
    hidden_at       timestamptz NOT NULL
);
