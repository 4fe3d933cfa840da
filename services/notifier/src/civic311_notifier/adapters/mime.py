"""The bytes of a notification e-mail: multipart/alternative (text, HTML), UTF-8, quoted-printable.

Written directly rather than through `email.message.EmailMessage`, whose header registry and
generator cost most of a message's CPU (header parse, refold, flatten): a sender's rate was that of
the e-mail package. The shape is fixed and small, so it is written here once, and the tests parse
every message the SMTP server receives with the standard parser. An address that is not ASCII
(SMTPUTF8) goes the e-mail package's way, which knows its rules.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr


@dataclass(frozen=True)
class Outgoing:
    """One message as the SMTP client hands it over: envelope sender, recipient and the bytes."""

    sender: str
    recipient: str
    data: bytes
    message_id: str
    smtputf8: bool = False


def _clean(value: str) -> str:
    """A header value on one line: a line break in it would start a header of its own."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split()) if value else ""


def header(name: str, value: str) -> str:
    value = _clean(value)
    if value.isascii():
        return f"{name}: {value}"
    # RFC 2047 encoded words, folded at 76 characters.
    return f"{name}: " + Header(value, "utf-8", header_name=name).encode(linesep="\n")


def _address(address: Address) -> str:
    """A display name quoted, or encoded (RFC 2047) when it is not ASCII; the address as it is."""
    return formataddr((address.display_name, address.addr_spec), charset="utf-8")


def _part(subtype: str, body: str) -> str:
    encoded = binascii.b2a_qp(body.replace("\r\n", "\n").encode(), istext=True).decode("ascii")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n"
        f"{encoded}\n"
    )


def message_bytes(
    *,
    sender: Address,
    recipient: str,
    message_id: str,
    boundary_key: str,
    headers: Sequence[tuple[str, str]],
    text: str,
    html: str,
) -> Outgoing:
    """The whole message: From, To, Message-ID, then `headers` (Subject, Date, ...), then the parts."""
    if not recipient.isascii() or not sender.addr_spec.isascii():
        return _by_email_package(
            sender=sender, recipient=recipient, message_id=message_id, headers=headers, text=text, html=html
        )
    # "=_" never occurs in quoted-printable text, so no part can contain the boundary.
    boundary = f"=_{boundary_key}"
    lines = [
        f"From: {_address(sender)}",
        f"To: {_clean(recipient)}",
        f"Message-ID: {message_id}",
        *(header(name, value) for name, value in headers),
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        f"--{boundary}",
        _part("plain", text),
        f"--{boundary}",
        _part("html", html),
        f"--{boundary}--",
        "",
    ]
    data = "\n".join(lines).replace("\n", "\r\n").encode("ascii")
    return Outgoing(sender.addr_spec, recipient, data, message_id)


def _by_email_package(
    *,
    sender: Address,
    recipient: str,
    message_id: str,
    headers: Sequence[tuple[str, str]],
    text: str,
    html: str,
) -> Outgoing:
    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = message_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for name, value in headers:  # after the body: setting content clears Content-* headers
        message[name] = _clean(value)
    return Outgoing(sender.addr_spec, recipient, message.as_bytes(), message_id, smtputf8=True)
