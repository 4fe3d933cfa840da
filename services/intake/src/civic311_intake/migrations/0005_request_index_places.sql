-- Where each indexed request is, for "already reported?": the open requests of a type near a place.
-- `listed` says a request may be offered there: open, of a type and a report that are not confidential,
-- placed, and not itself a duplicate. Rows written before this migration are listed from their next
-- event on (the indexer writes every row again then).
ALTER TABLE request_index
    ADD COLUMN lat double precision,
    ADD COLUMN long double precision,
    ADD COLUMN listed boolean NOT NULL DEFAULT false;
UPDATE request_index
SET lat = (view ->> 'lat')::double precision, long = (view ->> 'long')::double precision;
CREATE INDEX request_index_nearby ON request_index (service_code, lat) WHERE listed;
