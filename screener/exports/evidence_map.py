"""The evidence map: how many included studies have each pair of terms of two vocabularies
(tissue x outcome by default), as a CSV crosstab and an SVG heat map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from screener.errors import ScreenerError
from screener.exports.csv_safe import Cell, write_csv
from screener.exports.files import check_target, write_text
from screener.exports.kinds import ExportKind, ExportOption, Options, Progress, Written
from screener.extraction.evidence import IncludedEvidence, included_evidence
from screener.extraction.values import value_terms
from screener.project import Project
from screener.screening.decisions import vocabulary_terms

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class EvidenceMap:
    """Rows are the terms of one vocabulary, columns those of another; ``counts`` the number
    of included studies with both terms. Every term of both vocabularies is listed, so that
    the gaps (zero cells) show."""

    rows: str
    columns: str
    row_terms: tuple[str, ...]
    column_terms: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    studies: int
    unresolved: int = 0  # studies whose reviewers' tags still disagree (counted by the agreed)

    def count(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)


def evidence_map(project: Project, rows: str = "tissue", columns: str = "outcome") -> EvidenceMap:
    """A study counts once in every (row term, column term) pair it has. Its terms of a
    vocabulary are those of the extraction values in force of every field bound to that
    vocabulary, together with the screening tags of that vocabulary in force. The counts are
    a crosstab of the pairs (pandas, imported here only)."""
    import pandas as pd

    known = vocabulary_terms(project)
    for name in (rows, columns):
        if name not in known:
            raise ScreenerError(
                f"no vocabulary {name!r} in protocol.toml (known: {', '.join(sorted(known))})"
            )
    evidence = included_evidence(project)
    row_terms, column_terms = (study_terms(project, evidence, name) for name in (rows, columns))
    pairs = row_terms.merge(column_terms, on="study", suffixes=("_row", "_column"))
    table = pd.crosstab(pairs["term_row"], pairs["term_column"]).stack()
    counts = {(str(r), str(c)): int(n) for (r, c), n in table.items() if n}
    return EvidenceMap(
        rows,
        columns,
        _listed(known[rows], row_terms),
        _listed(known[columns], column_terms),
        counts,
        len(evidence.studies),
        sum(1 for state in evidence.tag_states.values() if state.unresolved),
    )


def study_terms(project: Project, evidence: IncludedEvidence, vocabulary: str) -> pd.DataFrame:
    """(study, term) of every included study and each of its terms of ``vocabulary``, each
    pair once: tags first, then the values of the bound fields, studies in import order."""
    import pandas as pd

    bound = [f.name for f in project.protocol.extraction.fields if f.vocabulary == vocabulary]
    pairs = [
        (study, term)
        for study in evidence.studies
        for term in [
            *evidence.tags[study].get(vocabulary, []),
            *(t for name in bound for t in value_terms(evidence.values[study][0][name])),
        ]
    ]
    return pd.DataFrame(pairs, columns=["study", "term"], dtype=object).drop_duplicates()


def _listed(known: Sequence[str], found: pd.DataFrame) -> tuple[str, ...]:
    """The vocabulary's terms, then the other terms found, in the order first found."""
    return tuple(dict.fromkeys([*known, *found["term"]]))


def write_map_csv(chart: EvidenceMap, path: Path) -> Path:
    header = [f"{chart.rows} \\ {chart.columns}", *chart.column_terms]
    body: list[list[Cell]] = [
        [row, *(chart.count(row, c) for c in chart.column_terms)] for row in chart.row_terms
    ]
    write_csv(path, header, body, "evidence map")
    return path


# -- the heat map ----------------------------------------------------------------------------

CELL_W, CELL_H, CHAR_W = 46, 26, 7.2  # px; CHAR_W: a 12 px sans-serif character, roughly


def _fill(count: int, most: int) -> tuple[str, str]:
    """The cell colour (white to dark blue by count) and a text colour that reads on it."""
    if not count:
        return "#f4f6f8", "#9aa5b1"
    share = count / most
    low, high = (222, 235, 247), (8, 69, 148)
    rgb = tuple(round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#ffffff" if share > 0.5 else "#0b1f33"


def map_svg(chart: EvidenceMap) -> str:
    """The map as an SVG heat map with the count in every cell. Written by hand (no plotting
    library): a grid of rectangles and text needs none, and the labels are XML-escaped."""
    title = (
        f"Evidence map: {chart.rows} × {chart.columns} "
        f"({chart.studies} included stud{'y' if chart.studies == 1 else 'ies'})"
    )
    note = f"Rows: {chart.rows}; columns: {chart.columns}; cells: number of studies"
    warning = (
        f"{chart.unresolved} stud{'y' if chart.unresolved == 1 else 'ies'} with unresolved "
        "tags: counted only by the terms their reviewers agree on"
        if chart.unresolved  # tag conflicts are marked, never merged silently
        else ""
    )
    label_w = int(max([len(t) for t in chart.row_terms] + [8]) * CHAR_W) + 16
    top = int(max([len(t) for t in chart.column_terms] + [8]) * CHAR_W * 0.72) + 60
    # rotated column labels reach right of their cell by about 0.7 of their length
    reach = int(max([len(t) for t in chart.column_terms] + [0]) * CHAR_W * 0.72)
    # the canvas holds its own lines of text too: the bold 15 px title, the notes below
    text_w = max(len(title) * CHAR_W * 1.35, max(len(note), len(warning)) * CHAR_W) + 24
    width = max(label_w + CELL_W * len(chart.column_terms) + max(40, reach), int(text_w))
    height = top + CELL_H * len(chart.row_terms) + 50 + (18 if warning else 0)
    most = max(chart.counts.values(), default=0)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for j, term in enumerate(chart.column_terms):
        x = label_w + CELL_W * j + CELL_W / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 8}" transform="rotate(-45 {x:.1f} {top - 8})">'
            f"{escape(term)}</text>"
        )
    for i, row in enumerate(chart.row_terms):
        y = top + CELL_H * i
        parts.append(
            f'<text x="{label_w - 8}" y="{y + CELL_H / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(row)}</text>"
        )
        for j, column in enumerate(chart.column_terms):
            count = chart.count(row, column)
            fill, ink = _fill(count, most)
            x = label_w + CELL_W * j
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="{fill}"><title>{escape(f"{row} × {column}: {count}")}</title></rect>'
            )
            parts.append(
                f'<text x="{x + (CELL_W - 2) / 2:.1f}" y="{y + CELL_H / 2 + 3:.1f}" '
                f'text-anchor="middle" fill="{ink}">{count}</text>'
            )
    parts.append(f'<text x="12" y="{height - 16}" fill="#52606d">{escape(note)}</text>')
    if warning:
        parts.append(f'<text x="12" y="{height - 34}" fill="#b42318">{escape(warning)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_map_svg(chart: EvidenceMap, path: Path) -> Path:
    write_text(path, map_svg(chart), "evidence map")
    return path


def write_evidence_map(
    project: Project, target: Path, rows: str = "tissue", columns: str = "outcome"
) -> list[Path]:
    """The CSV at ``target`` and the SVG beside it (same stem)."""
    csv_path = target if target.suffix.lower() != ".svg" else target.with_suffix(".csv")
    for path in (csv_path, csv_path.with_suffix(".svg")):
        check_target(path, "evidence map")  # before the work, not after it
    chart = evidence_map(project, rows, columns)
    return [write_map_csv(chart, csv_path), write_map_svg(chart, csv_path.with_suffix(".svg"))]


ROWS = ExportOption("rows", "Vocabulary of the rows.", "tissue")
COLUMNS = ExportOption("columns", "Vocabulary of the columns.", "outcome")


def _write(
    project: Project, target: Path, options: Options, progress: Progress | None = None
) -> Written:
    paths = write_evidence_map(project, target, ROWS.value(options), COLUMNS.value(options))
    return Written(tuple(paths))


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "evidence-map",
        "Evidence map: tissue × outcome counts of included studies (CSV and SVG)",
        "evidence-map.csv",
        _write,
        "How many included studies have each pair of a row term and a column term (terms "
        "from the extracted values in force of fields bound to the vocabulary, and from "
        "screening tags), as a CSV crosstab and an SVG heat map beside it.",
        (ROWS, COLUMNS),
    ),
)
