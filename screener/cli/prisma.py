"""CLI: the PRISMA 2020 exports (prisma-csv, prisma-svg, prisma-md), the audit log export,
and `screener prisma show|replay`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from screener.cli import _fail, _print_json, _project, export, main, out
from screener.cli.output import export_target, output_option
from screener.errors import ScreenerError
from screener.exports import audit, prisma_csv, prisma_md, prisma_svg
from screener.exports.kinds import ExportKind

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
        with _project(project) as opened:
            target = export_target(output, opened, kind.default_file)
            try:
                written = kind.write(opened, target)
            except ScreenerError as exc:
                _fail(str(exc))
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


@main.group()
def prisma() -> None:
    """PRISMA 2020 counts of a project, or replayed from its audit log.

    \b
    Example:
      screener prisma show projects/my-review
    """


@prisma.command(name="show")
@click.argument("project", type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (the status --json prisma object)."
)
def prisma_show(project: Path, as_json: bool) -> None:
    """Print the project's PRISMA 2020 counts (as `screener status` does).

    \b
    Example:
      screener prisma show projects/my-review --json
    """
    from screener.prisma.inputs import project_prisma

    with _project(project) as opened:
        figures = project_prisma(opened).as_dict()
    if as_json:
        _print_json(figures)
    else:
        print_prisma(figures)


@prisma.command(name="replay")
@click.argument("audit", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (the status --json prisma object)."
)
def prisma_replay(audit: Path, as_json: bool) -> None:
    """Recount the PRISMA 2020 flow from an audit log (the .jsonl of `screener export
    audit`) alone: every number of the diagram should come out the same.

    \b
    Example:
      screener export audit projects/my-review -o audit.csv
      screener prisma replay audit.jsonl
    """
    from screener.prisma.replay import replay_file

    try:
        figures = replay_file(audit).as_dict()
    except ScreenerError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(figures)
    else:
        print_prisma(figures)


def print_prisma(figures: dict[str, Any]) -> None:
    """The counts of a PrismaCounts.as_dict() as short plain lines."""
    found = figures["identification"]
    removed = figures["removed_before_screening"]
    out.print("[bold]PRISMA 2020[/], databases and registers:")
    out.print(f"  Records identified: {found['database_results'] + found['register_results']}")
    for name, n in (*found["databases"].items(), *found["registers"].items()):
        out.print(f"    {escape(name)}: {n}")
    out.print(
        f"  Removed before screening: {removed['duplicates']} duplicates, "
        f"{removed['excluded_other']} empty, {removed['excluded_automatic']} by automation"
    )
    _print_column(figures["databases_and_registers"])
    other = figures["other_methods"]
    if other["records"]:
        out.print("Other methods:")
        out.print(
            f"  Records identified: {found['websites']} websites, "
            f"{found['organisations']} organisations, {found['citations']} citation searching"
        )
        _print_column(other)
    out.print(
        f"Studies included: {figures['studies_included']} "
        f"({figures['reports_of_included_studies']} reports)"
    )


def _print_column(column: dict[str, Any]) -> None:
    out.print(
        f"  Records screened: {column['records_screened']}, excluded: "
        f"{column['records_excluded']}; awaiting screening: {column['records_awaiting_screening']}"
    )
    out.print(
        f"  Reports sought: {column['reports_sought']}, not retrieved: "
        f"{column['reports_not_retrieved']}; awaiting retrieval: "
        f"{column['reports_awaiting_retrieval']}"
    )
    out.print(
        f"  Reports assessed: {column['reports_assessed']}, excluded: "
        f"{column['reports_excluded']}; awaiting assessment: "
        f"{column['reports_awaiting_assessment']}"
    )
    for reason, n in column["reports_excluded_by_reason"].items():
        out.print(f"    {escape(reason)}: {n}")
