"""The answers on the resident site: search them (GET /answers?q=) and read one (GET /answers/{slug}), in
the page's language, English or Spanish; no script needed. An answer written only in the other language
is shown in it, saying so. An answer linked to request types links to their report forms."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from civic311_intake.domain.answers import AnswerLanguage
from civic311_intake.entrypoints.api.dependencies import CatalogueDep
from civic311_intake.entrypoints.desk.answers import Book
from civic311_intake.entrypoints.web import WebDep

router = APIRouter(include_in_schema=False)
MAX_QUESTION = 300


def _other(language: AnswerLanguage) -> AnswerLanguage:
    return "es" if language == "en" else "en"


@router.get("/answers", response_class=HTMLResponse)
async def search(request: Request, web: WebDep, book: Book, q: str = "") -> HTMLResponse:
    language = web.translator(request).language
    question = " ".join(q.replace("\x00", " ").split())[:MAX_QUESTION]
    found = await book.search(question, language=language, limit=10) if question else []
    return web.render(request, "pages/answers.html", {"q": question, "found": found})


@router.get("/answers/{slug}", response_class=HTMLResponse)
async def read(slug: str, request: Request, web: WebDep, book: Book, catalogue: CatalogueDep) -> HTMLResponse:
    language = web.translator(request).language
    article = await book.get(slug, language) if len(slug) <= 80 else None
    shown_in = language
    if article is None and len(slug) <= 80:
        article, shown_in = await book.get(slug, _other(language)), _other(language)
    if article is None:
        return web.render(request, "pages/answer.html", {"article": None}, status_code=404)
    types = [t for t in (catalogue.get(code) for code in article.service_codes) if t and not t.confidential]
    context = {"article": article, "shown_in": shown_in, "types": types}
    return web.render(request, "pages/answer.html", context)
