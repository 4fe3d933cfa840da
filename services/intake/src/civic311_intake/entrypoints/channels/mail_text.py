"""What a resident wrote in an e-mail: the subject and the body's own text, as one message.

Plain text is preferred; HTML is reduced to its text. Quoted earlier messages and signatures are cut,
so a reply to our question reads as the answer alone. A reply's "Re:" subject is our own subject
coming back, so it is left out.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|rv|sv|fw|fwd)\s*:", re.IGNORECASE)
_QUOTE_HEADER = re.compile(
    r"^(on .+ wrote:|el .+ escribi[oó]:|-+\s*original message\s*-+|-+\s*mensaje original\s*-+)\s*$",
    re.IGNORECASE,
)
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "blockquote"})
_BREAK_TAGS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3"})


def message_text(message: EmailMessage) -> str:
    """The subject (unless it is a reply's) and the body, as the resident wrote them."""
    subject = str(message.get("Subject", "") or "").strip()
    body = _strip_quotes(_body(message))
    if _REPLY_SUBJECT.match(subject):
        subject = ""
    return "\n".join(part for part in (subject, body) if part).strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None or not isinstance(part, EmailMessage):
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        return ""  # a charset Python does not know: read as an empty body, and answered as one
    text = content if isinstance(content, str) else ""
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _strip_quotes(text: str) -> str:
    kept: list[str] = []
    for line in text.splitlines():
        if line.rstrip() == "--" or _QUOTE_HEADER.match(line.strip()):
            break  # a signature, or the message being replied to, follows
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BREAK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
