"""PRISMA 2020 counts as Markdown: a table of every count and a Mermaid flowchart."""

from __future__ import annotations

from screener.exports.kinds import ExportKind
from screener.exports.prisma_csv import counts_writer
from screener.exports.prisma_svg import box_texts
from screener.prisma.counts import ColumnCounts, PrismaCounts

_EDGES = (
    ("identified", "removed"),
    ("identified", "screened"),
    ("screened", "records_excluded"),
    ("screened", "sought"),
    ("sought", "not_retrieved"),
    ("sought", "assessed"),
    ("assessed", "excluded"),
    ("assessed", "included"),
    ("other_identified", "other_sought"),
    ("other_sought", "other_not_retrieved"),
    ("other_sought", "other_assessed"),
    ("other_assessed", "other_excluded"),
    ("other_assessed", "included"),
)


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label: quotes, brackets, braces, pipes, angle brackets and # as
    entity codes (Mermaid reads ``#quot;`` and numeric ``#NN;`` codes), so that no label can
    end its node or start markup."""
    codes = {
        '"': "#quot;",
        "#": "#35;",
        "[": "#91;",
        "]": "#93;",
        "{": "#123;",
        "}": "#125;",
        "|": "#124;",
        "<": "#lt;",
        ">": "#gt;",
        "`": "#96;",
        "&": "#amp;",
    }
    return "".join(codes.get(ch, ch) for ch in text)


def table_cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, line breaks as spaces."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _column_rows(column: ColumnCounts, label: str) -> list[tuple[str, int]]:
    rows = [
        (f"Records screened ({label})", column.records_screened),
        (f"Records awaiting screening ({label})", column.records_awaiting_screening),
        (f"Records excluded ({label})", column.records_excluded),
        (f"Reports sought for retrieval ({label})", column.reports_sought),
        (f"Reports awaiting retrieval ({label})", column.reports_awaiting_retrieval),
        (f"Reports not retrieved ({label})", column.reports_not_retrieved),
        (f"Reports assessed for eligibility ({label})", column.reports_assessed),
        (f"Reports awaiting assessment ({label})", column.reports_awaiting_assessment),
        (f"Reports excluded ({label})", column.reports_excluded_total),
    ]
    rows += [(f"Reports excluded ({label}): {reason}", n) for reason, n in column.reports_excluded]
    return rows


def count_rows(counts: PrismaCounts) -> list[tuple[str, int]]:
    """Every count as (what, n), in the diagram's order."""
    rows = [("Records identified from databases", counts.database_results)]
    rows += [(f"Records identified from {name}", n) for name, n in counts.databases]
    if counts.has_registers:
        rows.append(("Records identified from registers", counts.register_results))
        rows += [(f"Records identified from {name}", n) for name, n in counts.registers]
    rows += [
        ("Duplicate records removed", counts.duplicates),
        ("Records marked as ineligible by automation tools", counts.excluded_automatic),
        ("Records removed for other reasons (nothing to screen)", counts.excluded_other),
        *_column_rows(counts.main, "databases and registers"),
    ]
    if counts.has_other_methods:
        rows += [
            ("Records identified from websites", counts.websites),
            ("Records identified from organisations", counts.organisations),
            ("Records identified from citation searching", counts.citations),
            *_column_rows(counts.other, "other methods"),
        ]
    rows += [
        ("Studies included in review", counts.studies_included),
        ("Reports of included studies", counts.reports_of_included_studies),
    ]
    return rows


def prisma_md_text(counts: PrismaCounts, title: str = "PRISMA 2020 flow") -> str:
    """The Markdown document: a heading, the counts table and the flowchart."""
    lines = [f"# {title}", "", "| Count | n |", "|---|---:|"]
    lines += [f"| {table_cell(what)} | {n:,} |" for what, n in count_rows(counts)]
    lines += ["", "```mermaid", "flowchart TD"]
    texts = box_texts(counts)
    for key, paragraphs in texts.items():
        if key.startswith("title"):
            continue
        label = "<br/>".join(mermaid_label(p.replace("\u00a0", " ").strip()) for p in paragraphs)
        lines.append(f'    {key}["{label}"]')
    lines += [f"    {a} --> {b}" for a, b in _EDGES if a in texts and b in texts]
    lines += ["```", ""]
    return "\n".join(lines)


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "prisma-md",
        "PRISMA 2020 counts as Markdown: a table and a Mermaid flowchart",
        "prisma.md",
        counts_writer(prisma_md_text, "PRISMA Markdown"),
        "A Markdown table of every count and a Mermaid flowchart (flowchart TD) of the flow.",
    ),
)
