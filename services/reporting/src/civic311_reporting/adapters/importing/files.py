"""A city's CSV export on disk, plain or gzipped: its header, its rows with their line numbers, and
how far reading has got (bytes of the file on disk, so a progress bar needs no counting pass).

Whether a file is gzipped is read from its first bytes, not its name: cities' portals and analysts
rename files freely. (Parquet is not read: pyarrow would add a large wheel to every install.)
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"


class ExportError(ValueError):
    """A file that cannot be read as a CSV export, with the file, the line and why."""


class ExportFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.position = 0
        with path.open("rb") as raw:
            self.gzipped = raw.read(2) == GZIP_MAGIC

    def _text(self, raw: IO[bytes]) -> io.TextIOWrapper:
        if self.gzipped:
            return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8-sig", newline="")
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

    def header(self) -> list[str]:
        with self.path.open("rb") as raw, self._text(raw) as text:
            try:
                return next(csv.reader(text), [])
            except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as error:
                raise ExportError(f"{self.path}: line 1: not a UTF-8 CSV file ({error})") from None

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line the row starts on, the row); a missing cell reads as ''."""
        with self.path.open("rb") as raw, self._text(raw) as text:
            reader = csv.DictReader(text, restval="")
            last = 0
            try:
                _ = reader.fieldnames
                last = reader.line_num
                for row in reader:
                    start, last = last + 1, reader.line_num
                    self.position = raw.tell()
                    yield start, row
            except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as error:
                raise ExportError(f"{self.path}: line {last + 1}: cannot be read ({error})") from None
        self.position = self.size
