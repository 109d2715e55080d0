"""`screener export KIND PROJECT`: every export kind of the registry as a sub-command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape

from screener.cli.common import (
    err,
    export_target,
    fail,
    opened_project,
    out,
    output_option,
    records_text,
    work_bar,
)
from screener.dedup.service import DEDUP_MAP_COLUMNS, dedup_map_rows
from screener.errors import ScreenerError
from screener.exports import audit, prisma_csv, prisma_md, prisma_svg
from screener.exports.csv_safe import write_csv
from screener.exports.kinds import ExportKind
from screener.exports.references import Progress
from screener.exports.study_outcomes import StudySet
from screener.overview import record_count
from screener.project import Project


class ExportGroup(click.Group):
    """A click group that also offers, as ``screener export NAME PROJECT [-o PATH]``, each
    kind of screener.exports.registry that has no command of its own. The registry (and
    with it every writer module) is imported only when the export group is used, so the
    rest of the command line starts as fast as before."""

    def _kinds(self) -> dict[str, object]:
        from screener.exports.registry import all_kinds

        return {kind.name: kind for kind in all_kinds()}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._kinds()))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its kind's whole summary (click would cut it at 45 characters)."""
        kinds = self._kinds()
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            summary = getattr(kinds.get(name), "summary", None)
            rows.append((name, summary or command.get_short_help_str(limit=70)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        kind = self._kinds().get(cmd_name)
        return None if kind is None else kind_command(kind)


def kind_command(kind: object) -> click.Command:
    """``screener export NAME PROJECT [-o PATH]`` for a kind without options of its own."""
    assert isinstance(kind, ExportKind)

    def run(project: Path, output: str | None) -> None:
        with opened_project(project) as opened:
            target = export_target(output, opened, kind.default_file)
            try:
                with err.status(f"Writing {kind.name}…"):
                    written = kind.write(opened, target)
            except ScreenerError as exc:
                fail(str(exc))
            except OSError as exc:
                fail(f"{target}: cannot write: {exc.strerror or exc}")
        out.print(f"Wrote {escape(', '.join(str(p) for p in written))}")

    run = click.argument("project", type=click.Path(path_type=Path))(
        output_option(kind.default_file)(run)
    )
    return click.command(
        kind.name,
        help=f"{kind.summary}.\n\n\b\nExample:\n  screener export {kind.name} projects/my-review",
        short_help=kind.summary,
    )(run)


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
    with opened_project(project) as opened:
        target = export_target(output, opened, "dedup-map.csv")
        rows = dedup_map_rows(opened)
    try:
        count = write_csv(target, DEDUP_MAP_COLUMNS, (row.values() for row in rows))
    except ScreenerError as exc:
        fail(str(exc))
    out.print(f"Wrote {records_text(count)} to {escape(str(target))}")


_STUDIES_HELP = (
    "included: included at full text (not studies still awaiting full-text screening or "
    "whose report was not retrieved); excluded: excluded at title/abstract or full text; "
    "all: every study."
)


Writer = Callable[[Project, Path, Progress], int]


def _run(project: Path, output: str | None, default_name: str, what: str, write: Writer) -> None:
    """Write, with a spinner while the studies are chosen, then a bar over the entries
    (for projects of PROGRESS_THRESHOLD records or more)."""
    with opened_project(project) as opened:
        target = export_target(output, opened, default_name)
        bar, update = work_bar(f"Writing the {what}", record_count(opened))
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
            fail(str(exc))
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


@export.command(name="evidence")
@click.argument("project", type=click.Path(path_type=Path))
@output_option("evidence.csv, .xlsx and .md")
@click.option(
    "--format",
    "formats",
    type=click.Choice(["csv", "xlsx", "md"]),
    multiple=True,
    help="Only this format (repeatable; default: all three).",
)
def export_evidence(project: Path, output: str | None, formats: tuple[str, ...]) -> None:
    """Write the evidence table: one row per study included at full text, with its citation,
    DOI, PMID, screening tags, the extracted values in force and who extracted them.

    \b
    Example:
      screener export evidence projects/my-review
      screener export evidence projects/my-review --format xlsx -o evidence.xlsx
    """
    from screener.exports.evidence import FORMATS, write_evidence

    with opened_project(project) as opened:
        chosen = list(dict.fromkeys(formats)) or list(FORMATS)
        target = export_target(output, opened, f"evidence.{chosen[0]}")
        try:
            paths = write_evidence(opened, target, chosen)
        except ScreenerError as exc:
            fail(str(exc))
        for path in paths:
            out.print(f"Wrote {escape(str(path))}")


@export.command(name="evidence-map")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--rows", default="tissue", show_default=True, help="Vocabulary of the rows.")
@click.option("--columns", default="outcome", show_default=True, help="Vocabulary of columns.")
@output_option("evidence-map.csv (the SVG beside it)")
def export_evidence_map(project: Path, rows: str, columns: str, output: str | None) -> None:
    """Write the evidence map: how many included studies have each pair of a row term and a
    column term (terms from the extracted values in force of fields bound to the vocabulary,
    and from screening tags), as a CSV crosstab and an SVG heat map.

    \b
    Example:
      screener export evidence-map projects/my-review
      screener export evidence-map projects/my-review --rows model --columns outcome -o map.csv
    """
    from screener.exports.evidence_map import write_evidence_map

    with opened_project(project) as opened:
        target = export_target(output, opened, "evidence-map.csv")
        try:
            paths = write_evidence_map(opened, target, rows, columns)
        except ScreenerError as exc:
            fail(str(exc))
        for path in paths:
            out.print(f"Wrote {escape(str(path))}")


_EXAMPLE_DIR = "projects/my-review"


def _first_lower(text: str) -> str:
    """ "Full event log" -> "full event log", but "PRISMA 2020" stays."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def _export_command(kind: ExportKind, more: str = "") -> None:
    name = kind.name

    @export.command(
        name=name,
        help=f"""Write {_first_lower(kind.summary)}.
{more}
    \b
    Example:
      screener export {name} {_EXAMPLE_DIR} -o {kind.default_file}
    """,
    )
    @click.argument("project", type=click.Path(path_type=Path))
    @output_option(kind.default_file)
    def command(project: Path, output: str | None) -> None:
        with opened_project(project) as opened:
            target = export_target(output, opened, kind.default_file)
            try:
                written = kind.write(opened, target)
            except ScreenerError as exc:
                fail(str(exc))
        for path in written:
            out.print(f"Wrote {escape(str(path))}")


_export_command(
    prisma_csv.KINDS[0],
    """
    The file is the PRISMA2020 R package's / Shiny app's template (PRISMA.csv) row for row,
    with its n column filled in: load it in the app (estech.shinyapps.io/prisma_flowdiagram)
    or with PRISMA2020::PRISMA_data(read.csv(...)). Boxes that do not apply are NA.
""",
)
_export_command(
    prisma_svg.KINDS[0],
    """
    A PRISMA 2020 flow diagram for A4 paper, with an other-methods column when some files
    were imported with --method website, organisation or citation, and the records, reports
    still awaiting screening, retrieval or assessment shown where there are any.
""",
)
_export_command(
    prisma_md.KINDS[0],
    """
    A Markdown table of every count and a Mermaid flowchart (flowchart TD) of the flow.
""",
)
_export_command(
    audit.KINDS[0],
    """
    The full event log, oldest first: imports, dedup runs and links, decisions, resolutions,
    retrievals, vocabulary terms and extractions. The CSV has one row per event; the JSONL
    beside it (audit.jsonl, or the CSV's name with .jsonl) has every field, for
    `screener prisma replay`.
""",
)
