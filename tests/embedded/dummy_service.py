"""A stand-in for a civic311 service: answers GET /health/ready on HTTP_PORT.

DUMMY_NAME names it in its output; DUMMY_FAIL=1 makes it exit at once with code 3;
DUMMY_NEVER_READY=1 makes it answer 503; DUMMY_IGNORE_TERM=1 makes it ignore SIGTERM;
DUMMY_GRANDCHILD=1 makes it start a long-lived child process of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    name = os.environ["DUMMY_NAME"]
    if os.environ.get("DUMMY_FAIL"):
        print(f"{name} is failing on purpose", flush=True)
        sys.exit(3)
    if os.environ.get("DUMMY_IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if os.environ.get("DUMMY_GRANDCHILD"):
        sleeper = "import time\nwhile True: time.sleep(1)"
        grandchild = subprocess.Popen([sys.executable, "-c", sleeper])
        print(f"{name} grandchild pid {grandchild.pid}", flush=True)
    status = 503 if os.environ.get("DUMMY_NEVER_READY") else 200

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status if self.path == "/health/ready" else 404)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["HTTP_PORT"])), Health)
    database = "set" if os.environ.get("DATABASE_URL") else "unset"
    print(
        f"{name} listening on {server.server_port} pid {os.getpid()}, "
        f"DATABASE_URL {database}, NATS_URL {os.environ.get('NATS_URL')}",
        flush=True,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
