"""The evidence table: one row per included study (citation, identifiers, screening tags and
the extracted values in force) as CSV, an Excel workbook and a Markdown table."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from screener.dedup.links import MergedStudy, merged_study
from screener.exports.csv_safe import Cell, safe_cell, write_csv
from screener.exports.files import check_target, replacing, write_text
from screener.exports.kinds import ExportKind, ExportOption, Options, Progress, Writer, Written
from screener.extraction.evidence import IncludedEvidence, included_evidence
from screener.extraction.service import format_value
from screener.models import Citation
from screener.project import Project
from screener.screening.studies import StudyOfMap

if TYPE_CHECKING:
    from _typeshed import SizedBuffer, StrPath
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMATS = ("csv", "xlsx", "md")
CITATION_COLUMNS = ("study", "authors", "year", "title", "journal", "doi", "pmid", "tags")
# Beside the tags: agreed, resolved, or unresolved with each reviewer's tags (screening.tags)
TAG_STATUS_COLUMN = "tag status"


@dataclass(frozen=True, slots=True)
class EvidenceTable:
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def evidence_table(project: Project) -> EvidenceTable:
    """The header and one row per included study, in import order: the studies' citations,
    tags and extracted values joined on the study id (pandas, imported here only)."""
    import pandas as pd

    fields = project.protocol.extraction.fields  # none: the citation columns only
    evidence = included_evidence(project)
    studies = pd.Index(evidence.studies, name="study")
    citations = pd.DataFrame(
        [_citation_cells(c) for c in _citations(project, evidence.studies)],
        index=studies,
        columns=list(CITATION_COLUMNS[1:-1]),
        dtype=object,
    )
    tags = pd.DataFrame(
        [(_tag_text(evidence.tags[s]), evidence.tag_status(s)) for s in evidence.studies],
        index=studies,
        columns=["tags", TAG_STATUS_COLUMN],
        dtype=object,
    )
    labels = [f.label for f in fields]
    extracted = pd.DataFrame(
        [_extracted_cells(evidence, s, [f.name for f in fields]) for s in evidence.studies],
        index=studies,
        columns=[*labels, "extracted by"],
        dtype=object,
    )
    table = pd.concat([citations, tags, extracted], axis=1).reset_index()
    rows: list[tuple[Cell, ...]] = list(table.itertuples(index=False, name=None))
    return EvidenceTable((*CITATION_COLUMNS, TAG_STATUS_COLUMN, *labels, "extracted by"), rows)


def _citations(project: Project, studies: list[int]) -> list[Citation | MergedStudy]:
    """Each study's citation: its record's, or its records' merged when it has several
    (most have one, and are read lightly)."""
    store = project.store
    members: dict[int, list[int]] = {s: [s] for s in studies}
    for record, study in StudyOfMap(store.links.study_map()).duplicates.items():
        if study in members:
            members[study].append(record)
    single = store.records.citation_fields(s for s in studies if len(members[s]) == 1)
    records = store.records.by_id([r for s in studies if len(members[s]) > 1 for r in members[s]])
    return [
        single[s] if s in single else merged_study([records[r] for r in sorted(members[s])])
        for s in studies
    ]


def _citation_cells(citation: Citation | MergedStudy) -> tuple[Cell, ...]:
    return (
        "; ".join(citation.authors),
        citation.year,
        citation.title,
        citation.journal,
        citation.doi,
        citation.pmid,
    )


def _tag_text(tags: dict[str, list[str]]) -> str:
    return "; ".join(f"{v}: {', '.join(t)}" for v, t in tags.items() if t)


def _extracted_cells(evidence: IncludedEvidence, study: int, names: list[str]) -> list[str]:
    values, reviewers = evidence.values[study]
    return [*(format_value(values[name]) for name in names), ", ".join(reviewers)]


# -- writers -------------------------------------------------------------------------------


def write_evidence_csv(table: EvidenceTable, path: Path) -> Path:
    write_csv(path, table.header, table.rows, "evidence table")
    return path


# -- the workbook (openpyxl, imported here only) ---------------------------------------------
# Text nodes: the characters XML 1.0 cannot hold are written as Excel's _xHHHH_ escapes
# (openpyxl refuses them), and a CR as the LF that reading an XML text node makes of it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Every part of the workbook and its properties carry this time, not the time of writing:
# the same table gives the same file, byte for byte, whenever it is written.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's first day


def _excel_escape(found: re.Match[str]) -> str:
    return f"_x{ord(found.group()):04X}_"


def _xlsx_text(value: str) -> str:
    text = str(safe_cell(value))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub(_excel_escape, text) if _NOT_XML.search(text) else text


def _column_widths(table: EvidenceTable) -> list[int]:
    """Each column as wide as its longest text, within 8 to 60 characters."""
    widths = []
    for column, name in enumerate(table.header):
        longest = max([len(name), *(len(str(r[column] or "")) for r in table.rows)])
        widths.append(min(60, max(8, longest + 2)))
    return widths


class _FixedTimeZip(zipfile.ZipFile):
    """A zip file whose parts are all dated _FIXED_TIME (zipfile dates them by the clock,
    and a part copied from a file by the file's time)."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        part = zinfo_or_arcname
        if not isinstance(part, zipfile.ZipInfo):
            part = zipfile.ZipInfo(part, _FIXED_TIME)
            part.compress_type = self.compression
            part.external_attr = 0o600 << 16  # as zipfile gives a part written from data
        level = compresslevel if compresslevel is not None else self.compresslevel
        super().writestr(part, data, compress_type, level)

    def write(
        self,
        filename: StrPath,
        arcname: StrPath | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        self.writestr(str(arcname or filename), Path(filename).read_bytes(), compress_type)


def write_evidence_xlsx(table: EvidenceTable, path: Path) -> Path:
    """An .xlsx workbook, sheet "Evidence": a bold header row frozen above the rest, column
    widths from the content, text longer than its column wrapped. Every text cell is
    neutralised (safe_cell) and stored as text, never as a formula; numbers as numbers; an
    empty text is no cell at all."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    check_target(path, "workbook")  # before the work, not after it
    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = datetime(*_FIXED_TIME)
    sheet = book.create_sheet("Evidence")
    sheet.freeze_panes = "A2"
    widths = _column_widths(table)
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _append_rows(sheet, table, [w - 2 for w in widths])
    with (
        replacing(path, what="workbook") as (partial,),
        _FixedTimeZip(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package,
    ):
        ExcelWriter(book, package).save()
    return path


def _append_rows(sheet: WriteOnlyWorksheet, table: EvidenceTable, fits: list[int]) -> None:
    """The bold header, then each row: text wrapped at the top when longer than ``fits``
    (its column's width) or on several lines."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    bold, wrapped = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    header = []
    for name in table.header:
        cell = WriteOnlyCell(sheet, _xlsx_text(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells: list[object] = []
        for value, fit in zip(row, fits, strict=True):
            if isinstance(value, str):
                if not value:  # no cell for empty text, read back as empty
                    cells.append(None)
                elif len(value) > fit or "\n" in value:
                    cell = WriteOnlyCell(sheet, _xlsx_text(value))
                    cell.alignment = wrapped
                    cells.append(cell)
                else:
                    cells.append(_xlsx_text(value))
            elif isinstance(value, float) and not math.isfinite(value):
                cells.append(str(value))  # Excel has no infinity or NaN
            else:
                cells.append(value)
        sheet.append(cells)


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
    write_text(path, "\n".join(lines) + "\n", "evidence table")
    return path


WRITERS = {"csv": write_evidence_csv, "xlsx": write_evidence_xlsx, "md": write_evidence_markdown}
FORMAT = ExportOption(
    "format",
    "Write only this format (repeatable).",
    FORMATS,
    FORMATS,
    multiple=True,
)


def write_evidence(project: Project, target: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the evidence table in each format; with several formats ``target``'s stem is
    kept and each file gets its format's suffix (evidence.csv, evidence.xlsx, evidence.md)."""
    paths = [target] if len(formats) == 1 else [target.with_suffix(f".{f}") for f in formats]
    for path in paths:
        check_target(path, "evidence table")  # before the work, not after it
    table = evidence_table(project)
    return [WRITERS[f](table, path) for f, path in zip(formats, paths, strict=True)]


def _formats_writer(fixed: str | None = None) -> Writer:
    """The writer of a kind: the formats of its option, or ``fixed``."""

    def write(
        project: Project, target: Path, options: Options, progress: Progress | None = None
    ) -> Written:
        formats = (fixed,) if fixed else FORMAT.values(options)
        return Written(tuple(write_evidence(project, target, formats)))

    return write


_DESCRIPTION = (
    "One row per study included at full text, with its citation, DOI, PMID, screening tags, "
    "the extracted values in force and who extracted them."
)
# `screener export evidence` writes all three formats from one reading of the project (or
# those of --format); the one-format kinds offer each alone in the export menu.
KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "evidence",
        "Evidence table of included studies (CSV, XLSX and Markdown)",
        "evidence.{format}",
        _formats_writer(),
        _DESCRIPTION + " With several formats each file gets its format's suffix.",
        (FORMAT,),
    ),
    ExportKind(
        "evidence-xlsx",
        "Evidence table of included studies (Excel workbook)",
        "evidence.xlsx",
        _formats_writer("xlsx"),
        _DESCRIPTION,
    ),
    ExportKind(
        "evidence-md",
        "Evidence table of included studies (Markdown)",
        "evidence.md",
        _formats_writer("md"),
        _DESCRIPTION,
    ),
)
