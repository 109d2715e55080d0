"""Sync commands: export a reviewer's events from one copy of a project, import them in another."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.markup import escape

from screener.cli.common import err, fail, opened_project, out, print_json, reviewer_name
from screener.errors import ScreenerError
from screener.sync.service import TABLES, export_events, import_files, write_jsonl

KIND_NAMES = {
    "decision": ("decision", "decisions"),
    "resolution": ("resolution", "resolutions"),
    "tag_resolution": ("tag resolution", "tag resolutions"),
    "retrieval": ("retrieval", "retrievals"),
    "vocabulary_term": ("vocabulary term", "vocabulary terms"),
    "extraction": ("extracted value", "extracted values"),
}


def _count(kind: str, n: int) -> str:
    one, many = KIND_NAMES[kind]
    return f"{n} {one if n == 1 else many}"


@click.group(name="sync")
def sync() -> None:
    """Move one reviewer's screening events between copies of a project (one copy per
    reviewer's machine). Each reviewer exports their own events and the others import
    them; importing a file twice changes nothing. Both copies must have imported the same
    source files: records are matched by the file's sha256 and their position in it.

    \b
    Example:
      screener sync export projects/my-review --reviewer alice -o alice.jsonl
      screener sync import projects/my-review alice.jsonl
    """


@sync.command(name="export")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--reviewer", help="Whose events to export (default: $SCREENER_REVIEWER).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    metavar="FILE.jsonl",
    help="Where to write (replaced whole, never left half-written).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def sync_export(project: Path, reviewer: str | None, output: Path, as_json: bool) -> None:
    """Write every screening event of one reviewer (decisions, undos, retrievals, conflict
    resolutions, tag resolutions, vocabulary terms added) to a JSONL file for another copy
    of the project.

    \b
    Example:
      screener sync export projects/my-review --reviewer alice -o alice.jsonl
    """
    name = reviewer_name(reviewer)
    with opened_project(project) as opened:
        try:
            events = export_events(opened, name)
            write_jsonl(output, events)
        except ScreenerError as exc:
            fail(str(exc))
    kinds = Counter(e["kind"] for e in events[1:])
    counts = {kind: kinds[kind] for kind in TABLES}
    if as_json:
        print_json({"file": str(output), "reviewer": name, "events": counts})
        return
    detail = ", ".join(_count(kind, n) for kind, n in counts.items())
    out.print(
        f"Wrote {sum(counts.values())} event(s) of {escape(name)} to "
        f"{escape(str(output))}: {detail}"
    )


@sync.command(name="import")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.jsonl...",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def sync_import(project: Path, files: tuple[Path, ...], as_json: bool) -> None:
    """Merge files written by `screener sync export` into this copy of the project, all of
    them or (on any problem, reported with its file and line number) nothing. Events
    already here are skipped, so a file may be imported again after the other reviewer has
    done more. Files whose events need each other (two reviewers' full-text decisions on
    studies they both included) are imported together.

    \b
    Example:
      screener sync import projects/my-review alice.jsonl
      screener sync import projects/my-review alice.jsonl bob.jsonl
    """
    with opened_project(project) as opened:
        try:
            reports = import_files(opened, list(files))
        except ScreenerError as exc:
            fail(str(exc))
    if as_json:
        print_json(reports[0].as_dict() if len(reports) == 1 else [r.as_dict() for r in reports])
        return
    for report in reports:
        for warning in report.warnings:
            err.print(f"[bold yellow]warning:[/] {escape(warning)}")
        out.print(f"Imported {escape(report.reviewer)}'s events from {escape(report.file)}:")
        for kind in TABLES:
            added, present = report.added[kind], report.present[kind]
            out.print(f"  {_count(kind, added)} added, {present} already present")
