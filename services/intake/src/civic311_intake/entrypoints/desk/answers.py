"""The knowledge base over HTTP: agents search it on a call (/api/staff/answers), admins edit it without a
deploy (PUT, every change kept with who made it), residents read and search it (/api/answers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from civic311_intake.adapters.answers import AnswerBook, StaleArticle
from civic311_intake.domain.answers import AnswerLanguage, Article, ArticleText, Found, Slug
from civic311_intake.entrypoints.desk.auth import ApiSession
from civic311_intake.entrypoints.desk.bodies import ANSWERS, Body

staff_router = APIRouter(prefix="/api/staff/answers", tags=["knowledge base"])
public_router = APIRouter(prefix="/api/answers", tags=["knowledge base"])
Question = Annotated[str, Query(min_length=1, max_length=300, pattern=r"^[^\x00]*$")]
Limit = Annotated[int, Query(ge=1, le=20)]


async def _book(request: Request) -> AnswerBook:
    book: AnswerBook = request.app.state.answers
    return book


Book = Annotated[AnswerBook, Depends(_book)]


class ArticleChange(ArticleText, Body):
    expected_version: Annotated[int | None, Field(default=None, ge=0)] = None
    """The version the editor read (0: a new article); a change since then is a 409."""


@staff_router.get("", response_model=list[Found], responses={k: ANSWERS[k] for k in (401,)})
async def search_for_a_caller(
    session: ApiSession,
    book: Book,
    q: Question,
    lang: AnswerLanguage = "en",
    service_code: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 5,
) -> list[Found]:
    codes = [service_code] if service_code else None
    return await book.search(q, language=lang, service_codes=codes, limit=limit)


@staff_router.put(
    "/{slug}/{language}", response_model=Article, responses={k: ANSWERS[k] for k in (401, 403, 409)}
)
async def write_article(
    session: ApiSession, book: Book, slug: Slug, language: AnswerLanguage, change: ArticleChange
) -> Article:
    if session.member.role != "admin":
        raise HTTPException(status_code=403, detail="only an admin edits the answers")
    try:
        return await book.save(
            slug,
            language,
            ArticleText(title=change.title, body=change.body, service_codes=change.service_codes),
            editor=session.member.actor_id,
            expected_version=change.expected_version,
        )
    except StaleArticle:
        raise HTTPException(status_code=409, detail="the article changed since it was read") from None


@staff_router.get(
    "/{slug}/{language}/revisions",
    response_model=list[Article],
    responses={k: ANSWERS[k] for k in (401, 404)},
)
async def article_revisions(
    session: ApiSession, book: Book, slug: Slug, language: AnswerLanguage
) -> list[Article]:
    found = await book.revisions(slug, language)
    if not found:
        raise HTTPException(status_code=404, detail="no such article")
    return found


class PublicArticle(BaseModel):
    slug: str
    language: AnswerLanguage
    title: str
    body: str
    service_codes: list[str]
    updated_at: str


@public_router.get("", response_model=list[Found])
async def search_the_answers(
    book: Book, q: Question, lang: AnswerLanguage = "en", limit: Limit = 5
) -> list[Found]:
    return await book.search(q, language=lang, limit=limit)


@public_router.get(
    "/{slug}/{language}", response_model=PublicArticle, responses={404: {"description": "None"}}
)
async def read_article(book: Book, slug: Slug, language: AnswerLanguage) -> PublicArticle:
    article = await book.get(slug, language)
    if article is None:
        raise HTTPException(status_code=404, detail="no such article")
    return PublicArticle(**article.model_dump(mode="json", include=set(PublicArticle.model_fields)))
