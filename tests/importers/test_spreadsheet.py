"""Excel workbooks: each sheet with a title column is one search; --sheet picks one; errors
name the file, the sheet and the row; refusals leave the project as it was."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from screener.cli import main
from screener.errors import ScreenerError
from screener.importers.service import import_files
from screener.project import Project
from tests.importers.vendors import TRUTH, VENDORS

EPPI = VENDORS["eppi_reviewer"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _eppi_rows() -> list[list[object]]:
    rows: list[list[object]] = [list(EPPI.columns)]
    for record in TRUTH:
        row: list[object] = [cell(record) for cell in EPPI.columns.values()]
        row[list(EPPI.columns).index("Year")] = record["year"]  # a number, as Excel keeps it
        rows.append(row)
    return rows


def test_the_one_sheet_with_citations_is_imported(project: Project, tmp_path: Path) -> None:
    notes = [["Exported by EPPI-Reviewer"], ["Review", "Tendon secretome"]]
    path = _workbook(tmp_path / "eppi.xlsx", {"About": notes, "Items": _eppi_rows()})
    (result,) = import_files(project, [path])
    source = result.source
    assert (source.format, source.sheet, source.record_count) == ("xlsx", "Items", 3)
    assert source.unused_columns == EPPI.unused
    records = [stored.record for stored in project.store.records.all()]
    for record, truth in zip(records, TRUTH, strict=True):
        assert (record.title, record.year, record.journal) == (
            truth["title"],
            truth["year"],
            truth["journal"],
        )
        assert (record.volume, record.start_page, record.doi) == (
            truth["volume"],
            truth["start"],
            truth["doi"],
        )
    assert [r.line for r in records] == [2, 3, 4]  # row numbers of the sheet
    assert records[0].raw["Year"] == "2021"  # a whole number, not "2021.0"


def test_cells_read_as_a_csv_export_would_hold_them(project: Project, tmp_path: Path) -> None:
    rows = [
        ["Title", "Year", "Date", "Volume", "Included"],
        ["A dated record", 2020.0, datetime.datetime(2020, 3, 1), 7, True],
    ]
    path = _workbook(tmp_path / "dates.xlsx", {"Sheet1": rows})
    import_files(project, [path])
    (stored,) = project.store.records.all()
    assert stored.record.raw == {
        "Title": "A dated record",
        "Year": "2020",
        "Date": "2020-03-01",
        "Volume": "7",
        "Included": "TRUE",
    }
    assert (stored.record.year, stored.record.volume, stored.record.label) == (2020, "7", 1)


def test_several_sheets_with_citations_need_sheet(project: Project, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx", {"Included": _eppi_rows(), "Excluded": _eppi_rows()})
    before = project.store.dump()
    with pytest.raises(ScreenerError, match="2 sheets hold citations.*'Included', 'Excluded'"):
        import_files(project, [path])
    assert project.store.dump() == before
    (first,) = import_files(project, [path], sheet="Excluded")
    (second,) = import_files(project, [path], sheet="Included")  # one search per sheet
    assert (first.source.sheet, second.source.sheet) == ("Excluded", "Included")
    assert first.source.sha256 != second.source.sha256
    with pytest.raises(ScreenerError, match="sheet 'Included': already imported"):
        import_files(project, [path], sheet="Included")


def test_unknown_sheet_and_sheet_without_titles_are_refused(
    project: Project, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "book.xlsx", {"Data": [["Name", "Score"], ["x", 1]]})
    before = project.store.dump()
    with pytest.raises(ScreenerError, match=r"book.xlsx: no sheet has a title column.*'Data'"):
        import_files(project, [path])
    with pytest.raises(ScreenerError, match=r"book.xlsx: no sheet 'Nope'; its sheets: 'Data'"):
        import_files(project, [path], sheet="Nope")
    with pytest.raises(ScreenerError, match=r"book.xlsx, sheet 'Data', row 1: no title column"):
        import_files(project, [path], sheet="Data")
    assert project.store.dump() == before


def test_errors_name_file_sheet_and_row(project: Project, tmp_path: Path) -> None:
    rows = [["Title", "Abstract"], ["A", "x"], ["B", ""], ["", "", "stray"]]
    path = _workbook(tmp_path / "bad.xlsx", {"Refs": rows})
    before = project.store.dump()
    with pytest.raises(ScreenerError) as caught:
        import_files(project, [path], strict=True)
    assert "bad.xlsx, sheet 'Refs', row 4, record 3: this record has no title" in str(caught.value)
    assert project.store.dump() == before
    # Without --strict: the empty record is skipped, the cell without a header kept and named.
    (result,) = import_files(project, [path])
    assert result.source.unused_columns == ("column 3",)
    assert any("sheet 'Refs': skipped 1 record(s)" in w for w in result.warnings)


def test_damaged_workbook_is_one_line(project_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    whole = _workbook(tmp_path / "whole.xlsx", {"Items": _eppi_rows()}).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    result = CliRunner().invoke(main, ["import", str(project_path), str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("error: cut.xlsx: ")
    assert "Traceback" not in result.output


def test_sheet_option_on_a_text_file_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("title\nA\n")
    with pytest.raises(ScreenerError, match="--sheet is for workbooks"):
        import_files(project, [path], sheet="Sheet1")


def test_cli_imports_a_sheet(project_path: Path, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx", {"Included": _eppi_rows(), "Excluded": _eppi_rows()})
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(project_path), str(path), "--sheet", "Included"])
    assert result.exit_code == 0, result.output
    assert "Imported two.xlsx, sheet 'Included': 3 records" in result.output
