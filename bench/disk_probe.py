"""How long the local disk takes to flush a small write, watched while a measurement runs.

Every durable commit waits for a flush (PostgreSQL's WAL, JetStream's store), so a flush that takes
hundreds of milliseconds holds up every request in flight at once, whatever the code does. A latency
figure is only read right beside what the disk did meanwhile: this probe writes 8 kB and flushes it
(`fdatasync`, as PostgreSQL does its WAL) every 20 ms in a thread of its own, and keeps the slow ones.
It measures the disk under the folder it is given; PostgreSQL and NATS here share that disk.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SLOW_MS = 50.0
INTERVAL_SECONDS = 0.02


@dataclass
class FlushStall:
    at: float
    """Unix time the flush started."""
    ms: float


@dataclass
class DiskFlushProbe:
    folder: Path
    flushes: int = 0
    longest_ms: float = 0.0
    stalls: list[FlushStall] = field(default_factory=list)
    """Flushes that took longer than SLOW_MS."""
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> DiskFlushProbe:
        self._thread = threading.Thread(target=self._run, name="disk-flush-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        path = self.folder / "disk-flush-probe"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        block = b"\0" * 8192
        try:
            while not self._stop.wait(INTERVAL_SECONDS):
                started = time.time()
                os.pwrite(fd, block, 0)
                os.fdatasync(fd)
                ms = (time.time() - started) * 1000
                self.flushes += 1
                self.longest_ms = max(self.longest_ms, ms)
                if ms > SLOW_MS:
                    self.stalls.append(FlushStall(at=started, ms=ms))
        finally:
            os.close(fd)
            path.unlink(missing_ok=True)

    def summary(self) -> str:
        slow = ", ".join(f"{s.ms:.0f} ms" for s in self.stalls) or "none"
        return (
            f"local disk: {self.flushes:,} probe flushes, longest {self.longest_ms:.0f} ms; "
            f"over {SLOW_MS:g} ms: {slow}"
        )
