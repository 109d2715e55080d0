"""Every supported file in ../shared/data/formats imports with its inventory record count."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.errors import ImportFormatError
from screener.importers.reading import parse_file
from tests.conftest import SHARED

FORMATS_DIR = SHARED / "data" / "formats"
INVENTORY = FORMATS_DIR / "inventory.tsv"
INVENTORY_FORMATS = {
    "RIS": "ris",
    "MEDLINE/nbib": "medline",
    "WoS tagged": "wos",
    "BibTeX": "bibtex",
    "EndNote XML": "endnote_xml",
}

# Files whose inventory row is not what screener should do with them, and why.
NOT_CITATION_EXPORTS = {
    "asreview/generic.vec": "word vectors, not a citation export",
    "metaknowledge/ProQuest_TestFile.testtxt": "ProQuest text report, not BibTeX",
}
# Files refused on purpose, with the message they must give.
REFUSED = {
    "asreview/generic_labels_no_title.csv": "no title column",
}
# Files with records that carry nothing to screen: they import, and those records are
# skipped with a warning; total = imported + skipped is the inventory count.
EXPECTED_FORMAT_OVERRIDES = {
    # An EndNote tab-delimited export; the inventory could not name its format.
    "ASySD/test_export.txt": ("csv", 3),
}


def _inventory() -> list[tuple[str, str, int | None]]:
    if not INVENTORY.is_file():
        return []
    with INVENTORY.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        (r["path"], r["format"], None if r["records"] == "None" else int(r["records"]))
        for r in rows
    ]


def _expected_format(path: str, inventory_format: str) -> str:
    if path in EXPECTED_FORMAT_OVERRIDES:
        return EXPECTED_FORMAT_OVERRIDES[path][0]
    if inventory_format.startswith("CSV"):
        return "csv"
    return INVENTORY_FORMATS[inventory_format]


# Tag-test files whose records deliberately lack titles (they import on abstract or DOI).
FILES_WITHOUT_TITLES = {
    "asreview/missing_values.csv",
    "asreview/baseline_empty_values.ris",
    "rispy/example_bom.ris",
    "rispy/example_multiline.ris",
}

# Tag-test files whose every record has nothing to screen: all are skipped with a warning.
ALL_RECORDS_EMPTY = {
    "asreview/baseline_reference_types.ris",  # TY and N1 only
    "asreview/baseline_tag_and_field_definitions_lists.ris",  # authors, keywords, notes
    "rispy/example_custom_list_tags.ris",  # AU and SN only
}

ROWS = _inventory()
SUPPORTED = [(p, f, n) for p, f, n in ROWS if p not in NOT_CITATION_EXPORTS and p not in REFUSED]


@pytest.mark.parametrize(
    ("path", "inventory_format", "count"), SUPPORTED, ids=[row[0] for row in SUPPORTED]
)
def test_file_parses_with_inventory_count(
    shared_data: Path, path: str, inventory_format: str, count: int | None
) -> None:
    file = FORMATS_DIR / path
    parsed = parse_file(file, file.read_bytes())
    expected_count = EXPECTED_FORMAT_OVERRIDES.get(path, (None, count))[1]
    assert parsed.format == _expected_format(path, inventory_format)
    assert len(parsed.records) + len(parsed.skipped) == expected_count
    if path in ALL_RECORDS_EMPTY:
        assert not parsed.records
    else:
        assert parsed.records
    if path not in FILES_WITHOUT_TITLES:
        with_titles = sum(1 for r in parsed.records if r.title)
        assert with_titles >= len(parsed.records) * 0.9


@pytest.mark.parametrize("path", sorted(NOT_CITATION_EXPORTS))
def test_not_citation_exports_are_refused(shared_data: Path, path: str) -> None:
    file = FORMATS_DIR / path
    with pytest.raises(ImportFormatError, match="unknown format"):
        parse_file(file, file.read_bytes())


@pytest.mark.parametrize("path", sorted(REFUSED))
def test_files_refused_on_purpose(shared_data: Path, path: str) -> None:
    file = FORMATS_DIR / path
    with pytest.raises(ImportFormatError, match=REFUSED[path]):
        parse_file(file, file.read_bytes())


def test_all_supported_files_into_one_project(shared_data: Path, tmp_path: Path) -> None:
    """The acceptance run: init, then import every supported file one by one; the status
    reports each file's count. Byte-identical copies (asreview/generic_tab.csv/.tab/.tsv)
    are refused as re-imports of the first, as they should be, and so are files none of
    whose records has anything to screen."""
    runner = CliRunner()
    project = tmp_path / "p"
    assert runner.invoke(main, ["init", str(project)]).exit_code == 0
    imported: dict[str, str] = {}
    expected: dict[str, int] = {}
    for path, _, count in SUPPORTED:
        file = FORMATS_DIR / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        result = runner.invoke(main, ["import", str(project), str(file)])
        if path in ALL_RECORDS_EMPTY:
            assert result.exit_code == 1 and "nothing to screen" in result.output, path
            continue
        if digest in imported:
            assert result.exit_code == 1 and "already imported" in result.output, path
            continue
        assert result.exit_code == 0, result.output
        imported[digest] = path
        expected[path] = EXPECTED_FORMAT_OVERRIDES.get(path, (None, count))[1]
    status = json.loads(runner.invoke(main, ["status", str(project), "--json"]).output)
    got = {source["sha256"]: source["records"] + source["skipped"] for source in status["sources"]}
    assert {imported[d]: n for d, n in got.items()} == expected
    assert status["records"] + status["skipped_records"] == sum(expected.values())
