"""E-mails from outbox rows: the templates per event and language, the links, the headers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.utils import format_datetime, getaddresses
from typing import Any
from urllib.parse import quote

import jinja2

from civic311_city import Catalogue
from civic311_notifier.adapters.mime import Outgoing, message_bytes
from civic311_notifier.adapters.outbox import Pending
from civic311_notifier.domain.dates import local_date
from civic311_notifier.domain.links import LinkClaims, sign

_PARTS = ("subject", "text", "html", "footer", "unsubscribe_label")
"""What one rendering of a message's template gives, in this order."""


class RenderError(ValueError):
    """A template could not make this message: parked with the reason, never retried as is."""


@dataclass(frozen=True)
class MailLinks:
    gateway_url: str
    notifier_url: str
    secret: bytes

    def track(self, tracking_number: str, language: str = "en") -> str:
        return f"{self.gateway_url.rstrip('/')}/track/{quote(tracking_number)}{_in(language)}"

    def unsubscribe(self, item: Pending) -> str:
        token = sign(
            LinkClaims("unsubscribe", item.stream_id, item.recipient, item.channel, str(item.event_id)),
            self.secret,
        )
        lang = "" if item.language == "en" else f"&lang={quote(item.language)}"
        return f"{self.notifier_url.rstrip('/')}/unsubscribe?t={token}{lang}"

    def not_fixed(self, item: Pending) -> str:
        token = sign(
            LinkClaims("not-fixed", item.stream_id, item.recipient, item.channel, str(item.event_id)),
            self.secret,
        )
        lang = "" if item.language == "en" else f"&lang={quote(item.language)}"
        return f"{self.gateway_url.rstrip('/')}/not-fixed?t={token}{lang}"


def _in(language: str) -> str:
    """The gateway's pages in the resident's language (English is their default)."""
    return "" if language == "en" else f"?lang={quote(language)}"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("civic311_notifier.adapters", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html"]),
        keep_trailing_newline=True,
        # The templates ship in the package: no stat of each file at every render.
        auto_reload=False,
    )


class MailComposer:
    """Builds each notification's e-mail (plain text and HTML) in the recipient's language."""

    def __init__(
        self, *, mail_from: str, city_name: str, time_zone: str, catalogue: Catalogue, links: MailLinks
    ) -> None:
        self._env = _environment()
        self._templates: dict[str, jinja2.Template] = {}
        # Between the parts of a rendering: no text a message carries can hold it by chance or design.
        self._sep = f"\x00{secrets.token_hex(8)}\x00"
        [(display, address)] = getaddresses([mail_from]) or [("", mail_from)]
        if "@" not in address:
            raise ValueError(f"MAIL_FROM: {mail_from!r} has no e-mail address")
        self._from = Address(display_name=display, addr_spec=address)
        self._domain = address.rsplit("@", 1)[1]
        self._city_name = city_name
        self._zone = time_zone
        self._catalogue = catalogue
        self._links = links

    def message_id(self, key: str) -> str:
        return f"<{key}@{self._domain}>"

    def _when(self, iso: str | None, language: str) -> str | None:
        if not iso:
            return None
        return local_date(datetime.fromisoformat(iso), time_zone=self._zone, language=language)

    def _service_name(self, code: str | None, language: str) -> str:
        request_type = self._catalogue.get(code) if code else None
        if request_type is None:
            return code or "311"
        return self._catalogue.wording(language).service_name(request_type)

    def _context(self, item: Pending) -> dict[str, Any]:
        facts, language = item.facts, item.language
        tracking = facts.get("tracking_number") or ""
        context: dict[str, Any] = {
            **facts,
            "language": language,
            "city_name": self._city_name,
            "name": facts.get("name"),
            "service_name": self._service_name(facts.get("service_code"), language),
            "due": self._when(facts.get("due_at"), language),
            "track_url": self._links.track(tracking, language),
            "unsubscribe_url": self._links.unsubscribe(item),
            "not_fixed_url": self._links.not_fixed(item) if facts.get("may_reopen") else None,
            "original_url": self._links.track(facts.get("duplicate_of") or tracking, language),
        }
        context.setdefault("role", "reporter")
        return context

    def _template(self, name: str) -> jinja2.Template:
        """Compiled once per (event kind, language) and kept: no loader or cache lookup per message."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self._env.get_template(name)
        return found

    def _render(self, template: str, context: dict[str, Any]) -> dict[str, str]:
        """Every part in one render of the template (split at `sep`), then the HTML layout."""
        try:
            rendered = self._template(template).render(context, sep=self._sep).split(self._sep)
            if len(rendered) != len(_PARTS) + 1:
                raise RenderError(f"template {template}: {len(rendered) - 1} parts, not {len(_PARTS)}")
            parts = {name: part.strip() for name, part in zip(_PARTS, rendered[1:], strict=True)}
            body = rendered[1 + _PARTS.index("html")]  # escaped in the template itself
            parts["html"] = self._template("layout.html").render({**context, **parts, "body": body})
        except jinja2.TemplateError as error:
            raise RenderError(f"template {template}: {type(error).__name__}: {error}") from error
        if not parts["subject"] or not parts["text"]:
            raise RenderError(f"template {template}: empty subject or text")
        return parts

    def _message(
        self,
        recipient: str,
        key: str,
        parts: dict[str, str],
        *,
        language: str,
        more: Sequence[tuple[str, str]] = (),
    ) -> Outgoing:
        return message_bytes(
            sender=self._from,
            recipient=recipient,
            message_id=self.message_id(key),
            boundary_key=key.replace("-", ""),
            headers=[
                ("Subject", parts["subject"]),
                ("Date", format_datetime(datetime.now(UTC))),
                ("Auto-Submitted", "auto-generated"),
                ("Content-Language", language),
                *more,
            ],
            text=parts["text"] + f"\n\n-- \n{parts['footer']}\n",
            html=parts["html"],
        )

    def compose(self, item: Pending) -> Outgoing:
        """A resident's e-mail for one outbox row."""
        language = item.language if item.language in ("en", "es") else "en"
        context = self._context(item)
        parts = self._render(f"{language}/{item.kind}.jinja", context)
        parts["text"] += f"\n{parts['unsubscribe_label']}: {context['unsubscribe_url']}"
        # RFC 8058: a mail client's one-click unsubscribe POSTs to this URL; RFC 2369 for the link.
        unsubscribe = [
            ("List-Unsubscribe", f"<{context['unsubscribe_url']}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
        return self._message(
            item.recipient, str(item.message_key), parts, language=language, more=unsubscribe
        )

    def compose_digest(self, items: Sequence[Pending], key: str) -> Outgoing:
        """One e-mail to a supervisor with every SLA warning due to them at once."""
        first = items[0]
        rows = [
            {
                **item.facts,
                "service_name": self._service_name(item.facts.get("service_code"), "en"),
                "due": self._when(item.facts.get("due_at"), "en"),
                "desk_url": f"{self._links.gateway_url.rstrip('/')}/desk/requests/"
                f"{quote(item.facts.get('tracking_number') or '')}",
            }
            for item in items
        ]
        departments = sorted({str(item.facts.get("department")) for item in items})
        context = {
            "language": "en",
            "city_name": self._city_name,
            "items": rows,
            "department": ", ".join(departments),
            "unsubscribe_url": "",
        }
        parts = self._render("en/sla_warning.jinja", context)
        return self._message(first.recipient, key, parts, language="en")
