"""The evidence table: one row per included study (citation, identifiers, screening tags and
the extracted values in force) as CSV, an Excel workbook and a Markdown table."""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from screener.dedup.links import MergedStudy, merged_study
from screener.errors import ScreenerError
from screener.exports.csv_safe import Cell, safe_cell, write_csv
from screener.exports.kinds import ExportKind, Writer
from screener.extraction.evidence import included_evidence
from screener.extraction.service import format_value
from screener.models import Citation
from screener.project import Project
from screener.screening.studies import StudyOfMap

FORMATS = ("csv", "xlsx", "md")
CITATION_COLUMNS = ("study", "authors", "year", "title", "journal", "doi", "pmid", "tags")
# Beside the tags: agreed, resolved, or unresolved with each reviewer's tags (screening.tags)
TAG_STATUS_COLUMN = "tag status"


@dataclass(frozen=True, slots=True)
class EvidenceTable:
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def evidence_table(project: Project) -> EvidenceTable:
    """The header and one row per included study, in import order."""
    fields = project.protocol.extraction.fields  # none: the citation columns only
    evidence = included_evidence(project)
    studies, extracted, tags = evidence.studies, evidence.values, evidence.tags
    store = project.store
    lookup = StudyOfMap(store.links.study_map())
    members: dict[int, list[int]] = {s: [s] for s in studies}
    for record, study in lookup.duplicates.items():
        if study in members:
            members[study].append(record)
    # Studies of one record (most) are read lightly; only those of several are merged.
    single = store.records.citation_fields(s for s in studies if len(members[s]) == 1)
    merged_ids = [r for s in studies if len(members[s]) > 1 for r in members[s]]
    records = store.records.by_id(merged_ids)
    header = (*CITATION_COLUMNS, TAG_STATUS_COLUMN, *(f.label for f in fields), "extracted by")
    rows: list[tuple[Cell, ...]] = []
    for study in studies:
        if study in single:
            merged: Citation | MergedStudy = single[study]
        else:
            merged = merged_study([records[r] for r in sorted(members[study])])
        tag_text = "; ".join(f"{v}: {', '.join(t)}" for v, t in tags[study].items() if t)
        citation: tuple[Cell, ...] = (
            study,
            "; ".join(merged.authors),
            merged.year,
            merged.title,
            merged.journal,
            merged.doi,
            merged.pmid,
            tag_text,
            evidence.tag_status(study),
        )
        values, reviewers = extracted[study]
        shown = tuple(format_value(values[f.name]) for f in fields)
        rows.append((*citation, *shown, ", ".join(reviewers)))
    return EvidenceTable(header, rows)


# -- writers -------------------------------------------------------------------------------


def write_evidence_csv(table: EvidenceTable, path: Path) -> Path:
    write_csv(path, table.header, table.rows)
    return path


# -- the workbook: SpreadsheetML written directly ---------------------------------------------
# One sheet of inline strings and numbers, three cell styles (plain, bold, wrapped at the
# top): the whole package is a few constant parts and the sheet's XML, built a row at a time
# with one f-string per cell. A library's serialisation (openpyxl, XlsxWriter) costs several
# times more per cell, and an evidence table of a large review has some 90,000 cells.

_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_XLSX_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_XLSX_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_XLSX_TYPE}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{_XLSX_RELS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'{_XML}<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_RELS}"><bookViews>'
        '<workbookView/></bookViews><sheets><sheet name="Evidence" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{_XLSX_RELS}/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        f'Type="{_XLSX_RELS}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (  # cell styles: 0 plain, 1 bold (the header), 2 wrapped at the top
        f'{_XML}<styleSheet xmlns="{_XLSX_MAIN}"><fonts count="2">'
        '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="3">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
        '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
# Text nodes: markup escaped, and the characters XML 1.0 cannot hold written as Excel's
# _xHHHH_ escapes (a CR is stored as the LF that reading an XML text node makes of it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _excel_escape(found: re.Match[str]) -> str:
    return f"_x{ord(found.group()):04X}_"


def _column_name(index: int) -> str:
    """A, B, ... Z, AA, ... for a 0-based column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _xlsx_text(ref: str, text: str, style: int) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(_excel_escape, text)
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    shown = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{shown} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _xlsx_number(ref: str, value: int | float) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if not math.isfinite(value):
        return _xlsx_text(ref, str(value), 0)
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def write_evidence_xlsx(table: EvidenceTable, path: Path) -> Path:
    """An .xlsx workbook: a bold, frozen header row, column widths from the content, and
    text that is longer than its column wrapped. Every text cell is neutralised (safe_cell)
    and stored as an inline string, never as a formula; an empty text is no cell at all."""
    widths = []
    for column, name in enumerate(table.header):
        longest = max([len(name), *(len(str(r[column] or "")) for r in table.rows)])
        widths.append(min(60, max(8, longest + 2)))
    names = [_column_name(c) for c in range(len(table.header))]
    last = f"{names[-1]}{len(table.rows) + 1}" if names else "A1"
    cols = "".join(
        f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
        for c, w in enumerate(widths)
    )
    head = "".join(
        _xlsx_text(f"{n}1", str(safe_cell(h)), 1) for n, h in zip(names, table.header, strict=True)
    )
    parts = [
        f'{_XML}<worksheet xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_RELS}">'
        f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}'
        f'<sheetData><row r="1">{head}</row>'
    ]
    fits = [w - 2 for w in widths]
    for number, row in enumerate(table.rows, 2):
        cells = []
        for name, value, fit in zip(names, row, fits, strict=True):
            if isinstance(value, str):
                if value:  # no cell for empty text: a smaller file, read back as empty
                    wrap = 2 if len(value) > fit or "\n" in value else 0
                    cells.append(_xlsx_text(f"{name}{number}", str(safe_cell(value)), wrap))
            elif value is not None:
                cells.append(_xlsx_number(f"{name}{number}", value))
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    sheet = "".join(parts)

    def write(target: str) -> None:
        # compresslevel 1: a third of the time of the default 6 for a file ~20 % larger.
        # Every part is dated 1980-01-01 (the zip format's first day): the same table gives
        # the same file, byte for byte, whenever it is written.
        with zipfile.ZipFile(target, "w") as package:
            for name, text in [*_XLSX_PARTS.items(), ("xl/worksheets/sheet1.xml", sheet)]:
                part = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                package.writestr(part, text, zipfile.ZIP_DEFLATED, compresslevel=1)

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
    ExportKind(
        "evidence",
        "Evidence table of included studies (CSV; the command also writes XLSX and Markdown)",
        "evidence.csv",
        _one_format("csv"),
    ),
    ExportKind(
        "evidence-xlsx",
        "Evidence table of included studies (Excel workbook)",
        "evidence.xlsx",
        _one_format("xlsx"),
    ),
    ExportKind(
        "evidence-md",
        "Evidence table of included studies (Markdown)",
        "evidence.md",
        _one_format("md"),
    ),
)
