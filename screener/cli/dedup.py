"""`screener dedup`: find duplicate records and link them into studies."""

from __future__ import annotations

from pathlib import Path

import click

from screener.cli.common import fail, opened_project, out, print_json, work_bar
from screener.dedup.service import DedupReport, run_dedup
from screener.errors import ScreenerError
from screener.overview import record_count


@click.command(name="dedup")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what a run would find; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def dedup_command(project: Path, dry_run: bool, as_json: bool) -> None:
    """Find duplicate records: one study exported by several databases, or twice by one.

    Each run compares the records imported since the last run with all records. Sure
    matches are linked into one study; uncertain pairs wait for a reviewer. A pair is judged
    once: later runs never change it, and reviewers' decisions always stand.

    \b
    Example:
      screener dedup projects/my-review --dry-run
    """
    with opened_project(project) as opened:
        bar, update = work_bar("Finding duplicates", record_count(opened))
        try:
            report = run_dedup(opened, dry_run=dry_run, progress=update)
        except ScreenerError as exc:
            fail(str(exc))
        finally:
            if bar.live.is_started:
                bar.stop()
    if as_json:
        print_json(report.as_dict())
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
