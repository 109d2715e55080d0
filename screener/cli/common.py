"""What every command shares: the consoles, errors as one line, opening a project, progress
bars, JSON output and where an export is written."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from screener.errors import ScreenerError
from screener.exports.kinds import default_target
from screener.project import Project, open_project

PROGRESS_THRESHOLD = 1000  # records; smaller jobs finish too fast for a bar to help
STAGE_NAMES = {"title_abstract": "Title/abstract", "full_text": "Full text"}
REVIEWER_HELP = "Your name as in protocol.toml's reviewers (default: $SCREENER_REVIEWER)."

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def records_text(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}")
    sys.exit(1)


@contextmanager
def opened_project(path: Path) -> Iterator[Project]:
    try:
        project = open_project(path)
    except ScreenerError as exc:
        fail(str(exc))
    try:
        yield project
    finally:
        project.close()


def reviewer_name(value: str | None) -> str:
    """--reviewer, else $SCREENER_REVIEWER; a usage error when neither is given."""
    name = value or os.environ.get("SCREENER_REVIEWER", "")
    if not name.strip():
        raise click.UsageError("give --reviewer NAME or set SCREENER_REVIEWER")
    return name


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def new_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def file_progress_bar() -> tuple[Progress, Callable[[str, int, int], None]]:
    bar = new_bar()
    tasks: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        if total < PROGRESS_THRESHOLD:
            return
        if not tasks:  # shown only once a big file needs it: nothing is drawn otherwise
            bar.start()
        if name not in tasks:
            tasks[name] = bar.add_task(f"Importing {escape(name)}", total=total)
        bar.update(tasks[name], completed=done, total=total)

    return bar, update


def work_bar(description: str, records: int) -> tuple[Progress, Callable[[int, int], None]]:
    """A bar for work over ``records`` records, drawn only when there are enough of them."""
    bar = new_bar()
    task: list[Any] = []

    def update(done: int, total: int) -> None:
        if records < PROGRESS_THRESHOLD:
            return
        if not task:
            bar.start()
            task.append(bar.add_task(description, total=total))
        bar.update(task[0], completed=done, total=total)

    return bar, update


def export_target(output: str | None, project: Project, file_name: str) -> Path:
    """The file an export writes (see the module docstring)."""
    if not output:
        return default_target(project, file_name)
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        return path / file_name
    return path
