"""Start the embedded servers, print their pids, and wait to be killed:
python -m tests.embedded.hold_servers DATA. The test kills this process with SIGKILL and checks
that the servers go with it.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from civic311_backbone.embedded import EmbeddedNats, EmbeddedPostgres


def main() -> None:
    data = Path(sys.argv[1])
    postgres, nats = EmbeddedPostgres(data / "postgres"), EmbeddedNats(data / "nats")
    postgres.start()
    nats.start()
    print(f"SERVERS postgres {postgres.pid} nats {nats.pid}", flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
