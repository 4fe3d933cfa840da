"""A city's CSV export on disk, plain or gzipped: its header, its rows with their line numbers, and
how far reading has got (bytes of the file on disk, so a progress bar needs no counting pass)."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO


class ExportFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.position = 0

    def _text(self, raw: IO[bytes]) -> io.TextIOWrapper:
        if self.path.suffix == ".gz":
            return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8-sig", newline="")
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

    def header(self) -> list[str]:
        with self.path.open("rb") as raw, self._text(raw) as text:
            return next(csv.reader(text), [])

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line the row starts on, the row); a missing cell reads as ''."""
        with self.path.open("rb") as raw, self._text(raw) as text:
            reader = csv.DictReader(text, restval="")
            _ = reader.fieldnames
            last = reader.line_num
            for row in reader:
                start, last = last + 1, reader.line_num
                self.position = raw.tell()
                yield start, row
        self.position = self.size
