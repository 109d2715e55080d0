"""The command line: thin commands over the core, each with help text and an example."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from screener import __version__
from screener.cli.export_group import ExportGroup
from screener.cli.output import export_target, output_option
from screener.dedup.service import DEDUP_MAP_COLUMNS, DedupReport, dedup_map_rows, run_dedup
from screener.errors import ScreenerError
from screener.exports.csv_safe import write_csv
from screener.importers.reading import FORMATS
from screener.importers.service import FileImport, Search, check_files, store_files
from screener.models import SourceMethod
from screener.overview import project_status, source_summary
from screener.project import Project, init_project, open_project

PROGRESS_THRESHOLD = 1000  # records; smaller jobs finish too fast for a bar to help

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


STAGE_NAMES = {"title_abstract": "Title/abstract", "full_text": "Full text"}


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}")
    sys.exit(1)


@contextmanager
def _project(path: Path) -> Iterator[Project]:
    try:
        project = open_project(path)
    except ScreenerError as exc:
        _fail(str(exc))
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


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="screener")
def main() -> None:
    """screener: keyboard-first systematic review screening in the terminal.

    \b
    Example:
      screener init projects/my-review --title "MSC secretome for wound healing"
      screener import projects/my-review pubmed.nbib embase.ris --searched-on 2026-11-01
      screener status projects/my-review
    """


@main.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--title", help="Review title (default: the folder name).")
def init(project: Path, title: str | None) -> None:
    """Create a review project: a folder with protocol.toml and screener.db.

    \b
    Example:
      screener init projects/my-review --title "MSC secretome for wound healing"
    """
    try:
        init_project(project, title)
    except ScreenerError as exc:
        _fail(str(exc))
    out.print(f"Created project {escape(str(project))}")
    out.print(
        f"Next: edit {escape(str(project / 'protocol.toml'))}, then "
        f"`screener import {escape(str(project))} FILE...`"
    )


def _new_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _progress_bar() -> tuple[Progress, Callable[[str, int, int], None]]:
    bar = _new_bar()
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


def _iso_date(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        Search(searched_on=value)  # the core's own check, reported as a usage error
    except ScreenerError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@main.command(name="import")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--database", help="Database searched, e.g. PubMed (default: guessed from the file).")
@click.option("--platform", default="", help="Interface used, e.g. Ovid or EBSCOhost.")
@click.option("--query", default="", help="The search string, kept for PRISMA-S reporting.")
@click.option(
    "--searched-on",
    default="",
    metavar="YYYY-MM-DD",
    callback=_iso_date,
    help="Date of the search.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    help="Force a format instead of detecting it from the content.",
)
@click.option(
    "--method",
    type=click.Choice([m.value for m in SourceMethod]),
    default=SourceMethod.DATABASE.value,
    show_default=True,
    help="How the file was found, for PRISMA 2020: a database or register search, or "
    "another method (website, organisation, citation searching).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse files with records that have no title, "
    "abstract, DOI or PMID (default: skip them with a warning).",
)
def import_(
    project: Path,
    files: tuple[Path, ...],
    database: str | None,
    platform: str,
    query: str,
    searched_on: str,
    fmt: str | None,
    method: str,
    strict: bool,
) -> None:
    """Import search exports (RIS, PubMed MEDLINE/nbib, Web of Science, BibTeX, CSV/TSV,
    EndNote XML); each file is one search. The format is detected from the content.

    All or nothing: if any file is malformed or was imported before, nothing is imported
    and the project is unchanged.

    \b
    Example:
      screener import projects/my-review pubmed.nbib --database PubMed \\
          --query '"mesenchymal stem cell*" AND secretome' --searched-on 2026-11-01

    \b
    Example (records found by citation searching: the other-methods column of PRISMA):
      screener import projects/my-review snowball.ris --database "Citation searching" \\
          --method citation
    """
    search = Search(database, platform, query, searched_on, SourceMethod(method))
    bar, update = _progress_bar()
    with _project(project) as opened:
        try:
            with err.status(f"Reading {len(files)} file(s)…"):
                checked = check_files(opened, files, fmt=fmt)
            try:
                results = store_files(opened, checked, search, strict=strict, progress=update)
            finally:
                if bar.live.is_started:
                    bar.stop()
        except ScreenerError as exc:
            _fail(str(exc))
        _report_imports(results)


def _report_imports(results: list[FileImport]) -> None:
    for result in results:
        for warning in result.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        source = result.source
        skipped = f", {source.skipped_count} skipped" if source.skipped_count else ""
        out.print(
            f"Imported {escape(source.file_name)}: {_records(source.record_count)}{skipped} "
            f"({FORMATS[source.format].LABEL}, {escape(source.database)}, source {source.id})"
        )


def _work_bar(description: str, records: int) -> tuple[Progress, Callable[[int, int], None]]:
    """A bar for work over ``records`` records, drawn only when there are enough of them."""
    bar = _new_bar()
    task: list[Any] = []

    def update(done: int, total: int) -> None:
        if records < PROGRESS_THRESHOLD:
            return
        if not task:
            bar.start()
            task.append(bar.add_task(description, total=total))
        bar.update(task[0], completed=done, total=total)

    return bar, update


@main.command(name="dedup")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what a run would find; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in the README).")
def dedup_command(project: Path, dry_run: bool, as_json: bool) -> None:
    """Find duplicate records: one study exported by several databases, or twice by one.

    Each run compares the records imported since the last run with all records. Sure
    matches are linked into one study; uncertain pairs wait for a reviewer. A pair is judged
    once: later runs never change it, and reviewers' decisions always stand.

    \b
    Example:
      screener dedup projects/my-review --dry-run
    """
    with _project(project) as opened:
        bar, update = _work_bar("Finding duplicates", opened.store.records.count())
        try:
            report = run_dedup(opened, dry_run=dry_run, progress=update)
        except ScreenerError as exc:
            _fail(str(exc))
        finally:
            if bar.live.is_started:
                bar.stop()
    if as_json:
        _print_json(report.as_dict())
        return
    compared = report.new_records_compared or 0
    if compared:
        out.print(
            f"Compared {compared} new record(s) with all {report.records}: "
            f"{report.candidates_found} pair(s) found alike"
        )
    else:
        out.print("No records imported since the last run: nothing new to compare")
    _print_dedup_figures(report)
    if dry_run:
        out.print("Dry run: nothing was written.")


def _print_dedup_figures(report: DedupReport) -> None:
    out.print(f"Records: {report.records}")
    out.print(f"Studies: {report.studies}")
    out.print(
        f"Duplicates removed: {report.duplicates_removed} "
        f"({report.duplicates_removed_automatic} automatic, "
        f"{report.duplicates_removed_by_reviewer} by reviewer)"
    )
    out.print(f"Related preprint links: {report.related_links}")
    out.print(f"Pairs awaiting review: {report.pairs_awaiting_review}")
    if report.blocked_links:
        out.print(
            f"Links not applied because a reviewer declared the records different: "
            f"{report.blocked_links}"
        )


@main.group(cls=ExportGroup)
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


@export.command(name="dedup-map")
@click.argument("project", type=click.Path(path_type=Path))
@output_option("dedup-map.csv")
def export_dedup_map(project: Path, output: str | None) -> None:
    """Write which study each record belongs to, as CSV: one row per record in import order
    with its source file, its own id in that file, its record and study ids, and how it was
    linked (exact_id, rule, reviewer; ';'-separated).

    \b
    Example:
      screener export dedup-map projects/my-review -o dedup-map.csv
    """
    with _project(project) as opened:
        target = export_target(output, opened, "dedup-map.csv")
        rows = dedup_map_rows(opened)
    try:
        count = write_csv(target, DEDUP_MAP_COLUMNS, (row.values() for row in rows))
    except ScreenerError as exc:
        _fail(str(exc))
    out.print(f"Wrote {_records(count)} to {escape(str(target))}")


@main.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in the README).")
def status(project: Path, as_json: bool) -> None:
    """Show a project's sources, record counts, studies and screening progress.

    \b
    Example:
      screener status projects/my-review --json
    """
    with _project(project) as opened:
        data = project_status(opened)
    if as_json:
        _print_json(data)
        return
    out.print(f"[bold]{escape(data['title'])}[/]  ({escape(data['project'])})")
    out.print(
        f"Records: {data['records']} from {len(data['sources'])} source(s)"
        + (f", {data['skipped_records']} empty records skipped" if data["skipped_records"] else "")
    )
    if data["sources"]:
        out.print(_sources_table(data["sources"]))
    removed = data["duplicates_removed"]
    out.print(
        f"Studies: {data['studies']} ({removed['total']} duplicates removed: "
        f"{removed['automatic']} automatic, {removed['by_reviewer']} by reviewer)"
    )
    out.print(f"Pairs awaiting duplicate review: {data['pairs_awaiting_review']}")
    if data["related_links"]:
        out.print(f"Related preprint links: {data['related_links']}")
    if data["records_not_compared"]:
        out.print(
            f"{_records(data['records_not_compared'])} not yet checked for duplicates "
            f"(`screener dedup {escape(str(project))}`)"
        )
    if data["studies_outdated"]:
        out.print(
            f"Studies not yet updated for protocol.toml's [dedup]: "
            f"`screener dedup {escape(str(project))}`"
        )
    for stage, figures in data["stages"].items():
        done = figures["records_with_decisions"]
        by = ", ".join(f"{escape(k)} {v}" for k, v in figures["decisions_by_reviewer"].items())
        out.print(
            f"{STAGE_NAMES[stage]}: {_records(done)} with decisions" + (f" ({by})" if by else "")
        )
    from screener.cli.prisma import print_prisma

    print_prisma(data["prisma"])


def _sources_table(sources: list[dict[str, Any]]) -> Table:
    columns = ["#", "file", "database", "format", "records", "skipped"]
    if any(s["searched_on"] for s in sources):
        columns.append("searched on")
    table = Table(show_edge=False, header_style="bold")
    for column in columns:
        numeric = column in {"#", "records", "skipped"}
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for s in sources:
        cells = [
            str(s["id"]),
            escape(s["file"]),
            escape(s["database"]),
            s["format"],
            str(s["records"]),
            str(s["skipped"]),
            escape(s["searched_on"]),
        ]
        table.add_row(*cells[: len(columns)])
    return table


@main.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in the README).")
def sources(project: Path, as_json: bool) -> None:
    """List the imported files (one search each) with database, format and record counts.

    \b
    Example:
      screener sources projects/my-review
    """
    with _project(project) as opened:
        rows = [source_summary(s) for s in opened.store.records.sources()]
    if as_json:
        _print_json(rows)
    elif rows:
        out.print(_sources_table(rows))
    else:
        out.print("No sources imported yet: `screener import PROJECT FILE...`")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--reviewer", help="Who screens (default: $SCREENER_REVIEWER, else alice).")
@click.option("--no-tui", is_flag=True, help="Only make the copy and print its status.")
def demo(path: Path | None, reviewer: str | None, no_tui: bool) -> None:
    """Make a fresh copy of the demo review (MSC secretome for tissue regeneration), import
    its PubMed and ScienceDirect exports, link their duplicates, and open it in the TUI
    (in a terminal; otherwise, or with --no-tui, print its status).

    PATH must be new or empty; without it the copy goes to a new temporary folder.

    \b
    Example:
      screener demo /tmp/secretome-demo --reviewer bob
    """
    from screener.demo import make_demo

    try:
        made, results = make_demo(path)
    except ScreenerError as exc:
        _fail(str(exc))
    _report_imports(results)
    out.print(f"Demo project ready at {escape(str(made))}")
    ctx = click.get_current_context()
    if no_tui or not (sys.stdin.isatty() and sys.stdout.isatty()):
        ctx.invoke(status, project=made, as_json=False)
        return
    from screener.cli.screening import run_tui

    name = reviewer or os.environ.get("SCREENER_REVIEWER") or "alice"
    run_tui(made, name, start="dashboard")
    out.print(f"The demo project stays at {escape(str(made))}:")
    out.print(f"  screener screen {escape(str(made))} --reviewer bob")


# Commands defined in their own modules register themselves on `main` when imported.
import screener.cli.extraction  # noqa: E402, F401
import screener.cli.prisma  # noqa: E402, F401
import screener.cli.references  # noqa: E402, F401
import screener.cli.screening  # noqa: E402, F401
import screener.cli.simulate  # noqa: E402, F401
import screener.cli.sync  # noqa: E402, F401
