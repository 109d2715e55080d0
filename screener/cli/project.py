"""`screener init`, `status`, `sources` and `demo`: a project as a whole."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from screener.cli.common import STAGE_NAMES, fail, opened_project, out, print_json, records_text
from screener.cli.importing import report_imports
from screener.cli.prisma import print_prisma
from screener.errors import ScreenerError
from screener.overview import project_sources, project_status, source_summary
from screener.project import init_project


@click.command()
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
        fail(str(exc))
    out.print(f"Created project {escape(str(project))}")
    out.print(
        f"Next: edit {escape(str(project / 'protocol.toml'))}, then "
        f"`screener import {escape(str(project))} FILE...`"
    )


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def status(project: Path, as_json: bool) -> None:
    """Show a project's sources, record counts, studies and screening progress.

    \b
    Example:
      screener status projects/my-review --json
    """
    with opened_project(project) as opened:
        overview = project_status(opened)
    if as_json:
        print_json(overview.as_dict())
        return
    out.print(f"[bold]{escape(overview.title)}[/]  ({escape(overview.project)})")
    skipped = overview.skipped_records
    out.print(
        f"Records: {overview.records} from {len(overview.sources)} source(s)"
        + (f", {skipped} empty records skipped" if skipped else "")
    )
    if overview.sources:
        out.print(_sources_table([source_summary(s) for s in overview.sources]))
    dedup = overview.dedup
    out.print(
        f"Studies: {dedup.studies} ({dedup.duplicates_removed} duplicates removed: "
        f"{dedup.duplicates_removed_automatic} automatic, "
        f"{dedup.duplicates_removed_by_reviewer} by reviewer)"
    )
    out.print(f"Pairs awaiting duplicate review: {dedup.pairs_awaiting_review}")
    if dedup.related_links:
        out.print(f"Related links (never merged): {dedup.related_links}")
    if dedup.records_not_compared:
        out.print(
            f"{records_text(dedup.records_not_compared)} not yet checked for duplicates "
            f"(`screener dedup {escape(str(project))}`)"
        )
    if dedup.studies_outdated:
        out.print(
            f"Studies not yet updated for protocol.toml's [dedup]: "
            f"`screener dedup {escape(str(project))}`"
        )
    for stage, figures in overview.stages.items():
        done = figures.records_with_decisions
        by = ", ".join(f"{escape(k)} {v}" for k, v in figures.decisions_by_reviewer.items())
        who = f" ({by})" if by else ""
        out.print(f"{STAGE_NAMES[stage]}: {records_text(done)} with decisions{who}")
    print_prisma(overview.prisma.as_dict())


def _source_notes(source: dict[str, Any]) -> str:
    """A table's unused columns and empty fields, in one cell."""
    notes = []
    if source["unused_columns"]:
        notes.append(f"not used: {', '.join(source['unused_columns'])}")
    if source["empty_fields"]:
        notes.append(f"empty: {', '.join(source['empty_fields'])}")
    return "; ".join(notes)


def _sources_table(sources: list[dict[str, Any]]) -> Table:
    columns = ["#", "file", "database", "format", "records", "skipped"]
    if any(s["searched_on"] for s in sources):
        columns.append("searched on")
    if any(_source_notes(s) for s in sources):
        columns.append("columns")
    table = Table(show_edge=False, header_style="bold")
    for column in columns:
        numeric = column in {"#", "records", "skipped"}
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for s in sources:
        sheet = f" ({s['sheet']})" if s["sheet"] else ""
        cells = [
            str(s["id"]),
            escape(s["file"] + sheet),
            escape(s["database"]),
            s["format"],
            str(s["records"]),
            str(s["skipped"]),
        ]
        if "searched on" in columns:
            cells.append(escape(s["searched_on"]))
        if "columns" in columns:
            cells.append(escape(_source_notes(s)))
        table.add_row(*cells)
    return table


@click.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def sources(project: Path, as_json: bool) -> None:
    """List the imported files (one search each) with database, format and record counts.

    \b
    Example:
      screener sources projects/my-review
    """
    with opened_project(project) as opened:
        rows = [source_summary(s) for s in project_sources(opened)]
    if as_json:
        print_json(rows)
    elif rows:
        out.print(_sources_table(rows))
    else:
        out.print("No sources imported yet: `screener import PROJECT FILE...`")


@click.command()
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
        fail(str(exc))
    report_imports(results)
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
