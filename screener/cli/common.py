"""What every command shares: the consoles (which show control characters in any text as
visible stand-ins), errors as one line, opening a project, progress bars, JSON output and
where an export is written."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.segment import Segment
from rich.text import Text

from screener.errors import ProtocolError, ScreenerError
from screener.exports.kinds import default_target
from screener.models import Stage
from screener.project import Project, open_project
from screener.screening.decisions import parse_stage
from screener.text import CONTROL, visible

PROGRESS_THRESHOLD = 1000  # records; smaller jobs finish too fast for a bar to help
STAGE_NAMES = {"title_abstract": "Title/abstract", "full_text": "Full text"}
REVIEWER_HELP = "Your name as in protocol.toml's reviewers (default: $SCREENER_REVIEWER)."


class _Visible:
    """A renderable whose text segments show control characters as stand-ins; the
    segments Rich itself emits to style or move (``control``) pass unchanged."""

    def __init__(self, renderable: ConsoleRenderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control or not CONTROL.search(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)


class _TextAsData(RenderHook):
    """Citation and user text is data: whatever a command prints (messages, tables,
    notes from a sync file) reaches the terminal without a single control character."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_visible_text(r) if isinstance(r, Text) else _Visible(r) for r in renderables]


def _visible_text(text: Text) -> Text:
    """A printed line (markup already parsed into styles) with its control characters as
    stand-ins; C0 stand-ins keep the length, so the styles stay where they were."""
    if not CONTROL.search(text.plain):
        return text
    shown = text.copy()
    shown.plain = visible(text.plain)
    return shown


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    console.push_render_hook(_TextAsData())
    return console


out = _console(stderr=False)
err = _console(stderr=True)


def records_text(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


def fail(message: str) -> NoReturn:
    """The error (control characters shown as stand-ins by the console), exit status 1."""
    err.print(f"[bold red]error:[/] {escape(message)}")
    sys.exit(1)


def fail_protocol(exc: ProtocolError) -> NoReturn:
    """Every problem of protocol.toml, one a line under the error."""
    if len(exc.problems) == 1:
        fail(str(exc))
    err.print(
        f"[bold red]error:[/] {escape(visible(exc.path, lines=False))}: "
        f"{len(exc.problems)} problems in the protocol:"
    )
    for problem in exc.problems:
        err.print(f"  {escape(visible(problem, lines=False))}")
    sys.exit(1)


@contextmanager
def opened_project(path: Path) -> Iterator[Project]:
    try:
        project = open_project(path)
    except ProtocolError as exc:
        fail_protocol(exc)
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
    """JSON on stdout; C1 controls and DEL written as \\u escapes (JSON escapes the C0 ones
    itself), so the same data reaches a terminal without an escape sequence."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    click.echo(CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


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


# -- stages, tags and user text -------------------------------------------------------------


def stage_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Stage | None:
    """--stage as a Stage (ta, ft and the full names), a usage error otherwise."""
    if value is None:
        return None
    try:
        return parse_stage(value)
    except ScreenerError as exc:
        raise click.BadParameter(str(exc)) from None


stage_option = click.option(
    "--stage",
    callback=stage_callback,
    default="title_abstract",
    show_default=True,
    help="title_abstract (ta) or full_text (ft).",
)


def parse_tags(values: tuple[str, ...]) -> dict[str, list[str]]:
    """--tag VOCABULARY=TERM options as vocabulary -> terms."""
    tags: dict[str, list[str]] = {}
    for value in values:
        vocabulary, sep, term = value.partition("=")
        if not sep or not vocabulary.strip() or not term.strip():
            raise click.BadParameter(f"{value!r}: write VOCABULARY=TERM, e.g. tissue=bone")
        tags.setdefault(vocabulary.strip(), []).append(term.strip())
    return tags
