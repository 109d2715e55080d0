"""The dashboard's live PRISMA 2020 table: the counts every prisma-* export writes."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from screener.tui.text import literal


def figures_table(title: str) -> Table:
    """A table of figures as the dashboard shows them: no lines between the columns, so that
    80 columns show every header whole."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        show_edge=False,
        header_style="bold",
        expand=True,
    )


def _names(counts: dict[str, int]) -> Text:
    """'PubMed 120 · Embase 80' for the identification row (names are citation-side data)."""
    return literal(" · ".join(f"{name} {n}" for name, n in counts.items()), "dim")


def prisma_table(prisma: dict[str, Any]) -> Table:
    """Rows of the flow, top to bottom, with the other-methods column only when a source was
    found by other methods; 'awaiting' rows say what is not yet counted anywhere."""
    ident = prisma["identification"]
    removed = prisma["removed_before_screening"]
    main = prisma["databases_and_registers"]
    other = prisma["other_methods"]
    show_other = bool(other["records"])
    table = figures_table("PRISMA 2020 (live; export with x)")
    table.add_column("", no_wrap=True)
    table.add_column("databases & registers", justify="right", no_wrap=True)
    if show_other:
        table.add_column("other methods", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True, ratio=1)

    def row(label: str, left: object, right: object = "", note: Text | str = "") -> None:
        cells: list[Text | str] = [literal(label), str(left)]
        if show_other:
            cells.append(str(right))
        table.add_row(*cells, note if isinstance(note, Text) else literal(note, "dim"))

    identified = ident["database_results"] + ident["register_results"]
    row("Records identified", identified, other["records"], _names(ident["databases"]))
    row("Duplicates removed", removed["duplicates"], other["duplicates"])
    skipped = removed["excluded_other"] + removed["excluded_automatic"]
    row("Removed for other reasons", skipped, other["excluded_other"], "nothing to screen")
    row("Records screened", main["records_screened"])
    row("Records excluded", main["records_excluded"])
    if main["records_awaiting_screening"]:
        row("Awaiting screening", main["records_awaiting_screening"], "", "not yet counted")
    row("Reports sought", main["reports_sought"], other["reports_sought"])
    row("Reports not retrieved", main["reports_not_retrieved"], other["reports_not_retrieved"])
    waiting = main["reports_awaiting_retrieval"] + other["reports_awaiting_retrieval"]
    if waiting:
        row(
            "Awaiting retrieval",
            main["reports_awaiting_retrieval"],
            other["reports_awaiting_retrieval"],
            "not yet counted",
        )
    row("Reports assessed", main["reports_assessed"], other["reports_assessed"])
    reasons = main["reports_excluded_by_reason"]
    top = " · ".join(f"{label} {n}" for label, n in reasons.items() if n)
    row(
        "Reports excluded", main["reports_excluded"], other["reports_excluded"], literal(top, "dim")
    )
    waiting = main["reports_awaiting_assessment"] + other["reports_awaiting_assessment"]
    if waiting:
        row(
            "Awaiting assessment",
            main["reports_awaiting_assessment"],
            other["reports_awaiting_assessment"],
            "not yet counted",
        )
    row(
        "Studies included",
        prisma["studies_included"],
        "",
        f"{prisma['reports_of_included_studies']} report(s)",
    )
    return table
