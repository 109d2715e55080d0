"""The evidence table: one row per included study (citation, identifiers, screening tags and
the extracted values in force) as CSV, an Excel workbook and a Markdown table."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from screener.errors import ScreenerError
from screener.exports.csv_safe import Cell, safe_cell, write_csv
from screener.exports.registry import ExportKind, Writer
from screener.extraction import format_value, included_studies, values_in_force
from screener.links import MergedStudy, merged_study
from screener.models import Citation, Verdict
from screener.project import Project
from screener.review import StudyOfMap

FORMATS = ("csv", "xlsx", "md")
CITATION_COLUMNS = ("study", "authors", "year", "title", "journal", "doi", "pmid", "tags")


@dataclass(frozen=True, slots=True)
class EvidenceTable:
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def study_tags(project: Project, studies: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Per study, the screening tags of the decisions in force (the latest event of each
    reviewer at each stage, unless it is an undo), vocabulary by vocabulary in the
    protocol's order, each term once, in the order they were tagged."""
    lookup = StudyOfMap(project.store.study_map())
    wanted = set(studies)
    members = sorted(wanted | {r for r, s in lookup.duplicates.items() if s in wanted})
    latest: dict[tuple[int, str, str], tuple[str, dict[str, list[str]]]] = {}
    for record, stage, reviewer, verdict, tagged in project.store.decision_tags(members):
        key = (lookup(record), stage, reviewer)
        latest.pop(key, None)  # re-inserted last: the dict keeps the order events were made
        latest[key] = (verdict, tagged)
    order = list(project.protocol.vocabularies)
    tags: dict[int, dict[str, list[str]]] = {s: {} for s in studies}
    for (study, _, _), (verdict, tagged) in latest.items():
        if verdict == Verdict.UNDO or study not in tags:
            continue
        for vocabulary, terms in tagged.items():
            kept = tags[study].setdefault(vocabulary, [])
            kept.extend(t for t in terms if t not in kept)
    return {
        study: dict(sorted(found.items(), key=lambda kv: _rank(order, kv[0])))
        for study, found in tags.items()
    }


def _rank(order: list[str], name: str) -> tuple[int, str]:
    return (order.index(name) if name in order else len(order), name)


def evidence_table(project: Project) -> EvidenceTable:
    """The header and one row per included study, in import order."""
    fields = project.protocol.extraction.fields  # none: the citation columns only
    studies = included_studies(project)
    extracted = values_in_force(project, studies)
    tags = study_tags(project, studies)
    store = project.store
    lookup = StudyOfMap(store.study_map())
    members: dict[int, list[int]] = {s: [s] for s in studies}
    for record, study in lookup.duplicates.items():
        if study in members:
            members[study].append(record)
    # Studies of one record (most) are read lightly; only those of several are merged.
    single = store.citation_fields(s for s in studies if len(members[s]) == 1)
    merged_ids = [r for s in studies if len(members[s]) > 1 for r in members[s]]
    records = store.records_by_id(merged_ids)
    header = (*CITATION_COLUMNS, *(f.label for f in fields), "extracted by")
    rows: list[tuple[Cell, ...]] = []
    for study in studies:
        if study in single:
            merged: Citation | MergedStudy = single[study]
        else:
            merged = merged_study([records[r] for r in sorted(members[study])])
        tag_text = "; ".join(f"{v}: {', '.join(t)}" for v, t in tags[study].items() if t)
        citation: tuple[Cell, ...] = (
            study, "; ".join(merged.authors), merged.year, merged.title, merged.journal,
            merged.doi, merged.pmid, tag_text,
        )  # fmt: skip
        values, reviewers = extracted[study]
        shown = tuple(format_value(values[f.name]) for f in fields)
        rows.append((*citation, *shown, ", ".join(reviewers)))
    return EvidenceTable(header, rows)


# -- writers -------------------------------------------------------------------------------


def write_evidence_csv(table: EvidenceTable, path: Path) -> Path:
    write_csv(path, table.header, table.rows)
    return path


def write_evidence_xlsx(table: EvidenceTable, path: Path) -> Path:
    """An .xlsx workbook: a bold, frozen header row, column widths from the content, and
    text that is longer than its column wrapped. Every text cell is neutralised (safe_cell)
    and written as a string (``write_string``), never as a formula. Written by XlsxWriter
    in constant-memory mode, row by row with inline strings: several times faster than
    openpyxl's serialisation for tens of thousands of cells."""
    import xlsxwriter  # imported here: the TUI and CLI start without it

    widths = []
    for column, name in enumerate(table.header):
        longest = max([len(name), *(len(str(r[column] or "")) for r in table.rows)])
        widths.append(min(60, max(8, longest + 2)))

    def write(target: str) -> None:
        options = {"constant_memory": True, "strings_to_formulas": False,
                   "strings_to_urls": False, "nan_inf_to_errors": True}  # fmt: skip
        book = xlsxwriter.Workbook(target, options)
        sheet = book.add_worksheet("Evidence")
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        for column, name in enumerate(table.header):
            sheet.write_string(0, column, str(safe_cell(name)), bold)
        string, number = sheet.write_string, sheet.write_number
        for row_number, row in enumerate(table.rows, 1):
            for column, value in enumerate(row):
                if isinstance(value, str):
                    if not value:
                        continue  # no cell at all: a smaller file, read back as empty
                    # never starts with "=", and a CR is stored as the LF that reading an
                    # XML text node makes of it (XlsxWriter would escape it as _x000D_)
                    text = str(safe_cell(value))
                    if "\r" in text:
                        text = text.replace("\r\n", "\n").replace("\r", "\n")
                    if len(value) <= widths[column] - 2 and "\n" not in value:
                        string(row_number, column, text)
                    else:
                        string(row_number, column, text, wrap)
                elif value is not None:
                    number(row_number, column, value)
        book.close()

    write_whole(path, write)
    return path


_MARKDOWN = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|"})


def _escape_markdown(value: Cell) -> str:
    text = "" if value is None else str(value).translate(_MARKDOWN)
    if "\n" in text or "\r" in text:
        text = "<br>".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return text


def _markdown_row(row: Sequence[Cell]) -> str:
    """``| a | b |``: each cell escaped with one translate, no call per cell; a line break
    in any cell (rare) takes the whole of :func:`_escape_markdown`."""
    line = " | ".join(["" if v is None else str(v).translate(_MARKDOWN) for v in row])
    if "\n" in line or "\r" in line:
        line = " | ".join(_escape_markdown(v) for v in row)
    return "| " + line + " |"


def write_evidence_markdown(table: EvidenceTable, path: Path) -> Path:
    lines = [
        "| " + " | ".join(_escape_markdown(h) for h in table.header) + " |",
        "|" + "|".join(" --- " for _ in table.header) + "|",
        *(_markdown_row(row) for row in table.rows),
    ]
    write_whole(path, lambda target: Path(target).write_text("\n".join(lines) + "\n", "utf-8"))
    return path


def write_whole(path: Path, write: object) -> None:
    """Write to a partial file beside ``path`` and rename it: never half a file."""
    if path.is_dir():
        raise ScreenerError(f"{path}: is a folder; give a file name")
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(str(partial))  # type: ignore[operator]
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ScreenerError(f"{path}: cannot write: {exc.strerror or exc}") from None


WRITERS = {"csv": write_evidence_csv, "xlsx": write_evidence_xlsx, "md": write_evidence_markdown}


def write_evidence(project: Project, target: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the evidence table in each format; with several formats ``target``'s stem is
    kept and each file gets its format's suffix (evidence.csv, evidence.xlsx, evidence.md)."""
    table = evidence_table(project)
    if len(formats) == 1:
        return [WRITERS[formats[0]](table, target)]
    return [WRITERS[f](table, target.with_suffix(f".{f}")) for f in formats]


def _one_format(fmt: str) -> Writer:
    def write(project: Project, target: Path) -> list[Path]:
        return write_evidence(project, target, [fmt])

    return write


# One kind per format: the export menu offers each, and each is written (and timed) alone;
# `screener export evidence` writes all three from one reading of the project.
KINDS: tuple[ExportKind, ...] = (
    ExportKind("evidence", "Evidence table of included studies (CSV; the command also "
               "writes XLSX and Markdown)", "evidence.csv", _one_format("csv")),
    ExportKind("evidence-xlsx", "Evidence table of included studies (Excel workbook)",
               "evidence.xlsx", _one_format("xlsx")),
    ExportKind("evidence-md", "Evidence table of included studies (Markdown)", "evidence.md",
               _one_format("md")),
)  # fmt: skip
