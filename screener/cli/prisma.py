"""CLI: the PRISMA 2020 exports (prisma-csv, prisma-svg, prisma-md), the audit log export,
and `screener prisma show|replay`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from screener.cli.common import fail, opened_project, out, print_json
from screener.errors import ScreenerError


@click.group()
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

    with opened_project(project) as opened:
        figures = project_prisma(opened).as_dict()
    if as_json:
        print_json(figures)
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
        fail(str(exc))
    if as_json:
        print_json(figures)
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
