"""Progress bars for the analysts' long runs: rich on stderr, only on a terminal unless forced."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from civic311_reporting.entrypoints.cli import Progress as Callback
from civic311_reporting.entrypoints.cli import Step

LABELS = {"import": "importing", "replay": "replaying events"}


class _Amount(ProgressColumn):
    """Bytes for a file being read, a count for events."""

    def __init__(self) -> None:
        super().__init__()
        self._bytes, self._count = DownloadColumn(), MofNCompleteColumn()

    def render(self, task):  # type: ignore[no-untyped-def]
        return (self._bytes if task.fields.get("unit") == "bytes" else self._count).render(task)


@contextmanager
def progress_bars(wanted: bool | None) -> Iterator[Callback | None]:
    """A callback drawing one bar per task on stderr; None when not wanted (by default: not a TTY)."""
    if wanted is None:
        wanted = sys.stderr.isatty()
    if not wanted:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        _Amount(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, force_terminal=True),
        transient=False,
    )
    tasks: dict[str, TaskID] = {}

    def tell(step: Step) -> None:
        task = tasks.get(step.task)
        if task is None:
            label = LABELS.get(step.task, step.task)
            task = tasks[step.task] = bars.add_task(label, total=step.total, unit=step.unit)
        bars.update(task, completed=step.done, total=step.total)

    with bars:
        yield tell
