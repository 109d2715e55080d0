"""`screener export KIND PROJECT`: every kind of the export registry as a sub-command, built
from the kind's data (summary, description, options, file name)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import click
from rich.markup import escape

from screener.cli.common import err, export_target, fail, opened_project, out, work_bar
from screener.errors import ScreenerError
from screener.exports.kinds import ExportKind, ExportOption, Progress, Written
from screener.overview import record_count
from screener.project import Project

_EXAMPLE_PROJECT = "projects/my-review"


class ExportGroup(click.Group):
    """A click group whose commands are the kinds of screener.exports.registry. The registry
    (and with it every writer module) is imported only when the export group is used, so
    the rest of the command line starts without it."""

    def _kinds(self) -> dict[str, ExportKind]:
        from screener.exports.registry import all_kinds

        return {kind.name: kind for kind in all_kinds()}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._kinds())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        kind = self._kinds().get(cmd_name)
        return None if kind is None else kind_command(kind)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each kind with its whole summary (click would cut it at 45 characters)."""
        kinds = self._kinds()
        rows = [(name, kinds[name].summary) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def kind_command(kind: ExportKind) -> click.Command:
    """``screener export NAME PROJECT [options] [-o PATH]`` for ``kind``."""
    names = kind.file_names()
    shown = names[0] + (f" ({', '.join(names[1:])})" if names[1:] else "")
    output = click.Option(
        ["-o", "--output"],
        type=click.Path(),
        metavar="PATH",
        help=f"Where to write: a file, or a folder (one that exists, or a path ending in /) "
        f"to write {shown} in. Default: exports/<project folder name>/{names[0]}.",
    )
    return click.Command(
        kind.name,
        callback=partial(_run, kind),
        params=[
            click.Argument(["project"], type=click.Path(path_type=Path)),
            *(_click_option(option) for option in kind.options),
            output,
        ],
        help=_help(kind),
        short_help=kind.summary,
    )


def _click_option(option: ExportOption) -> click.Option:
    return click.Option(
        [f"--{option.name}", option.name],
        type=click.Choice(option.choices) if option.choices else str,
        default=option.default,
        multiple=option.multiple,
        show_default=True,
        help=option.help,
    )


def _help(kind: ExportKind) -> str:
    """The summary, the description, and examples: one plain, one for each option with
    choices (its first choice other than its first default)."""
    command = f"screener export {kind.name} {_EXAMPLE_PROJECT}"
    examples = [f"{command} -o {kind.file_name()}"]
    for option in kind.options:
        other = next((c for c in option.choices if c != option.value({})), None)
        if other:
            examples.append(f"{command} --{option.name} {other}")
    title = "Examples:" if len(examples) > 1 else "Example:"
    paragraphs = [f"{kind.summary}.", kind.description]
    lines = "\n".join(f"  {example}" for example in examples)
    return "\n\n".join([*filter(None, paragraphs), f"\b\n{title}\n{lines}"])


def _run(kind: ExportKind, project: Path, output: str | None, **options: object) -> None:
    with opened_project(project) as opened:
        target = export_target(output, opened, kind.file_name(options))
        try:
            with _feedback(kind, opened) as progress:
                written = kind.write(opened, target, options, progress)
        except ScreenerError as exc:
            fail(str(exc))
        except OSError as exc:  # writers report their own; this is the last line of defence
            fail(f"{exc.filename or target}: cannot write: {exc.strerror or exc}")
    _report(written)


@contextmanager
def _feedback(kind: ExportKind, project: Project) -> Iterator[Progress]:
    """A spinner while the kind writes, which a bar over the entries replaces when the
    writer reports its progress (for projects of PROGRESS_THRESHOLD records or more); both
    gone when it ends, before anything else is printed."""
    bar, update = work_bar(f"Writing {kind.name}", record_count(project))
    spinner = err.status(f"Writing {kind.name}…")

    def progress(done: int, total: int) -> None:
        spinner.stop()  # the bar takes over (stopping twice is harmless)
        update(done, total)

    spinner.start()
    try:
        yield progress
    finally:
        spinner.stop()
        if bar.live.is_started:
            bar.stop()


def _report(written: Written) -> None:
    first, *others = written.paths
    if written.contents:
        out.print(f"Wrote {escape(written.contents)} to {escape(str(first))}")
    else:
        out.print(f"Wrote {escape(str(first))}")
    for path in others:
        out.print(f"Wrote {escape(str(path))}")


@click.group(cls=ExportGroup)
def export() -> None:
    """Write a project's data to files for other tools and for reports. Every kind below
    is also in the TUI's export menu (x on the dashboard). Without -o a file goes to
    exports/<project folder name>/ under the current folder. Exporting never changes the
    project.

    \b
    Example:
      screener export ris projects/my-review
      screener export dedup-map projects/my-review -o dedup-map.csv
    """
