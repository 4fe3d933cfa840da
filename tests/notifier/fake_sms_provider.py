"""A fake of Twilio's Messages API (the one third party the tests cannot reach), on a local port.

It checks what the real one would refuse (basic auth sid:token, the account in the path, To, From or
MessagingServiceSid, Body), records every text it accepts with the sid it answers, and answers as
told per recipient: a number of 500s or 429s first (a 429 with the Retry-After it is given), Twilio's
21610 (the recipient stopped texts) or 21211 (not a valid phone number). It notes when each attempt
came, per recipient.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from uuid import uuid4

from civic311_backbone.embedded.ports import free_port

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = uuid4().hex
FROM = "+16175550311"


@dataclass(frozen=True)
class Text:
    sid: str
    to: str
    sender: str
    body: str


class FakeSmsProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.texts: list[Text] = []
        self.attempts: Counter[str] = Counter()
        self.refused: list[str] = []
        self.fail_first: dict[str, tuple[int, int]] = {}
        """Per recipient: (status 500 or 429, how many times) before accepting."""
        self.stopped: set[str] = set()
        self.invalid: set[str] = set()
        """Numbers answered with Twilio's 21211 (the To number is not a valid phone number)."""
        self.retry_after: dict[str, str] = {}
        """Per recipient: the Retry-After header of its 429s."""
        self.attempted_at: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            "SMS_ACCOUNT_SID": ACCOUNT_SID,
            "SMS_AUTH_TOKEN": AUTH_TOKEN,
            "SMS_FROM": FROM,
            "SMS_API_BASE_URL": self.base_url,
        }

    def to(self, phone: str) -> list[Text]:
        with self._lock:
            return [t for t in self.texts if t.to == phone]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                status, answer, headers = fake._answer(self.path, self.headers.get("authorization", ""), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _answer(
        self, path: str, authorization: str, body: bytes
    ) -> tuple[int, dict[str, object], dict[str, str]]:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        with self._lock:
            if authorization != expected:
                self.refused.append("bad credentials")
                return 401, {"code": 20003, "message": "Authenticate", "status": 401}, {}
            if path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                self.refused.append(f"bad path {path}")
                return 404, {"code": 20404, "message": "not found", "status": 404}, {}
            form = {k: v[0] for k, v in parse_qs(body.decode(), strict_parsing=True).items()}
            to, sender, text = form.get("To", ""), form.get("From", ""), form.get("Body", "")
            if not to.startswith("+") or sender != FROM or not text:
                self.refused.append(f"bad form {form}")
                return 400, {"code": 21604, "message": "missing or invalid parameter", "status": 400}, {}
            self.attempts[to] += 1
            self.attempted_at.setdefault(to, []).append(time.time())
            if to in self.stopped:
                return 400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient"}, {}
            if to in self.invalid:
                return (
                    400,
                    {"code": 21211, "message": f"The 'To' number {to} is not a valid phone number."},
                    {},
                )
            status, times = self.fail_first.get(to, (0, 0))
            if times > 0:
                self.fail_first[to] = (status, times - 1)
                headers = (
                    {"Retry-After": self.retry_after[to]} if status == 429 and to in self.retry_after else {}
                )
                return status, {"code": 20429 if status == 429 else 20500, "message": "try again"}, headers
            sent = Text(f"SM{uuid4().hex}", to, sender, text)
            self.texts.append(sent)
            return 201, {"sid": sent.sid, "to": to, "status": "queued"}, {}

    def start(self) -> FakeSmsProvider:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
