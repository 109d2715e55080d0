"""Tables shaped like about twenty tools' exports import with every field they hold; the
columns not used are kept in raw and reported; the database is named or said unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.importers.service import import_files
from screener.models import Record
from screener.project import Project
from tests.importers.vendors import TRUTH, VENDORS, Vendor

CHECKED = ("title", "authors", "year", "journal", "volume", "issue", "start", "end", "doi")
CHECKED += ("pmid", "abstract")


def _value(record: Record, name: str) -> object:
    attribute = {"start": "start_page", "end": "end_page"}.get(name, name)
    return getattr(record, attribute)


def _import(project: Project, tmp_path: Path, vendor: Vendor) -> tuple[list[Record], object]:
    suffix = ".tsv" if vendor.delimiter == "\t" else ".csv"
    path = tmp_path / f"export{suffix}"
    path.write_text(vendor.text(), encoding="utf-8")
    (result,) = import_files(project, [path])
    records = [stored.record for stored in project.store.records.all()]
    return records, result


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_vendor_table_imports_every_field_it_holds(
    project: Project, tmp_path: Path, name: str
) -> None:
    vendor = VENDORS[name]
    records, _ = _import(project, tmp_path, vendor)
    assert len(records) == len(TRUTH)
    for record, truth in zip(records, TRUTH, strict=True):
        for field in CHECKED:
            if field in vendor.lacks:
                continue
            assert _value(record, field) == vendor.expected(truth, field), (name, field)


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_unused_columns_are_kept_in_raw_and_reported(
    project: Project, tmp_path: Path, name: str
) -> None:
    vendor = VENDORS[name]
    records, result = _import(project, tmp_path, vendor)
    source = result.source  # type: ignore[attr-defined]
    assert source.unused_columns == vendor.unused
    assert all(list(r.raw) == list(vendor.columns) for r in records)  # nothing left out
    warnings = "\n".join(result.warnings)  # type: ignore[attr-defined]
    if vendor.unused:
        assert f"kept but not used: {', '.join(vendor.unused)}" in warnings
    else:
        assert "kept but not used" not in warnings


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_database_comes_from_the_records_or_is_said_unknown(
    project: Project, tmp_path: Path, name: str
) -> None:
    vendor = VENDORS[name]
    _, result = _import(project, tmp_path, vendor)
    source = result.source  # type: ignore[attr-defined]
    if vendor.database:
        assert (source.database, source.database_from) == (vendor.database, "records")
    else:
        assert source.database_from == "unknown"
        assert source.database.startswith("Unknown database (export.")
        assert any("--database" in w for w in result.warnings)  # type: ignore[attr-defined]


def test_abstrackr_section_lines_are_not_records(project: Project, tmp_path: Path) -> None:
    records, result = _import(project, tmp_path, VENDORS["abstrackr"])
    assert [r.title for r in records] == [t["title"] for t in TRUTH]
    assert result.skipped_positions == ()  # type: ignore[attr-defined]
    (note,) = [w for w in result.warnings if "headings" in w]  # type: ignore[attr-defined]
    assert "2 line(s)" in note and "citations labeled by alice" in note
