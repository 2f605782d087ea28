"""Progress display for long commands: one bar per labelled piece of work.

Library code reports through plain callbacks (`on_progress(label, done, total)`),
so it stays usable without a terminal (Airflow, tests); the CLI passes
`ProgressDisplay.update` to show bars.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class ProgressDisplay:
    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._tasks: dict[str, int] = {}

    def update(self, label: str, done: int, total: int | None) -> None:
        """One bar per label up to a colon: `landing: <batch>` moves the landing bar and
        shows the batch. A bar stops its clock when done reaches total."""
        key = label.split(":")[0]
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(label, total=total)
        self._progress.update(self._tasks[key], completed=done, total=total,
                              description=label)

    def __enter__(self) -> ProgressDisplay:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()
