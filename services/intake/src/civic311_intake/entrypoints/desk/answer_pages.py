"""The desk's answers pages: an agent on a call searches the knowledge base, reads an answer out, and
logs "answered, no request" with one click, or goes on to file a request of the answer's type; admins
write and change the answers here (a change since the page was read is refused, 409, with both texts).

GET /staff/answers (search), GET /staff/answers/{slug}/{language} (an answer; an admin's form to write
one that does not exist yet), POST /staff/answers/{slug}/{language} (an admin's change), POST
/staff/information-calls (log a call: from an answer, or about a topic from the search page).
"""

from __future__ import annotations

from typing import Any, get_args
from uuid import uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from civic311_intake.adapters.answers import AnswerBook, StaleArticle
from civic311_intake.application.desk import Desk
from civic311_intake.application.information_calls import CallIdReused, log_information_call
from civic311_intake.domain.answers import AnswerLanguage, Article, ArticleText, Slug
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.entrypoints.desk.answers import Book
from civic311_intake.entrypoints.desk.auth import PageSession
from civic311_intake.entrypoints.desk.dependencies import DeskDep
from civic311_intake.entrypoints.desk.information_calls import InformationCall
from civic311_intake.entrypoints.desk.pages import render
from civic311_intake.entrypoints.web import CSRF_FIELD, WebDep, require_csrf

router = APIRouter(include_in_schema=False)
CSRF = [Depends(require_csrf)]
LANGUAGES: tuple[AnswerLanguage, ...] = get_args(AnswerLanguage)
_SLUG: TypeAdapter[str] = TypeAdapter(Slug)
MAX_QUESTION = 300


def _language(value: str | None) -> AnswerLanguage:
    return next((lang for lang in LANGUAGES if lang == value), "en")


@router.get("/staff/answers", response_class=HTMLResponse)
async def search_page(
    request: Request,
    web: WebDep,
    session: PageSession,
    book: Book,
    desk: DeskDep,
    q: str = "",
    lang: str = "en",
    service_code: str = "",
    logged: str = "",
) -> HTMLResponse:
    question, language = q.strip()[:MAX_QUESTION].replace("\x00", ""), _language(lang)
    codes = [service_code] if desk.catalogue.get(service_code) else None
    found = await book.search(question, language=language, service_codes=codes, limit=10) if question else []
    context = {
        "q": question,
        "lang": language,
        "service_code": service_code if codes else "",
        "found": found,
        "types": sorted(desk.catalogue.types, key=lambda rt: (rt.group, rt.name)),
        "type_names": {rt.code: rt.name for rt in desk.catalogue.types},
        "call_id": uuid4(),
        "logged": logged == "1",
    }
    return render(request, web, "desk/answers.html", session.member, context)


@router.get("/staff/answers/new")
async def new_answer(session: PageSession, slug: str = "", lang: str = "en") -> RedirectResponse:
    """The new answer's form is its own page: an admin writes it there (others are told it is not)."""
    named = _named(slug.strip(), lang)
    return RedirectResponse(f"/staff/answers/{named[0]}/{named[1]}" if named else "/staff/answers", 303)


@router.get("/staff/answers/{slug}/{language}", response_class=HTMLResponse)
async def answer_page(
    slug: str,
    language: str,
    request: Request,
    web: WebDep,
    session: PageSession,
    book: Book,
    desk: DeskDep,
    logged: str = "",
    saved: str = "",
) -> HTMLResponse:
    done = "Logged: answered, no request filed." if logged == "1" else "Saved." if saved == "1" else ""
    return await _answer_page(request, web, session.member, book, desk, slug, language, done=done)


async def _answer_page(
    request: Request,
    web: WebDep,
    member: StaffMember,
    book: AnswerBook,
    desk: Desk,
    slug: str,
    language: str,
    *,
    done: str = "",
    problem: str | None = None,
    draft: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    named = _named(slug, language)
    article = await book.get(*named) if named else None
    if article is None and not (member.role == "admin" and named):
        context: dict[str, Any] = {
            "heading": "No such answer",
            "text": f"There is no answer {slug!r} in {language!r}.",
            "links": [("/staff/answers", "Search the answers")],
        }
        return render(request, web, "desk/message.html", member, context, status_code=404)
    names = {rt.code: rt.name for rt in desk.catalogue.types}
    context = {
        "slug": slug,
        "language": language,
        "article": article,
        "revisions": await book.revisions(*named) if named and article and member.role == "admin" else [],
        "type_names": names,
        "call_id": uuid4(),
        "done": done,
        "problem": problem,
        "draft": draft or _draft(article),
    }
    return render(request, web, "desk/answer.html", member, context, status_code=status_code)


def _named(slug: str, language: str) -> tuple[str, AnswerLanguage] | None:
    """The answer's slug and language, if they are a slug and one of the languages."""
    try:
        _SLUG.validate_python(slug)
    except ValidationError:
        return None
    return next(((slug, lang) for lang in LANGUAGES if lang == language), None)


def _draft(article: Article | None) -> dict[str, Any]:
    if article is None:
        return {"title": "", "body": "", "service_codes": "", "expected_version": 0}
    codes = " ".join(article.service_codes)
    return {"title": article.title, "body": article.body, "service_codes": codes} | {
        "expected_version": article.version
    }


@router.post("/staff/answers/{slug}/{language}", dependencies=CSRF, response_class=HTMLResponse)
async def change_answer(
    slug: str, language: str, request: Request, web: WebDep, session: PageSession, book: Book, desk: DeskDep
) -> Response:
    member, form = session.member, await request.form()
    draft = {name: str(form.get(name, "")) for name in ("title", "body", "service_codes", "expected_version")}

    async def again(problem: str, status: int, **changed: Any) -> HTMLResponse:
        return await _answer_page(
            request,
            web,
            member,
            book,
            desk,
            slug,
            language,
            problem=problem,
            draft=draft | changed,
            status_code=status,
        )

    if member.role != "admin":
        return await again("only an admin changes the answers", 403)
    named = _named(slug, language)
    if named is None:
        return await again("not an answer's name (a-z, 0-9 and dashes) or language (en, es)", 404)
    codes = draft["service_codes"].replace(",", " ").split()
    unknown = [code for code in codes if desk.catalogue.get(code) is None]
    if unknown:
        return await again(f"service codes: no request type has code {', '.join(unknown)}", 422)
    try:
        text = ArticleText(title=draft["title"], body=draft["body"], service_codes=codes)
        expected = int(draft["expected_version"] or 0)
    except (ValidationError, ValueError) as error:
        return await again(_first_problem(error), 422)
    try:
        await book.save(*named, text, editor=member.actor_id, expected_version=expected)
    except StaleArticle:
        current = await book.get(*named)
        by = f" by {current.updated_by}, version {current.version}" if current else ""
        problem = (
            f"the answer changed since you read it{by}. Nothing was saved: the answer now is shown "
            "above, your text is in the form; save again to replace it."
        )
        return await again(problem, 409, expected_version=current.version if current else 0)
    return RedirectResponse(f"/staff/answers/{slug}/{language}?saved=1", status_code=303)


@router.post("/staff/information-calls", dependencies=CSRF, response_class=HTMLResponse)
async def log_call(
    request: Request, web: WebDep, session: PageSession, book: Book, desk: DeskDep
) -> Response:
    member, form = session.member, await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and v.strip() and k != CSRF_FIELD}
    slug, language = fields.get("answer_slug", ""), fields.get("answer_language", "")
    back = f"/staff/answers/{slug}/{language}" if slug else "/staff/answers"
    try:
        call = InformationCall.model_validate(fields)
        await log_information_call(desk, book, member, call.event(), call_id=call.call_id)
    except (ValidationError, BadCommand, CallIdReused, NotAllowed) as error:
        status = 403 if isinstance(error, NotAllowed) else 422
        problem = _first_problem(error)
        if slug:
            return await _answer_page(
                request, web, member, book, desk, slug, language, problem=problem, status_code=status
            )
        context: dict[str, Any] = {
            "heading": "Not logged",
            "text": problem,
            "links": [("/staff/answers", "Back to the answers")],
        }
        return render(request, web, "desk/message.html", member, context, status_code=status)
    return RedirectResponse(f"{back}?logged=1", status_code=303)


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return str(error)
