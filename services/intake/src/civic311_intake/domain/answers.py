"""The knowledge base's rules: what an article is, and how a question with typos is made searchable.

Full-text search finds words by their stems, not their misspellings; so each word of a question that
no article contains is replaced by the nearest word that one does (rapidfuzz, at least 75 % alike)
before the question reaches PostgreSQL. A word too far from every article's words is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from rapidfuzz import fuzz, process

AnswerLanguage = Literal["en", "es"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
MIN_LIKENESS = 75
_WORD = re.compile(r"\w+", re.UNICODE)


class ArticleText(BaseModel):
    """What an admin writes: the title, the answer, and the request types it helps with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=20_000)]
    service_codes: Annotated[
        list[Annotated[str, StringConstraints(max_length=100)]], Field(max_length=50)
    ] = []


class Article(ArticleText):
    slug: str
    language: AnswerLanguage
    version: int
    updated_at: datetime
    updated_by: str


class Found(BaseModel):
    """One answer to a search, best first: enough to choose it."""

    model_config = ConfigDict(frozen=True)

    slug: str
    language: AnswerLanguage
    title: str
    excerpt: str
    service_codes: list[str]
    rank: float


def words_of(text: str) -> list[str]:
    """The words of `text`, lower case, accents kept (Spanish stems need them)."""
    return [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text)) if not w.isdigit()]


def corrected(question: str, vocabulary: Collection[str]) -> list[str]:
    """The question's words, each one no article has replaced by the likeliest one an article has."""
    out = []
    for word in words_of(question)[:20]:
        if word in vocabulary or len(word) < 3:
            out.append(word)
            continue
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=MIN_LIKENESS)
        if best is not None:
            out.append(best[0])
    return out
