"""The gateway's shared web layer: layout, stylesheet, CSRF, templates and English/Spanish.

The resident pages (`civic311_intake.entrypoints.pages`) and the staff desk build on it. How a page package
uses it:

1. At start-up, `web.install(app, city_name=..., time_zone=..., catalogue=...)` (wiring.py does it once;
   calling it again returns the same `Web`), then
   `app.state.web.add_templates("desk", Path(__file__).parent / "templates")`.
   Templates are then named by prefix: `desk/queue.html`; the shared ones are `web/...`.
2. A template extends `web/base.html` and fills `{% block title %}` and `{% block main %}`
   (optional: `navigation` under the header, `tagline`, `home_url`, `footer`, `body_class`). Form pieces:
   `{% import "web/forms.html" as forms with context %}` gives `forms.error_summary(errors)`,
   `forms.input(...)`, `forms.textarea(...)`, `forms.choices(...)`; `errors` maps a field id to its message,
   and the summary links to the field. `web/message.html` is a one-message page (heading, text, links).
3. A route takes `web: WebDep` and returns `web.render(request, "desk/queue.html", {...}, status_code=...)`.
   Every template sees `t` (the translator: `t("forms.optional")`, `t.datetime(moment)` in the city's
   time zone, `t.service_name(request_type)` in the catalogue's words for that language), `lang`,
   `city_name`, `static(path)`, `language_url(code)` and `csrf_field()`.
4. Every form that POSTs puts `{{ csrf_field() }}` inside it, and its route declares
   `dependencies=[Depends(require_csrf)]`: a missing or mismatched token is the 403 page, before the route
   runs (double-submit cookie, SameSite=Strict; see csrf.py).
5. Messages live in `translations/en.toml` and `es.toml`, one table per page (`[desk]`, say); Spanish falls
   back to English per message. The language is the resident's choice (`?lang=es`, the switch in the header,
   remembered in a cookie), else the browser's Accept-Language, else English.

One stylesheet, `static/civic311.css` (served at /static/civic311.css), and one small script,
`static/civic311.js`; no CDN, no build step. Pages work without the script.
"""

from civic311_intake.entrypoints.web.csrf import CSRF_FIELD, CsrfRejected, csrf_token, require_csrf
from civic311_intake.entrypoints.web.i18n import LANGUAGES, Translator, chosen_language
from civic311_intake.entrypoints.web.rendering import Web, WebDep, install

__all__ = [
    "CSRF_FIELD",
    "LANGUAGES",
    "CsrfRejected",
    "Translator",
    "Web",
    "WebDep",
    "chosen_language",
    "csrf_token",
    "install",
    "require_csrf",
]
