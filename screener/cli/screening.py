"""Screening commands: decide, agreement, retrieval and the TUI's screen (conflicts and their
resolution are in :mod:`screener.cli.conflicts`)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Group
from rich.markup import escape
from rich.table import Table

from screener.cli.common import (
    REVIEWER_HELP,
    STAGE_NAMES,
    fail,
    opened_project,
    out,
    parse_tags,
    print_json,
    reviewer_name,
    stage_option,
)
from screener.errors import ScreenerError
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.protocol import QUEUE_ORDERS
from screener.screening.agreement import PairAgreement, agreement_report
from screener.screening.decisions import decide, set_retrieval


@click.command(name="decide")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("verdict", type=click.Choice(["include", "exclude", "maybe"]))
@click.option("--reviewer", help=REVIEWER_HELP)
@click.option("--record", "record_id", type=int, required=True, help="Study (or record) id.")
@stage_option
@click.option("--reason", "reasons", multiple=True, metavar="CODE", help="Exclusion reason code.")
@click.option("--tag", "tags", multiple=True, metavar="VOCAB=TERM", help="A tag, e.g. tissue=bone.")
@click.option("--note", default="", help="A note kept with the decision.")
@click.option(
    "--retrieved",
    is_flag=True,
    help="At full text: mark the report retrieved with the decision (a full-text decision "
    "is refused while the report is not marked retrieved).",
)
def decide_command(
    project: Path,
    verdict: str,
    reviewer: str | None,
    record_id: int,
    stage: Stage,
    reasons: tuple[str, ...],
    tags: tuple[str, ...],
    note: str,
    retrieved: bool,
) -> None:
    """Record a screening decision on a study (what the TUI's i/e/m keys do).

    The id is the study id that `screener export dedup-map` writes and the TUI shows; a
    duplicate record's id stands for its study. The decision is committed before the
    command returns. A full-text decision assesses the report: mark it retrieved first
    (`screener retrieval`), or give --retrieved to record the mark with the decision.

    \b
    Example:
      screener decide projects/my-review exclude --reviewer alice --record 12 \\
          --reason design --tag tissue=bone --note "narrative review"
      screener decide projects/my-review include --reviewer bob --record 12 --stage ft \\
          --retrieved
    """
    name = reviewer_name(reviewer)
    parsed = parse_tags(tags)
    wanted = NewDecision(record_id, stage, name, Verdict(verdict), reasons, parsed, note)
    with opened_project(project) as opened:
        try:
            made = decide(opened, wanted, mark_retrieved=retrieved)
        except ScreenerError as exc:
            fail(str(exc))
    marked = " (report marked retrieved)" if retrieved and stage is Stage.FULL_TEXT else ""
    out.print(f"{escape(made.reviewer)}: {made.verdict} study {made.record_id} at {stage}{marked}")


def _number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@click.command(name="agreement")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def agreement_command(project: Path, as_json: bool) -> None:
    """Agreement per stage and reviewer pair on the studies both decided: percent agreement,
    Cohen's kappa with its 95% confidence interval, PABAK and Gwet's AC1 (maybe counts as
    include).

    \b
    Example:
      screener agreement projects/my-review --json
    """
    with opened_project(project) as opened:
        report = agreement_report(opened)
    if as_json:
        print_json([pair.as_dict() for pair in report])
        return
    if not report:
        out.print("No study has been decided by two reviewers yet.")
        return
    out.print(agreement_table(report))


def agreement_table(report: list[PairAgreement]) -> Group:
    """A table per stage: with a stage column the numbers no longer fit 80 columns and Rich
    cut the confidence interval short. Numbers never wrap; long reviewer names do."""
    tables = []
    for stage in Stage:
        pairs = [pair for pair in report if pair.stage is stage]
        if not pairs:
            continue
        table = Table(
            title=STAGE_NAMES[str(stage)],
            title_justify="left",
            title_style="bold",
            show_edge=False,
            header_style="bold",
        )
        table.add_column("reviewers", overflow="fold")
        for column in ("n", "agree %", "kappa", "95% CI", "PABAK", "AC1"):
            table.add_column(column, justify="right", no_wrap=True)
        for pair in pairs:
            a = pair.agreement
            ci = "-" if a.kappa is None else f"{_number(a.kappa_ci_low)}–{_number(a.kappa_ci_high)}"
            table.add_row(
                escape(f"{pair.reviewer_a} / {pair.reviewer_b}"),
                str(a.n),
                _number(a.percent_agreement, 1),
                _number(a.kappa),
                ci,
                _number(a.pabak),
                _number(a.gwet_ac1),
            )
        tables.append(table)
    return Group(*tables)


@click.command(name="retrieval")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("status", type=click.Choice([s.value for s in RetrievalStatus]))
@click.option("--record", "record_id", type=int, required=True, help="Study id.")
@click.option("--reviewer", help=REVIEWER_HELP)
@click.option("--reason", default="", help="Why the report was not retrieved.")
@click.option("--pdf", "pdf_path", default="", help="The PDF's path (relative to the project).")
def retrieval_command(
    project: Path,
    status: str,
    record_id: int,
    reviewer: str | None,
    reason: str,
    pdf_path: str,
) -> None:
    """Mark a study's full-text report sought, not_retrieved (with --reason) or retrieved
    (with --pdf when there is a file). Only studies included at title/abstract have reports
    to retrieve.

    \b
    Example:
      screener retrieval projects/my-review retrieved --record 12 --reviewer alice \\
          --pdf fulltext/smith2021.pdf
    """
    name = reviewer_name(reviewer)
    with opened_project(project) as opened:
        try:
            made = set_retrieval(
                opened, record_id, RetrievalStatus(status), name, reason=reason, pdf_path=pdf_path
            )
        except ScreenerError as exc:
            fail(str(exc))
    out.print(f"Study {made.record_id}: {made.status}")


START_SCREENS = (
    "screening",
    "dashboard",
    "full_text",
    "conflicts",
    "duplicates",
    "extraction",
    "history",
    "search",
)


def run_tui(
    project: Path,
    reviewer: str,
    *,
    stage: Stage = Stage.TITLE_ABSTRACT,
    order: str | None = None,
    seed: int | None = None,
    start: str = "screening",
) -> None:
    """Open the TUI (Textual is imported only here: the other commands start faster)."""
    from screener.tui.app import ScreenerApp

    try:
        app = ScreenerApp(project, reviewer, stage=stage, order=order, seed=seed, start=start)
    except ScreenerError as exc:
        fail(str(exc))
    app.run()


@click.command(name="screen")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--reviewer", help=REVIEWER_HELP)
@stage_option
@click.option(
    "--order",
    type=click.Choice(QUEUE_ORDERS),
    help="Queue order (default: protocol.toml's [screening] order).",
)
@click.option("--seed", type=int, help="Seed of the random order (default: the protocol's).")
@click.option(
    "--start",
    type=click.Choice(START_SCREENS),
    default="screening",
    show_default=True,
    help="The first screen.",
)
def screen_command(
    project: Path,
    reviewer: str | None,
    stage: Stage,
    order: str | None,
    seed: int | None,
    start: str,
) -> None:
    """Screen in the terminal UI as one reviewer, blind to the others: one key per decision
    (i include, e exclude, m maybe; → ←), r reason, t tag, n note, u undo, j/k move,
    / search, ? every key. Each decision is saved before the next study is shown.

    \b
    Example:
      SCREENER_REVIEWER=alice screener screen projects/my-review
      screener screen projects/my-review --reviewer bob --stage full_text
    """
    run_tui(project, reviewer_name(reviewer), stage=stage, order=order, seed=seed, start=start)
