"""The ``simulate`` command: how well the relevance ranking finds a labelled set's includes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table

from screener.cli.common import fail, new_bar, out, print_json
from screener.errors import ScreenerError
from screener.screening.labelled import DEFAULT_LABEL_COLUMN

if TYPE_CHECKING:
    from screener.screening.simulate import SimulationReport, StepProgress


@click.command(name="simulate")
@click.argument("labelled_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--label-column",
    default=DEFAULT_LABEL_COLUMN,
    show_default=True,
    help="The field holding each record's label (1/0, yes/no, include/exclude).",
)
@click.option(
    "--seeds",
    default=3,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Simulate with seeds 1..N (each seed draws its own prior records).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def simulate_command(labelled_file: Path, label_column: str, seeds: int, as_json: bool) -> None:
    """Simulate prioritised screening of a labelled dataset, as ASReview's `simulate` does.

    Each seed starts from one relevant and one irrelevant record drawn by the seed, then
    screens one record at a time in the model's order, retraining after each, until every
    relevant record is found. Reports WSS@95, recall after 10% screened, average time to
    discovery (ATD), ASReview-insights' loss and the mean retrain time per step. The file
    can be in any format `screener import` reads; records with no title and no abstract
    stay in (ranked on no words, as ASReview does).

    \b
    Example:
      screener simulate Cohen_2006/online/ACEInhibitors.csv --seeds 3
      screener simulate labelled.ris --label-column LB --json
    """
    # scikit-learn and SciPy load here, not at start-up: every other command starts faster.
    from screener.screening.labelled import load_labelled
    from screener.screening.simulate import simulate

    try:
        labelled = load_labelled(labelled_file, label_column)
    except ScreenerError as exc:
        fail(str(exc))
    bar = new_bar()
    tasks: dict[int, Any] = {}

    def seed_bar(seed: int) -> StepProgress:
        def advance(done: int, total: int) -> None:
            if seed not in tasks:
                if not bar.live.is_started:
                    bar.start()
                tasks[seed] = bar.add_task(f"Seed {seed}", total=total)
            bar.update(tasks[seed], completed=done, total=total)

        return advance

    try:
        report = simulate(labelled, range(1, seeds + 1), progress=seed_bar)
    finally:
        if bar.live.is_started:
            bar.stop()
    if as_json:
        print_json(report.as_dict())
        return
    _print_report(report)


def _print_report(report: SimulationReport) -> None:
    data = report.labelled
    out.print(
        f"{escape(data.name)}: {len(data.labels)} records, {data.relevant} relevant"
        + (f", {data.empty} without title or abstract" if data.empty else "")
    )
    table = Table(show_edge=False, header_style="bold")
    for column in ("seed", "priors", "screened", "WSS@95", "recall@10%", "ATD", "loss", "s"):
        table.add_column(column, justify="left" if column == "priors" else "right")
    for result in report.seeds:
        run, scores = result.run, result.scores
        table.add_row(
            str(run.seed),
            f"rows {run.priors[0]}, {run.priors[1]}",
            str(len(run.order)),
            f"{scores.wss95:.3f}",
            f"{scores.recall10:.3f}",
            f"{scores.atd:.3f}",
            f"{scores.loss:.3f}",
            f"{result.seconds:.1f}",
        )
    table.add_row(
        "mean",
        "",
        "",
        f"{report.mean('wss95'):.3f}",
        f"{report.mean('recall10'):.3f}",
        f"{report.mean('atd'):.3f}",
        f"{report.mean('loss'):.3f}",
        f"{report.seconds_per_seed:.1f}",  # a mean like the rest of the row
    )
    out.print(table)
    out.print(
        f"Total {report.seconds:.1f} s: features {report.feature_seconds:.1f} s, "
        f"then {len(report.seeds)} seed(s)"
    )
    out.print(f"Mean retrain + rerank per step: {report.retrain_ms_per_step:.1f} ms")
