"""The knowledge base's tables: articles saved with their revisions, read, and searched.

A search turns the corrected words into an OR of their stems in each language's configuration
(`plainto_tsquery` stems them; its `&` become `|`, so an answer need not hold every word), and ranks
by cover density, the title counting more than the body, the asker's language first.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import asyncpg

from civic311_intake.domain.answers import (
    AnswerLanguage,
    Article,
    ArticleText,
    Found,
    corrected,
    words_of,
)

VOCABULARY_SECONDS = 30.0
"""How long one process keeps the articles' words before reading them again (an edit elsewhere)."""

_SAVE = """
INSERT INTO answers (slug, language, title, body, service_codes, version, updated_at, updated_by)
VALUES ($1, $2, $3, $4, $5, 1, $6, $7)
ON CONFLICT (slug, language) DO UPDATE SET
    title = EXCLUDED.title, body = EXCLUDED.body, service_codes = EXCLUDED.service_codes,
    version = answers.version + 1, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
WHERE $8::integer IS NULL OR answers.version = $8
RETURNING slug, language, title, body, service_codes, version, updated_at, updated_by
"""
_REVISION = """
INSERT INTO answer_revisions (slug, language, version, title, body, service_codes, edited_at, edited_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""
_ONE = """
SELECT slug, language, title, body, service_codes, version, updated_at, updated_by
FROM answers WHERE slug = $1 AND language = $2
"""
_REVISIONS = """
SELECT slug, language, title, body, service_codes, version, edited_at AS updated_at, edited_by AS updated_by
FROM answer_revisions WHERE slug = $1 AND language = $2 ORDER BY version
"""
_SEARCH = """
WITH q AS (
    SELECT replace(plainto_tsquery('english', $1)::text, '&', '|') AS en,
           replace(plainto_tsquery('spanish', $1)::text, '&', '|') AS es
), asked AS (
    SELECT CASE WHEN q.en = '' THEN NULL ELSE q.en::tsquery END AS en,
           CASE WHEN q.es = '' THEN NULL ELSE q.es::tsquery END AS es
    FROM q
)
SELECT a.slug, a.language, a.title, a.service_codes,
       ts_headline(CASE a.language WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END,
                   a.body, CASE a.language WHEN 'es' THEN asked.es ELSE asked.en END,
                   'MaxWords=30, MinWords=12, StartSel="", StopSel=""') AS excerpt,
       ts_rank_cd(a.search, CASE a.language WHEN 'es' THEN asked.es ELSE asked.en END) AS rank
FROM answers a, asked
WHERE a.search @@ CASE a.language WHEN 'es' THEN asked.es ELSE asked.en END
  AND ($3::text[] IS NULL OR a.service_codes && $3)
ORDER BY (a.language = $2) DESC, rank DESC, a.slug
LIMIT $4
"""
_WORDS = "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', title || '' '' || body) FROM answers')"


class StaleArticle(Exception):
    """The article changed since the editor read it."""


class AnswerBook:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._vocabulary: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    async def save(
        self,
        slug: str,
        language: AnswerLanguage,
        text: ArticleText,
        *,
        editor: str,
        expected_version: int | None,
    ) -> Article:
        """Create or change an article, keeping the change as a revision with who made it.

        `expected_version`: the version the editor read (0: the article must be new), or None to
        write whatever is there; StaleArticle if it is not that version now."""
        now = datetime.now(UTC)
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                _SAVE,
                slug,
                language,
                text.title,
                text.body,
                text.service_codes,
                now,
                editor,
                expected_version,
            )
            if row is None:
                raise StaleArticle(slug)
            await conn.execute(
                _REVISION,
                slug,
                language,
                row["version"],
                text.title,
                text.body,
                text.service_codes,
                now,
                editor,
            )
        self._read_at = float("-inf")  # this process sees its own words at once
        return Article(**dict(row))

    async def get(self, slug: str, language: AnswerLanguage) -> Article | None:
        row = await self._pool.fetchrow(_ONE, slug, language)
        return Article(**dict(row)) if row is not None else None

    async def revisions(self, slug: str, language: AnswerLanguage) -> list[Article]:
        return [Article(**dict(r)) for r in await self._pool.fetch(_REVISIONS, slug, language)]

    async def search(
        self,
        question: str,
        *,
        language: AnswerLanguage,
        service_codes: list[str] | None = None,
        limit: int = 5,
    ) -> list[Found]:
        """The articles answering `question`, best first (the asker's language before the other)."""
        words = corrected(question, await self._words())
        if not words:
            return []
        rows = await self._pool.fetch(_SEARCH, " ".join(words), language, service_codes, limit)
        return [Found(**dict(r)) for r in rows]

    async def _words(self) -> frozenset[str]:
        if time.monotonic() - self._read_at > VOCABULARY_SECONDS:
            rows = await self._pool.fetch(_WORDS)
            self._vocabulary = frozenset(w for r in rows for w in words_of(r["word"]))
            self._read_at = time.monotonic()
        return self._vocabulary
