"""Hypothesis over the forms schemathesis cannot reach (they are not in the OpenAPI document), over HTTP to
the running gateway: the resident report form, the chat, the SMS webhook, the staff sign-in, the desk's
action forms and its filing for a caller, and the resident's "keep me informed" and "not fixed" forms.

Each form is posted as a browser (or the SMS provider) posts it, with the CSRF token, session or signature
it needs, and with its fields fuzzed: any code point (a lone surrogate goes as the invalid UTF-8 a careless
client sends), control characters, values of up to 100 KB, odd numbers ("1e400", "NaN", "4_2", negative
counts), unknown, missing and repeated fields. No answer is a 5xx; a refusal (4xx) appends no event; no
answer shows a long value again unless it is the form shown again for the sender to correct (and then once,
in its own field), nor ever a password; every HTML or XML answer is UTF-8, the XML well-formed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import itertools
import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qsl, quote, quote_from_bytes
from uuid import uuid4
from xml.etree import ElementTree

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from civic311_backbone.contracts.tracking import stream_id_for
from civic311_city.loading import load_catalogue
from civic311_intake.adapters.access import add_staff_account
from civic311_notifier.domain.links import LinkClaims, sign
from tests.hardening.support import running_gateway
from tests.intake.open311_support import Open311Gateway, event_count, pothole
from tests.support.collector import collector_paused

CASES = 150
"""Examples per form: the file's whole run, gateway start included, stays well under a minute."""
FUZZ = settings(max_examples=CASES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
ECHO = 200
"""A run of this many characters of a submitted value, found in an answer, is an echo."""
PASSWORD = "correct horse battery staple"
SMS_TOKEN = uuid4().hex
LINK_SECRET = uuid4().hex
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LANGUAGE_LINK = re.compile(r'<a href="[^"]*" lang="[a-z]{2}" hreflang="[a-z]{2}">')
"""A page's link to itself in the other language: its own address (whatever was asked for), by design."""
FORM = "application/x-www-form-urlencoded"
CATALOGUE = load_catalogue()
CODES = sorted(t.code for t in CATALOGUE.types)
DEPARTMENTS = sorted(CATALOGUE.departments)
COUNTS: dict[str, dict[str, int]] = {}

T = TypeVar("T")
Raw = str | bytes
"""A field's name or value: text (sent as UTF-8, a lone surrogate as the bytes it would be), or bytes."""
Fields = list[tuple[Raw, Raw]]


def weighted(*choices: tuple[int, st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """One of the strategies, by weight (st.one_of takes a strategy given twice as once)."""
    return st.sampled_from([s for weight, s in choices for _ in range(weight)]).flatmap(lambda s: s)


ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=60)
"""Every code point, lone surrogates and control characters included."""
UTF8_TEXT = st.text(st.characters(codec="utf-8", categories=None), max_size=60)
"""Every code point UTF-8 carries (all but the surrogates), control characters included."""
CONTROLS = st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\x07", "\x1b", "\x7f", "\x85", "\x0b", "\ufffe", "\uffff"]
)
"""What the one text rule refuses: NUL, lone surrogates, control characters, noncharacters."""
ODD = CONTROLS | st.sampled_from(
    [
        "\U0010ffff",
        "\u2028",
        "\ufeff",
        "\u202e",
        "\r\n",
        "\t",
        "&",
        "<script>",
        '"',
        "'",
        "%",
        "%FF",
        "+",
        "=",
    ]
)
ODD_NUMBERS = st.sampled_from(
    [
        "1e400",
        "-1e400",
        "1e-400",
        "1E30",
        "1e27",
        "NaN",
        "nan",
        "sNaN",
        "inf",
        "-Infinity",
        "4_2",
        "1_000",
        "-1",
        "-0",
        "0",
        "-0.0",
        "0e0",
        "1.",
        ".5",
        "1e-7",
        "0x10",
        "1,5",
        "+42",
        "-5",
        "-2147483649",
        "18446744073709551616",
        "0.000000001",
        "99999999999.99",
        "1.5",
        "42.3601",
        "-71.0589",
        "90.0000001",
        "-180.5",
        "\u0661\u0662",
        "\u00bd",
        " 42 ",
        "9" * 40,
        "-" + "9" * 40,
    ]
)
"""Numbers as nobody types them (and some as they do): beyond a float, not a number, digits of another
script, Python's underscores, negative counts."""
LENGTHS = st.sampled_from(
    [199, 200, 201, 254, 255, 1600, 1601, 3999, 4000, 4001, 10_001, 65_536]
) | st.integers(ECHO, 100_000)
HUGE = st.builds(
    lambda head, unit, length, tail: head + (unit * (length // len(unit) + 1))[:length] + tail,
    ANY_TEXT.filter(lambda s: len(s) < 8) | ODD,
    st.text(st.characters(codec=None, categories=None), min_size=1, max_size=8),
    LENGTHS,
    st.just("") | ODD | ANY_TEXT,
)
"""Up to 100 KB: a unit repeated, odd characters at either end."""
MIXED = st.builds(lambda a, b, c: a + b + c, ANY_TEXT, ODD, ANY_TEXT)
VALUE: st.SearchStrategy[Raw] = weighted(
    (1, ANY_TEXT), (2, UTF8_TEXT), (2, MIXED), (2, ODD_NUMBERS), (2, HUGE), (1, st.binary(max_size=12))
)
"""What a fuzzed field holds: text of every kind, odd numbers, huge text, or bytes (often not UTF-8). Mostly
what UTF-8 carries, so that most forms get past the encoding check to the route itself."""
NAME: st.SearchStrategy[Raw] = st.one_of(
    ANY_TEXT, st.sampled_from(["csrf_token", "attribute[]", "attribute[NOPE]", "_method", "a[b][c]"]), HUGE
)
SEGMENT = ANY_TEXT | st.builds(lambda unit, n: (unit * n)[:n], ANY_TEXT.filter(bool), st.integers(ECHO, 2000))
"""A path segment: any text, or a long one (the URL stays under what a client sends)."""


def raw(value: Raw) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(fields: Fields) -> bytes:
    return "&".join(
        f"{quote_from_bytes(raw(n), safe='')}={quote_from_bytes(raw(v), safe='')}" for n, v in fields
    ).encode()


def multipart(fields: Fields) -> tuple[bytes, str]:
    """The form as a browser sends a multipart one (a name's quote and line breaks percent-encoded)."""
    boundary = f"----fuzz{uuid4().hex}".encode()
    parts = []
    for name, value in fields:
        quoted = raw(name).replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
        head = b'Content-Disposition: form-data; name="' + quoted + b'"'
        parts.append(b"--" + boundary + b"\r\n" + head + b"\r\n\r\n" + raw(value) + b"\r\n")
    parts.append(b"--" + boundary + b"--\r\n")
    return b"".join(parts), f"multipart/form-data; boundary={boundary.decode()}"


def segment(text: str) -> str:
    return quote(raw(text), safe="")


@st.composite
def form(
    draw: st.DrawFn,
    usual: Mapping[str, st.SearchStrategy[Raw]],
    *,
    valid: Mapping[str, Raw | st.SearchStrategy[Raw]] | None = None,
) -> Fields:
    """A form of these fields. A fifth of the time a valid one (`valid`, with usual values for some other
    fields), two fifths a valid one with one field fuzzed or an unknown field added; else each field
    missing, once or repeated, with its usual value or a fuzzed one, unknown fields among them, in any
    order."""
    mode = draw(st.sampled_from(["valid", "changed", "changed", "free", "free"] if valid else ["free"]))
    if valid is not None:
        chosen = {n: draw(v) if isinstance(v, st.SearchStrategy) else v for n, v in valid.items()}
    if valid is not None and mode == "valid":
        fields: Fields = list(chosen.items())
        fields += [(n, draw(values)) for n, values in usual.items() if n not in valid and draw(st.booleans())]
        return fields
    if valid is not None and mode == "changed":
        changed = draw(st.sampled_from([*usual, None]))
        fields = [(n, v) for n, v in chosen.items() if n != changed]
        fields.append((draw(NAME) if changed is None else changed, draw(VALUE)))
        return fields
    fields = []
    for name, values in usual.items():
        count = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3]))
        fields += [(name, draw(values if draw(st.integers(0, 2)) else VALUE)) for _ in range(count)]
    fields += draw(st.lists(st.tuples(NAME, VALUE), max_size=3))
    return list(draw(st.permutations(fields)))


@st.composite
def csrf_field(draw: st.DrawFn, token: str) -> Fields:
    """The CSRF field as sent: mostly the page's token, else missing, wrong, fuzzed, or given twice."""
    kind = draw(st.sampled_from(["token"] * 12 + ["missing", "wrong", "fuzzed", "twice"]))
    if kind == "token":
        return [("csrf_token", token)]
    if kind == "missing":
        return []
    if kind == "wrong":
        return [("csrf_token", "x" * len(token))]
    if kind == "fuzzed":
        return [("csrf_token", draw(VALUE))]
    return [("csrf_token", draw(VALUE)), ("csrf_token", token)]


@dataclass
class Counted:
    """What one form's run saw: its cases, those refused (4xx), those that appended events, by status."""

    name: str
    cases: int = 0
    refused: int = 0
    changed: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    def add(self, status: int, appended: int) -> None:
        self.cases += 1
        self.statuses[status] += 1
        self.refused += status >= 400
        self.changed += appended > 0

    def report(self) -> None:
        COUNTS[self.name] = {"cases": self.cases, "refused": self.refused, "appended": self.changed}
        statuses = dict(sorted(self.statuses.items()))
        print(
            f"\n{self.name}: {self.cases} cases, {self.refused} refused, {self.changed} appended {statuses}"
        )


def texts_of(answer: httpx.Response) -> list[str]:
    """The answer as its reader sees it: as sent, with entities read, JSON strings read; and a Location
    (but the router's redirect of a path to itself without its trailing slash)."""
    text = LANGUAGE_LINK.sub("", answer.content.decode("utf-8", "replace"))
    texts = [text, html.unescape(text)]
    if "json" in answer.headers.get("content-type", ""):
        texts.append(json.dumps(json.loads(answer.content), ensure_ascii=False))
    if answer.status_code != 307:
        texts.append(answer.headers.get("location", ""))
    return texts


def runs(value: str) -> set[str]:
    """Windows of `value` such that every run of ECHO of its characters holds one of them: 3/4 ECHO long,
    one every ECHO/4 characters (a run of ECHO holds the window that starts within its first quarter)."""
    value, step = value.strip(), ECHO // 4
    width = ECHO - step
    windows = {value[start : start + width] for start in range(0, len(value) - width + 1, step)}
    return {window for window in windows if window.strip()}


def check_answer(
    answer: httpx.Response,
    sent: Fields,
    *,
    appended: int,
    shown_again: Collection[str] = (),
    secrets: Sequence[str] = (),
) -> None:
    """What every answer keeps to. `sent`: every value sent (path segments too); `shown_again`: the fields
    this answer (the form again, saying what is wrong) shows as typed, for the sender to correct: each such
    value may come back once; any other never as a run of ECHO characters. `secrets` never come back."""
    status = answer.status_code
    assert status < 500, f"{status}: {answer.text[:500]}"
    if status >= 400:
        assert appended == 0, f"a {status} refusal appended {appended} event(s)"
    media = answer.headers.get("content-type", "")
    if "html" in media or "xml" in media:
        answer.content.decode("utf-8")  # strict: raises on anything that is not UTF-8
    if "xml" in media:
        ElementTree.fromstring(answer.content)
    texts = texts_of(answer)
    for secret in secrets:
        assert not any(secret in text for text in texts), f"{status} shows a password"
    typed = Counter(v.strip() for n, v in sent if n in shown_again and isinstance(v, str))
    for name, value in sent:
        if not isinstance(value, str) or len(value.strip()) < ECHO:
            continue
        what = f"{status} shows {raw(name)[:40]!r} ({len(value)} characters)"
        if name in shown_again:  # once: as many times as the values shown again hold it
            held = sum(times * shown.count(value.strip()) for shown, times in typed.items())
            assert all(text.count(value.strip()) <= held for text in texts), f"{what} more than once"
            continue
        for window in runs(value):
            if any(window in shown for shown in typed):
                continue  # the same characters were typed in a field shown again: no telling them apart
            assert not any(window in text for text in texts), what


def shown_if(answer: httpx.Response, status: int, fields: Collection[str]) -> Collection[str]:
    """`fields` when the answer is the HTML page of this status (the form again), else none."""
    page = answer.status_code == status and "html" in answer.headers.get("content-type", "")
    return fields if page else ()


class Gateway:
    """The running gateway as the fuzzed forms reach it: a sync client for the hypothesis thread, and the
    store read on the test's loop."""

    def __init__(self, running: Open311Gateway, loop: asyncio.AbstractEventLoop) -> None:
        self.running = running
        self.loop = loop
        self.client = httpx.Client(base_url=running.url, timeout=60, follow_redirects=False)

    def events(self) -> int:
        return asyncio.run_coroutine_threadsafe(event_count(self.running.pool), self.loop).result()

    def csrf(self, path: str, cookies: Mapping[str, str] | None = None) -> str:
        """GET the form's page as a browser does first: its CSRF token (the cookie is the same)."""
        page = self.client.get(path, headers=cookie_header(cookies or {}))
        assert page.status_code == 200, page.text[:500]
        found = CSRF.search(page.text)
        assert found is not None, page.text[:500]
        return found.group(1)

    def post(
        self, path: str, body: bytes, media: str = FORM, *, cookies: Mapping[str, str], **headers: str
    ) -> tuple[httpx.Response, int]:
        """POST as given (no cookie kept from earlier answers): the answer, and how many events it appended."""
        self.client.cookies.clear()
        before = self.events()
        answer = self.client.post(
            path,
            content=body,
            # A fresh connection each time: after a 500 the server drops the one it answered on.
            headers={"content-type": media, "connection": "close", **cookie_header(cookies), **headers},
        )
        return answer, self.events() - before

    def file(self) -> str:
        """A new request, filed through Open311: its tracking number."""
        answer = self.client.post(
            "/open311/v2/requests.json", data={"api_key": self.running.api_key, **pothole()}
        )
        assert answer.status_code == 200, answer.text
        number: str = answer.json()[0]["service_request_id"]
        return number

    def sign_in(self, username: str) -> dict[str, str]:
        """Sign in through the form: the cookies of the session (and its CSRF token)."""
        token = self.csrf("/staff/sign-in")
        signed_in = self.client.post(
            "/staff/sign-in",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            headers={"Cookie": f"civic311_csrf={token}"},
        )
        assert signed_in.status_code == 303, signed_in.text
        return {"civic311_csrf": token, "civic311_staff": signed_in.cookies["civic311_staff"]}

    def closed(self, staff: Mapping[str, str]) -> tuple[str, str]:
        """A new request, closed as resolved through the desk: its tracking number and the Closed event's id."""
        number = self.file()
        fields: Fields = [("csrf_token", staff["civic311_csrf"]), ("resolution", "resolved")]
        closed, _ = self.post(f"/staff/requests/{number}/close", urlencoded(fields), cookies=staff)
        assert closed.status_code == 303, closed.text[:500]
        read = self.running.store.read_stream(stream_id_for(number))
        events = asyncio.run_coroutine_threadsafe(read, self.loop).result()
        assert events[-1].event_type == "Closed"
        return number, str(events[-1].event_id)


def cookie_header(cookies: Mapping[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


@pytest.fixture(scope="module")
async def forms_gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    """The fuzz suite's gateway with the SMS channel and the residents' signed links on (the package's has
    them off)."""
    log_dir = tmp_path_factory.mktemp("fuzz-forms")
    env = {"POSTS_PER_MINUTE": "0", "SMS_WEBHOOK_TOKEN": SMS_TOKEN, "RESIDENT_LINK_SECRET": LINK_SECRET}
    async with running_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env
    ) as running:
        yield running


async def supervisor(running: Open311Gateway) -> str:
    """A new city-wide supervisor account: its username."""
    username = f"fuzz-{uuid4().hex[:8]}"
    await add_staff_account(
        running.pool, username=username, password=PASSWORD, display_name="Fuzz", role="supervisor"
    )
    return username


async def fuzz(running: Open311Gateway, counted: Counted, run: Callable[[Gateway], None]) -> None:
    """Run the hypothesis test `run` builds, in a thread (its client is sync; the store is read on this
    loop); then print the counts, and check the run both took and refused some forms."""
    gateway = Gateway(running, asyncio.get_running_loop())
    try:
        with collector_paused():
            await asyncio.to_thread(run, gateway)
    finally:
        gateway.client.close()
    counted.report()
    assert counted.refused and counted.cases > counted.refused, counted


REPORT = {
    "attribute[SIZE]": st.sampled_from(["small", "medium", "large"]),
    "attribute[IN_BIKE_LANE]": st.sampled_from(["yes", "no"]),
    "lat": st.sampled_from(["42.3601", "42.35"]),
    "long": st.sampled_from(["-71.0589", "-71.06"]),
    "address_string": st.just("1 City Hall Sq"),
    "description": st.just("Deep pothole by the bus stop"),
    "media_url": st.just("https://example.org/pothole.jpg"),
    "first_name": st.just("Maria"),
    "last_name": st.just("Lopez"),
    "email": st.just("maria@example.org"),
    "phone": st.just("+1 617 555 0100"),
    "language": st.sampled_from(["en", "es"]),
}
VALID_REPORT = {
    "attribute[SIZE]": "large",
    "lat": "42.3601",
    "long": "-71.0589",
    "description": "Deep pothole",
}


@pytest.mark.slow
async def test_the_report_form(forms_gateway: Open311Gateway) -> None:
    counted = Counted("report form")

    def run(gateway: Gateway) -> None:
        token = gateway.csrf("/report/POTHOLE")
        cookies = {"civic311_csrf": token}

        @FUZZ
        @given(
            code=weighted((4, st.just("POTHOLE")), (1, st.sampled_from(CODES)), (1, SEGMENT)),
            fields=form(REPORT, valid=VALID_REPORT),
            csrf=csrf_field(token),
            as_multipart=st.booleans(),
        )
        @example(
            code="POTHOLE",
            fields=list(VALID_REPORT.items()),
            csrf=[("csrf_token", "\x80")],
            as_multipart=False,
        )
        @example(
            code="POTHOLE",
            fields=[*VALID_REPORT.items(), ("first_name", "a\x00b")],
            csrf=[("csrf_token", token)],
            as_multipart=False,
        )
        def post(code: str, fields: Fields, csrf: Fields, as_multipart: bool) -> None:
            sent = csrf + fields
            body, media = multipart(sent) if as_multipart else (urlencoded(sent), FORM)
            answer, appended = gateway.post(f"/report/{segment(code)}", body, media, cookies=cookies)
            counted.add(answer.status_code, appended)
            shown = shown_if(answer, 400, REPORT)
            check_answer(answer, [*sent, ("<path>", code)], appended=appended, shown_again=shown)
            if answer.status_code == 303:
                assert appended == 1 and answer.headers["location"].endswith("/filed")

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "no report was filed"


CHAT = {
    "message": st.sampled_from(
        [
            "pothole outside 12 Main St",
            "Graffiti on the wall at 5 Oak St",
            "3",
            "status BCD-FGHJK",
            "hola",
            "STOP",
        ]
    ),
    "message_id": st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=16, max_size=64
    ),
}
VALID_CHAT = {"message": "Graffiti on the wall at 5 Oak St", "message_id": "m" * 24}
CHAT_SESSION = re.compile(r"[A-Za-z0-9_-]{40,64}")
SESSION = st.none() | st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=';\\"'), max_size=70
).filter(lambda cookie: not CHAT_SESSION.fullmatch(cookie))
"""A chat's cookie: none, or one that is no session (a new chat each time: no case sees another's lines)."""


@pytest.mark.slow
async def test_the_chat(forms_gateway: Open311Gateway) -> None:
    counted = Counted("chat")

    def run(gateway: Gateway) -> None:
        token = gateway.csrf("/chat")

        @FUZZ
        @given(
            fields=form(CHAT, valid=VALID_CHAT),
            csrf=csrf_field(token),
            session=SESSION,
            as_json=st.booleans(),
        )
        def post(fields: Fields, csrf: Fields, session: str | None, as_json: bool) -> None:
            sent = csrf + fields
            cookies = {"civic311_csrf": token} | ({} if session is None else {"civic311_chat": session})
            accept = {"accept": "application/json"} if as_json else {}
            answer, appended = gateway.post("/chat", urlencoded(sent), cookies=cookies, **accept)
            counted.add(answer.status_code, appended)
            json_line = answer.status_code == 200 and "json" in answer.headers.get("content-type", "")
            shown = ("message",) if json_line else shown_if(answer, 400, ("message",))  # typed, or said
            check_answer(answer, sent, appended=appended, shown_again=shown)
            if answer.status_code == 303:
                assert answer.headers["location"] == "/chat#latest"

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "no chat filed a request"


CITY_NUMBER = "+16175550311"
NEW_PHONE = "+1617555NEW"
"""Sent as a phone number of its own (each case's conversation is its own: no reply quotes another's)."""
PHONES = itertools.count(1_000_000)
SMS = {
    "MessageSid": st.uuids().map(lambda u: f"SM{u.hex}"),
    "SmsSid": st.uuids().map(lambda u: f"SM{u.hex}"),
    "AccountSid": st.just("AC" + "0" * 32),
    "From": st.just(NEW_PHONE),
    "To": st.just(CITY_NUMBER),
    "Body": CHAT["message"],
    "NumMedia": st.sampled_from(["0", "1"]),
    "MediaUrl0": st.just("https://example.org/pothole.jpg"),
}
LONG_PLACE = "Graffiti at 12 " + "Elm" * 100 + " St"
"""Filed, and the reply says where: the place as the resident wrote it."""
TEXTED = {
    "AccountSid": "AC" + "0" * 32,
    "From": NEW_PHONE,
    "To": CITY_NUMBER,
    "Body": "Graffiti all over the wall at 12 Main St",
    "NumMedia": "0",
}
VALID_SMS: dict[str, Raw | st.SearchStrategy[Raw]] = {
    **TEXTED,
    "MessageSid": SMS["MessageSid"],  # a new message each time: a retry of one is answered, not filed again
    "From": SMS["From"],
}


def twilio_signature(token: str, url: str, params: Sequence[tuple[str, str]]) -> str:
    """X-Twilio-Signature as the provider computes it: base64 of the HMAC-SHA1, keyed with the auth token,
    of the URL followed by every parameter, sorted, as name + value."""
    data = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@pytest.mark.slow
async def test_the_sms_webhook(forms_gateway: Open311Gateway) -> None:
    counted = Counted("sms")
    url = f"{forms_gateway.url}/channels/sms"
    nul_sid = [*TEXTED.items(), ("MessageSid", "\x00")]
    nul_body = [*TEXTED.items(), ("MessageSid", "SM" + "2" * 32), ("Body", "pot\x00hole at 12 Main St")]

    def run(gateway: Gateway) -> None:
        @FUZZ
        @given(
            fields=form(SMS, valid=VALID_SMS),
            signature=st.sampled_from(["right"] * 6 + ["missing", "wrong", "other url", "other token"]),
            media=st.sampled_from([FORM] * 4 + ["text/plain", "application/json"]),
        )
        @example(fields=nul_sid, signature="right", media=FORM)
        @example(fields=nul_body, signature="right", media=FORM)
        @example(
            fields=[*TEXTED.items(), ("MessageSid", "SM" + "3" * 32), ("Body", LONG_PLACE)],
            signature="right",
            media=FORM,
        )
        def post(fields: Fields, signature: str, media: str) -> None:
            fields = [(n, f"+1617{next(PHONES)}" if v == NEW_PHONE else v) for n, v in fields]
            body = urlencoded(fields)
            params = parse_qsl(
                body.decode("utf-8", "replace"), keep_blank_values=True
            )  # as the gateway reads them
            headers = {}
            if signature != "missing":
                token = "not-the-token" if signature == "other token" else SMS_TOKEN
                where = f"{url}/other" if signature == "other url" else url
                headers["x-twilio-signature"] = (
                    "d3Jvbmc=" if signature == "wrong" else twilio_signature(token, where, params)
                )
            answer, appended = gateway.post("/channels/sms", body, media, cookies={}, **headers)
            counted.add(answer.status_code, appended)
            taken = answer.status_code == 200  # the reply may quote the place it read in the text
            check_answer(answer, fields, appended=appended, shown_again=("Body",) if taken else ())
            if taken:
                assert answer.headers["content-type"].startswith("text/xml")
            if signature != "right":
                assert answer.status_code in (400, 403, 413), answer.status_code

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "no text filed a request"


@pytest.mark.slow
async def test_the_staff_sign_in(forms_gateway: Open311Gateway) -> None:
    counted = Counted("staff sign-in")
    username = await supervisor(forms_gateway)
    usual = {
        "username": st.just(username),
        "password": st.just(PASSWORD),
        "next": st.sampled_from(
            ["/staff/queue", "/staff/new", "https://evil.example/", "//evil.example/staff/"]
        ),
    }

    def run(gateway: Gateway) -> None:
        token = gateway.csrf("/staff/sign-in")

        @FUZZ
        @given(
            fields=form(usual, valid={"username": username, "password": PASSWORD, "next": "/staff/queue"}),
            csrf=csrf_field(token),
            at=st.integers(0, 100),
        )
        def post(fields: Fields, csrf: Fields, at: int) -> None:
            marker = f"pw{uuid4().hex}"  # put in every fuzzed password: it must never come back
            sent = csrf + [
                (n, with_marker(v, marker, at) if n == "password" and v != PASSWORD else v) for n, v in fields
            ]
            answer, appended = gateway.post(
                "/staff/sign-in", urlencoded(sent), cookies={"civic311_csrf": token}
            )
            counted.add(answer.status_code, appended)
            shown = shown_if(answer, 401, ("username", "next"))
            check_answer(answer, sent, appended=appended, shown_again=shown, secrets=[marker, PASSWORD])
            session = "civic311_staff=" in answer.headers.get("set-cookie", "")
            if answer.status_code == 303:
                location = answer.headers["location"]
                assert location.startswith("/staff/") and not location.startswith("//"), location
                assert session
            else:
                assert not session

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.statuses[303], "no sign-in succeeded"


def with_marker(value: Raw, marker: str, at: int) -> Raw:
    if isinstance(value, bytes):
        return value[: at % (len(value) + 1)] + marker.encode() + value[at % (len(value) + 1) :]
    return value[: at % (len(value) + 1)] + marker + value[at % (len(value) + 1) :]


ACTIONS = ["acknowledge", "status", "cost", "transfer", "close"]
DESK = {
    "expected_version": st.sampled_from(["1", "2", "0", "-1"]),
    "status": st.sampled_from(["in_progress", "on_hold", "reopened"]),
    "public_note": st.just("A crew is on its way"),
    "internal_note": st.just("big truck"),
    "resolution": st.sampled_from(["resolved", "duplicate", "not_actionable", "referred", "withdrawn"]),
    "duplicate_of": st.just("BCD-FGHJK"),
    "labour_hours": st.sampled_from(["1.5", "0", "2"]),
    "materials": st.sampled_from(["20", "0.5"]),
    "department": st.sampled_from(DEPARTMENTS),
    "queue": st.just("north"),
    "note": st.just("yours now"),
}
VALID_DESK = {
    "expected_version": "1",
    "status": "in_progress",
    "resolution": "resolved",
    "labour_hours": "1.5",
    "department": DEPARTMENTS[0],
    "public_note": "A crew is on its way",
}
"""Every action's fields (each reads its own): a valid form for whichever action is asked for."""


@pytest.mark.slow
async def test_the_desk_action_forms(forms_gateway: Open311Gateway) -> None:
    counted = Counted("desk actions")
    username = await supervisor(forms_gateway)

    def run(gateway: Gateway) -> None:
        staff = gateway.sign_in(username)
        token = staff["civic311_csrf"]

        @FUZZ
        @given(
            number=weighted(
                (6, st.none()), (1, st.sampled_from(["BCD-FGHJK", "NOT-A-NUMBER", ""])), (1, SEGMENT)
            ),
            action=weighted((6, st.sampled_from(ACTIONS)), (1, SEGMENT)),
            fields=form(DESK, valid=VALID_DESK),
            csrf=csrf_field(token),
        )
        @example(number=None, action="cost", fields=[("labour_hours", "1E30")], csrf=[("csrf_token", token)])
        @example(number=None, action="x" * 300, fields=list(VALID_DESK.items()), csrf=[("csrf_token", token)])
        def post(number: str | None, action: str, fields: Fields, csrf: Fields) -> None:
            number = gateway.file() if number is None else number  # None: a new request, open
            path = f"/staff/requests/{segment(number)}/{segment(action)}"
            answer, appended = gateway.post(path, urlencoded(csrf + fields), cookies=staff)
            counted.add(answer.status_code, appended)
            check_answer(answer, [*csrf, *fields, ("<path>", number), ("<path>", action)], appended=appended)
            if answer.status_code == 303:
                assert appended >= 1 and answer.headers["location"].startswith("/staff/")

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "no action was taken"


CALLER = {
    "service_code": weighted((3, st.just("POTHOLE")), (1, st.sampled_from(CODES))),
    "channel": st.sampled_from(["phone", "walk_in"]),
    "attribute[SIZE]": st.sampled_from(["small", "large"]),
    "address_string": st.just("5 Oak St"),
    "lat": st.just("42.3601"),
    "long": st.just("-71.0589"),
    "description": st.just("Caller says it is deep"),
    "first_name": st.just("Rosa"),
    "email": st.just("rosa@example.org"),
    "phone": st.just("+1 617 555 0100"),
    "language": st.sampled_from(["en", "es"]),
}
VALID_CALLER = {
    "service_code": "POTHOLE",
    "channel": "phone",
    "attribute[SIZE]": "large",
    "address_string": "5 Oak St",
}
CALLER_SHOWN = [name for name in CALLER if name not in ("service_code", "channel", "language")]


@pytest.mark.slow
async def test_the_desk_filing_for_a_caller(forms_gateway: Open311Gateway) -> None:
    counted = Counted("desk filing")
    username = await supervisor(forms_gateway)

    def run(gateway: Gateway) -> None:
        staff = gateway.sign_in(username)

        @FUZZ
        @given(fields=form(CALLER, valid=VALID_CALLER), csrf=csrf_field(staff["civic311_csrf"]))
        def post(fields: Fields, csrf: Fields) -> None:
            sent = csrf + fields
            answer, appended = gateway.post("/staff/new", urlencoded(sent), cookies=staff)
            counted.add(answer.status_code, appended)
            check_answer(answer, sent, appended=appended, shown_again=shown_if(answer, 422, CALLER_SHOWN))
            if answer.status_code == 201:
                assert appended == 1

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "no request was filed"


FOLLOW = {
    "follow_email": st.just("maria@example.org"),
    "follow_phone": st.sampled_from(["(617) 555-0123", "+1 617 555 0123"]),
    "follow_language": st.sampled_from(["en", "es"]),
}
VALID_FOLLOW = {"follow_email": "maria@example.org", "follow_language": "en"}


@pytest.mark.slow
async def test_the_follow_form(forms_gateway: Open311Gateway) -> None:
    counted = Counted("follow")

    def run(gateway: Gateway) -> None:
        shared = gateway.file()
        token = gateway.csrf(f"/track/{shared}")

        @FUZZ
        @given(
            number=weighted((4, st.none()), (2, st.just(shared)), (1, st.just("BCD-FGHJK")), (1, SEGMENT)),
            fields=form(FOLLOW, valid=VALID_FOLLOW),
            csrf=csrf_field(token),
        )
        def post(number: str | None, fields: Fields, csrf: Fields) -> None:
            number = gateway.file() if number is None else number  # None: a new request
            sent = csrf + fields
            path = f"/track/{segment(number)}/follow"
            answer, appended = gateway.post(path, urlencoded(sent), cookies={"civic311_csrf": token})
            counted.add(answer.status_code, appended)
            shown = shown_if(
                answer, 400, ("follow_email", "follow_phone", "<path>")
            )  # <path>: the lookup form
            check_answer(answer, [*sent, ("<path>", number)], appended=appended, shown_again=shown)

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "nobody was added as a follower"


@pytest.mark.slow
async def test_the_not_fixed_form(forms_gateway: Open311Gateway) -> None:
    counted = Counted("not fixed")
    username = await supervisor(forms_gateway)
    secret = LINK_SECRET.encode()

    def link(number: str, event_id: str, recipient: str = "maria@example.org", channel: str = "email") -> str:
        return sign(LinkClaims("not-fixed", stream_id_for(number), recipient, channel, event_id), secret)

    def run(gateway: Gateway) -> None:
        staff = gateway.sign_in(username)
        used_number, used_event = gateway.closed(staff)
        used = link(used_number, used_event)
        token = gateway.csrf(f"/not-fixed?t={used}")
        open_number = gateway.file()

        @FUZZ
        @given(
            kind=st.sampled_from(["closed", "closed", "used", "open", "claims", "forged", "cut", "fuzzed"]),
            data=st.data(),
        )
        def post(kind: str, data: st.DataObject) -> None:
            if kind == "closed":  # a new request closed as resolved: the link reopens it
                t: Raw = link(*gateway.closed(staff))
            elif kind == "used":
                t = used
            elif kind == "open":
                t = link(open_number, str(uuid4()))
            elif kind == "claims":  # signed, with what the notifier never puts in one
                t = link(used_number, data.draw(UTF8_TEXT), data.draw(UTF8_TEXT), data.draw(UTF8_TEXT))
            elif kind == "forged":
                t = sign(
                    LinkClaims("not-fixed", stream_id_for(used_number), "m@example.org", "email", used_event),
                    b"x" * 32,
                )
            elif kind == "cut":
                t = used[: data.draw(st.integers(0, len(used) - 1))]
            else:
                t = data.draw(VALUE)
            fields = data.draw(form({"t": st.just(t)}, valid={"t": t}))
            sent = data.draw(csrf_field(token)) + fields
            answer, appended = gateway.post("/not-fixed", urlencoded(sent), cookies={"civic311_csrf": token})
            counted.add(answer.status_code, appended)
            check_answer(answer, sent, appended=appended)
            assert appended <= 1

        post()

    await fuzz(forms_gateway, counted, run)
    assert counted.changed, "no request was reopened"


def test_zz_counts() -> None:
    print(f"\nform cases run: {COUNTS}")
