"""Formula injection: every CSV (and XLSX) that any registered export kind writes has no
cell a spreadsheet would run, for a project whose citations begin with = + - @ tab or CR,
with those signs after leading spaces or a vertical tab, or with their full-width forms."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from screener.exports.registry import all_kinds
from screener.models import NewDecision, Record, RetrievalStatus, Stage, Verdict
from screener.project import Project, init_project, open_project
from screener.screening import decisions as review
from screener.store import NewSource

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+1+2",
    "-3-4",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    " =1+2",
    "\v=cmd",
    "\u3000+1",
    '＝HYPERLINK("http://x","y")',
    "＋1+2",
    "－3",
    "＠SUM(A1)",
)
# Notes as a reviewer can write them: no control characters but tabs and line breaks.
NOTES = tuple(text for text in HOSTILE if "\v" not in text)
# What a spreadsheet may read as a formula: these first (after any leading whitespace) ...
SIGNS = "=+-@＝＋－＠"
# ... and these first, whatever follows.
ALWAYS = "\t\r"


def _hostile_records() -> list[Record]:
    """Titles, authors, abstracts, journals and keywords that start like formulas. Stored
    directly: importers trim the leading tab and CR, but a project may hold them anyway."""
    records = []
    for i, start in enumerate(HOSTILE * 2, start=1):
        records.append(
            Record(
                position=i,
                line=i,
                source_record_id=str(i),
                title=f"{start} title {i}",
                abstract=f"{start} abstract",
                authors=(f"{start}author, A", "Plain, B"),
                year=2020,
                journal=f"{start} journal",
                doi=f"10.1000/{i}",
                keywords=(f"{start}keyword",),
            )
        )
    return records


def _screen_everything(project: Project) -> None:
    """Include the first half at both stages, exclude the rest at full text, with notes."""
    ids = project.store.links.study_ids()
    reason = project.protocol.stages[Stage.FULL_TEXT].reasons[0].code
    for n, study in enumerate(ids):
        for who in ("alice", "bob"):
            review.decide(
                project,
                NewDecision(
                    study,
                    Stage.TITLE_ABSTRACT,
                    who,
                    Verdict.INCLUDE,
                    note=f"{NOTES[n % len(NOTES)]} note",
                ),
            )
        review.set_retrieval(project, study, RetrievalStatus.RETRIEVED, "alice")
        verdict = Verdict.INCLUDE if n < len(ids) // 2 else Verdict.EXCLUDE
        reasons = (reason,) if verdict is Verdict.EXCLUDE else ()
        for who in ("alice", "bob"):
            review.decide(project, NewDecision(study, Stage.FULL_TEXT, who, verdict, reasons))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every file every kind writes for the hostile project."""
    folder = tmp_path_factory.mktemp("injection")
    path = init_project(folder / "hostile", "=cmd|' /C calc'!A0")
    with open_project(path) as project:
        source = NewSource("=Database", "", "", "", "hostile.ris", "0" * 64, "ris", "utf-8")
        project.store.records.add_source(source, _hostile_records())
        _screen_everything(project)
        files: list[Path] = []
        for kind in all_kinds():
            target = folder / "out" / kind.file_name()
            files += kind.write(project, target, kind.defaults()).paths
    return files


def _formula_like(cell: str) -> bool:
    first = cell.lstrip()[:1]
    if not first or not (cell[0] in ALWAYS or first in SIGNS):
        return False
    try:
        float(cell)  # a negative number is data
    except ValueError:
        return True
    return False


def test_every_csv_cell_is_neutralised(written: list[Path]) -> None:
    csv_files = [p for p in written if p.suffix == ".csv"]
    assert csv_files, "no kind wrote a CSV"
    for path in csv_files:
        with path.open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        bad = [cell for cell in cells if _formula_like(cell)]
        assert not bad, f"{path.name}: formula-like cells {bad[:3]}"


def test_hostile_text_is_kept_as_data(written: list[Path]) -> None:
    (asreview,) = [p for p in written if p.name == "asreview.csv"]
    with asreview.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = sorted(row["title"] for row in rows)
    assert titles == sorted("'" + r.title for r in _hostile_records())
    assert all(row["abstract"].startswith("'") for row in rows)


def test_every_xlsx_cell_is_text_not_formula(written: list[Path]) -> None:
    workbooks = [p for p in written if p.suffix == ".xlsx"]
    if not workbooks:
        pytest.skip("no registered kind writes XLSX")
    openpyxl = pytest.importorskip("openpyxl")
    for path in workbooks:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}!{cell.coordinate}: a formula"
                    if isinstance(cell.value, str):
                        assert not _formula_like(cell.value), f"{path.name}!{cell.coordinate}"


# Signs after leading whitespace (space, vertical tab, form feed, no-break and ideographic
# spaces) and the signs' full-width and small forms: a spreadsheet may strip the one and
# read the other as the sign.
NEUTRALISED = (
    " =1+2",
    "   +1",
    "\v=cmd",
    "\f@SUM(A1)",
    "\u00a0-1+2",
    "\u3000=1",
    '＝HYPERLINK("http://x","y")',
    "＋1",
    "－1",
    "＠SUM(A1)",
    " ＝1",
    "﹦1+2",
)
KEPT = (" plain", "  10.1000/x", "\u3000text", "a＝b", "x－y", "   ", "\nNote", "é=1", "'＝quoted")


def test_signs_after_whitespace_and_full_width_signs_are_neutralised(tmp_path: Path) -> None:
    from screener.exports.csv_safe import csv_line, safe_cell
    from screener.exports.evidence import EvidenceTable, write_evidence_xlsx

    for text in NEUTRALISED:
        assert safe_cell(text) == "'" + text, repr(text)
    for text in KEPT:
        assert safe_cell(text) == text, repr(text)
    line = csv_line([*NEUTRALISED, *KEPT])
    (cells,) = list(csv.reader([line]))
    assert cells == ["'" + t for t in NEUTRALISED] + list(KEPT)
    openpyxl = pytest.importorskip("openpyxl")
    rows = [(n, text) for n, text in enumerate((*NEUTRALISED, *KEPT))]
    write_evidence_xlsx(EvidenceTable(("n", "text"), rows), tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    shown = [sheet.cell(row, 2).value for row in range(2, len(rows) + 2)]
    assert all(value.startswith("'") for value in shown[: len(NEUTRALISED)])
    assert shown[len(NEUTRALISED) :] == list(KEPT)
