"""`screener import`: search exports into a project, one source per file."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from screener.cli.common import err, fail, file_progress_bar, opened_project, out, records_text
from screener.errors import ScreenerError
from screener.importers.reading import FORMATS
from screener.importers.service import FileImport, Search, check_files, store_files
from screener.models import SourceMethod


def _iso_date(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        Search(searched_on=value)  # the core's own check, reported as a usage error
    except ScreenerError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@click.command(name="import")
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
    "--sheet",
    metavar="NAME",
    help="The sheet of an Excel workbook to import (needed when several sheets hold citations).",
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
    sheet: str | None,
    strict: bool,
) -> None:
    """Import search exports (RIS, PubMed MEDLINE/nbib, Web of Science, BibTeX, CSV/TSV,
    Excel .xlsx, EndNote XML); each file is one search. The format is detected from the
    content; the columns of tables are matched by name (docs/formats.md).

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
    bar, update = file_progress_bar()
    with opened_project(project) as opened:
        try:
            with err.status(f"Reading {len(files)} file(s)…"):
                checked = check_files(opened, files, fmt=fmt, sheet=sheet)
            try:
                results = store_files(opened, checked, search, strict=strict, progress=update)
            finally:
                if bar.live.is_started:
                    bar.stop()
        except ScreenerError as exc:
            fail(str(exc))
        report_imports(results)


def report_imports(results: list[FileImport]) -> None:
    for result in results:
        for warning in result.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        source = result.source
        skipped = f", {source.skipped_count} skipped" if source.skipped_count else ""
        sheet = f", sheet {escape(repr(source.sheet))}" if source.sheet else ""
        out.print(
            f"Imported {escape(source.file_name)}{sheet}: {records_text(source.record_count)}"
            f"{skipped} ({FORMATS[source.format].LABEL}, {escape(source.database)}, "
            f"source {source.id})"
        )
