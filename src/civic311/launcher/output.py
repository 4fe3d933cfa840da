"""One stream of lines, each marked with the process it comes from: `routing   | ...`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO


class PrefixedOutput:
    def __init__(self, sources: Iterable[str], stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._width = max((len(name) for name in sources), default=8)

    def line(self, source: str, text: str) -> None:
        self._stream.write(f"{source:<{self._width}} | {text}\n")
        self._stream.flush()

    def block(self, text: str) -> None:
        self._stream.write(f"\n{text}\n\n")
        self._stream.flush()
