"""`screener dedup`: find duplicate records and link them into studies."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from screener.cli.common import fail, opened_project, out, print_json, work_bar
from screener.dedup.explain import PairExplanation, explain_pair
from screener.dedup.service import DedupReport, run_dedup
from screener.errors import ScreenerError
from screener.overview import record_count


@click.command(name="dedup")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what a run would find; change nothing.")
@click.option(
    "--explain",
    nargs=2,
    type=int,
    metavar="ID1 ID2",
    help="Show how two records compare and which rule decides; change nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def dedup_command(
    project: Path, dry_run: bool, explain: tuple[int, int] | None, as_json: bool
) -> None:
    """Find duplicate records: one study exported by several databases, or twice by one.

    Each run compares the records imported since the last run with all records. Sure
    matches are linked into one study; related items (a preprint, an erratum, a reply) are
    linked but never merged; uncertain pairs wait for a reviewer. A pair is judged once:
    later runs never change it, and reviewers' decisions always stand. docs/dedup.md says
    how records are compared.

    \b
    Example:
      screener dedup projects/my-review --dry-run
      screener dedup projects/my-review --explain 12 348
    """
    if explain:
        _explain(project, explain, as_json)
        return
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
    kinds = ", ".join(f"{n} {kind}" for kind, n in report.related_by_kind.items() if n)
    out.print(
        f"Related links (never merged): {report.related_links}" + (f" ({kinds})" if kinds else "")
    )
    out.print(f"Pairs awaiting review: {report.pairs_awaiting_review}")
    if report.blocked_links:
        out.print(
            f"Links not applied because a reviewer declared the records different: "
            f"{report.blocked_links}"
        )


def _explain(project: Path, pair: tuple[int, int], as_json: bool) -> None:
    with opened_project(project) as opened:
        try:
            explanation = explain_pair(opened, *pair)
        except ScreenerError as exc:
            fail(str(exc))
    if as_json:
        print_json(explanation.as_dict())
        return
    _print_explanation(explanation)


def _print_explanation(e: PairExplanation) -> None:
    table = Table(show_edge=False, header_style="bold")
    table.add_column("field")
    table.add_column(f"record {e.record_a}", overflow="fold", ratio=1)
    table.add_column(f"record {e.record_b}", overflow="fold", ratio=1)
    table.add_column("level")
    table.add_column("bits", justify="right")
    table.add_column("why", overflow="fold")
    for f in e.fields:
        mark = " !" if f.conflict else ""
        table.add_row(
            f.field,
            escape(f.value_a),
            escape(f.value_b),
            f.level + mark,
            f"{f.weight:+.1f}",
            escape(f.note),
        )
    out.print(table)
    out.print(
        f"prior {e.prior:+.1f} + fields {e.score:+.1f} = {e.posterior:+.1f} bits "
        f"(probability one paper: {e.probability:.4f}); ! marks a conflict"
    )
    out.print(f"Rule: {e.rule} -> {e.verdict}: {escape(e.reason)}")
    if not e.compared:
        out.print("A run does not compare these two: they share no blocking key.")
    out.print(f"In force now: {escape(e.in_force) if e.in_force else 'nothing (different)'}")
