-- The knowledge base: answers agents read out on a call and residents read on the site, one row per
-- article and language, searched with PostgreSQL's full text in that language's configuration.
-- Every change is kept in answer_revisions with who made it; `version` counts them.
CREATE TABLE answers (
    slug          text        NOT NULL,
    language      text        NOT NULL CHECK (language IN ('en', 'es')),
    title         text        NOT NULL,
    body          text        NOT NULL,
    service_codes text[]      NOT NULL DEFAULT '{}',
    version       integer     NOT NULL,
    updated_at    timestamptz NOT NULL,
    updated_by    text        NOT NULL,
    search        tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(CASE language WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END,
                              title), 'A')
        || setweight(to_tsvector(CASE language WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END,
                                 body), 'B')
    ) STORED,
    PRIMARY KEY (slug, language)
);
CREATE INDEX answers_search ON answers USING gin (search);
CREATE INDEX answers_service_codes ON answers USING gin (service_codes);

CREATE TABLE answer_revisions (
    slug          text        NOT NULL,
    language      text        NOT NULL,
    version       integer     NOT NULL,
    title         text        NOT NULL,
    body          text        NOT NULL,
    service_codes text[]      NOT NULL,
    edited_at     timestamptz NOT NULL,
    edited_by     text        NOT NULL,
    PRIMARY KEY (slug, language, version)
);
