"""The pages' templates environment, and `render`: one call from a route to a finished HTML response."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import BaseLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from civic311_backbone.contracts.events import Language
from civic311_city.catalogue import Catalogue
from civic311_intake.entrypoints.web.csrf import CSRF_COOKIE, CSRF_FIELD, CsrfRejected, csrf_token
from civic311_intake.entrypoints.web.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_PARAMETER,
    LANGUAGES,
    Translator,
    chosen_language,
)

WEB = Path(__file__).parent
STATIC_URL = "/static"
_YEAR = 365 * 24 * 3600
SECURITY_HEADERS = {
    # Only our own stylesheet and script (no inline code), no framing, forms post only to us.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # A tracking number in a page's URL is not sent to other sites.
    "Referrer-Policy": "same-origin",
}


class Web:
    """The templates of every page package under one environment, each under its own prefix.

    The shared layout is `web/base.html`; a package adds its folder with `add_templates("desk", path)` and
    its templates are then `desk/queue.html`, and so on.
    """

    def __init__(self, *, city_name: str, time_zone: str, catalogue: Catalogue) -> None:
        self.city_name = city_name
        self.catalogue = catalogue
        self.time_zone = ZoneInfo(time_zone)
        self._loaders: dict[str, BaseLoader] = {"web": FileSystemLoader(WEB / "templates")}
        self.environment = Environment(
            loader=PrefixLoader(self._loaders),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def add_templates(self, prefix: str, directory: Path) -> None:
        self._loaders[prefix] = FileSystemLoader(directory)

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        """The page in the resident's language, with the CSRF cookie set when the page made a new token.

        Every template sees `t` (the translator), `lang`, `city_name`, `csrf_field()`, `static(path)`,
        `language_url(code)` and `request`, besides `context`.
        """
        language, just_chosen = chosen_language(request)
        t = self.translator_in(language)
        html = self.environment.get_template(template).render(
            {
                "request": request,
                "t": t,
                "lang": language,
                "languages": LANGUAGES,
                "city_name": self.city_name,
                "csrf_field": lambda: _hidden_token(request),
                "static": lambda path: f"{STATIC_URL}/{path}",
                "language_url": lambda code: _with_language(request, code),
                **(context or {}),
            }
        )
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Content-Language"] = language
        response.headers["Vary"] = "Accept-Language, Cookie"
        response.headers["Cache-Control"] = "no-store"  # pages carry a CSRF token and a personal choice
        response.headers.update(SECURITY_HEADERS)
        secure = request.url.scheme == "https"
        if just_chosen:
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=_YEAR, samesite="lax", secure=secure)
        if getattr(request.state, "csrf_token_is_new", False):
            response.set_cookie(
                CSRF_COOKIE, request.state.csrf_token, httponly=True, samesite="strict", secure=secure
            )
        return response

    def translator(self, request: Request) -> Translator:
        return self.translator_in(chosen_language(request)[0])

    def translator_in(self, language: Language) -> Translator:
        """The pages' messages and the catalogue's words, both in `language`."""
        return Translator(language, self.time_zone, self.catalogue.wording(language))


def _hidden_token(request: Request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token(request))


def _with_language(request: Request, code: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != LANGUAGE_PARAMETER]
    return f"{request.url.path}?{urlencode([*query, (LANGUAGE_PARAMETER, code)])}"


def install(app: FastAPI, *, city_name: str, time_zone: str, catalogue: Catalogue) -> Web:
    """Serve the stylesheet and script under /static, answer a failed CSRF check with the 403 page.

    Safe to call again (the staff desk and the resident pages both may): the app keeps the first.
    """
    existing = getattr(app.state, "web", None)
    if isinstance(existing, Web):
        return existing
    web = Web(city_name=city_name, time_zone=time_zone, catalogue=catalogue)
    app.state.web = web
    app.mount(STATIC_URL, StaticFiles(directory=WEB / "static"), name="static")

    async def csrf_rejected(request: Request, _: Exception) -> HTMLResponse:
        return web.render(request, "web/forbidden.html", status_code=403)

    app.add_exception_handler(CsrfRejected, csrf_rejected)
    return web


async def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


WebDep = Annotated[Web, Depends(_web)]
