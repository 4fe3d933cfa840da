"""A local HTTP receiver of webhooks that checks each signature with the `standardwebhooks` library.

Per path it answers as it is told: a number of failures first (503, the first with a Retry-After),
then 204; or 410 Gone always. It keeps every verified body and counts every attempt.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from civic311_backbone.embedded.ports import free_port


class WebhookReceiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.secrets: dict[str, str] = {}
        self.fail_first: dict[str, int] = {}
        self.gone: set[str] = set()
        self.attempts: Counter[str] = Counter()
        self.accepted: dict[str, list[dict[str, Any]]] = {}
        self.forged: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_POST(self) -> None:
                path = self.path.strip("/")
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                status, headers = receiver._answer(
                    path, body, {k.lower(): v for k, v in self.headers.items()}
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()

        return Handler

    def _answer(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.attempts[path] += 1
            try:
                Webhook(self.secrets[path]).verify(body, headers)
            except (KeyError, WebhookVerificationError) as error:
                self.forged.append(f"{path}: {error!r}")
                return 401, {}
            if path in self.gone:
                return 410, {}
            if self.fail_first.get(path, 0) > 0:
                self.fail_first[path] -= 1
                return 503, ({"retry-after": "1"} if self.attempts[path] == 1 else {})
            self.accepted.setdefault(path, []).append({"id": headers["webhook-id"], **json.loads(body)})
            return 204, {}

    def start(self) -> WebhookReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
