"""`screener export ris|bibtex|asreview`: reference lists and the ASReview dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape

from screener.cli import _fail, _project, _work_bar, err, export, out
from screener.cli.output import export_target, output_option
from screener.errors import ScreenerError
from screener.exports.references import Progress
from screener.exports.study_outcomes import StudySet
from screener.project import Project

_STUDIES_HELP = (
    "included: included at full text (not studies still awaiting full-text screening or "
    "whose report was not retrieved); excluded: excluded at title/abstract or full text; "
    "all: every study."
)


Writer = Callable[[Project, Path, Progress], int]


def _run(project: Path, output: str | None, default_name: str, what: str, write: Writer) -> None:
    """Write, with a spinner while the studies are chosen, then a bar over the entries
    (for projects of PROGRESS_THRESHOLD records or more)."""
    with _project(project) as opened:
        target = export_target(output, opened, default_name)
        bar, update = _work_bar(f"Writing the {what}", opened.store.records.count())
        spinner = err.status(f"Choosing the studies for the {what}…")

        def progress(done: int, total: int) -> None:
            spinner.stop()  # the bar takes over (stopping twice is harmless)
            update(done, total)

        try:
            spinner.start()
            count = write(opened, target, progress)
        except ScreenerError as exc:
            spinner.stop()
            if bar.live.is_started:
                bar.stop()
            _fail(str(exc))
        finally:
            spinner.stop()
            if bar.live.is_started:
                bar.stop()
    noun = "study" if count == 1 else "studies"
    out.print(f"Wrote {count} {noun} to {escape(str(target))}")


_studies_option = click.option(
    "--studies",
    type=click.Choice([s.value for s in StudySet]),
    default=StudySet.INCLUDED.value,
    show_default=True,
    help=_STUDIES_HELP,
)


@export.command(name="ris")
@click.argument("project", type=click.Path(path_type=Path))
@_studies_option
@output_option("included.ris (excluded.ris, all.ris)")
def export_ris(project: Path, studies: str, output: str | None) -> None:
    """Included studies as RIS, for Zotero, EndNote and Mendeley.

    One reference per study (duplicates merged: the first-imported record, gaps filled
    from its duplicates), with its screening outcome and reasons in the notes (N1).

    \b
    Examples:
      screener export ris projects/my-review
      screener export ris projects/my-review --studies excluded -o excluded.ris
    """
    from screener.exports.ris import write_ris

    chosen = StudySet(studies)
    _run(
        project,
        output,
        f"{chosen}.ris",
        "RIS file",
        lambda opened, target, bar: write_ris(opened, target, chosen, bar),
    )


@export.command(name="bibtex")
@click.argument("project", type=click.Path(path_type=Path))
@_studies_option
@output_option("included.bib (excluded.bib, all.bib)")
def export_bibtex(project: Path, studies: str, output: str | None) -> None:
    """Included studies as BibTeX, for LaTeX and reference managers.

    One entry per study with a unique key (first author, year, first word of the title;
    a, b, … on repeats), LaTeX special characters escaped, and the screening outcome in
    the note field.

    \b
    Examples:
      screener export bibtex projects/my-review -o included.bib
      screener export bibtex projects/my-review --studies all
    """
    from screener.exports.bibtex import write_bibtex

    chosen = StudySet(studies)
    _run(
        project,
        output,
        f"{chosen}.bib",
        "BibTeX file",
        lambda opened, target, bar: write_bibtex(opened, target, chosen, bar),
    )


@export.command(name="asreview")
@click.argument("project", type=click.Path(path_type=Path))
@output_option("asreview.csv")
def export_asreview(project: Path, output: str | None) -> None:
    """Every study with its title/abstract label, as a CSV dataset for ASReview LAB.

    Columns record_id, title, abstract, authors, keywords, year, doi, url and
    label_included: 1 included at title/abstract, 0 excluded there, empty while
    undecided (ASReview treats those as unlabelled). Open it in ASReview as a dataset
    with prior knowledge.

    \b
    Example:
      screener export asreview projects/my-review -o asreview.csv
    """
    from screener.exports.asreview_csv import write_asreview

    _run(project, output, "asreview.csv", "ASReview CSV", write_asreview)
