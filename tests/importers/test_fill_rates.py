"""Field fill rates over every export in ../shared/data/formats, against what each file holds.

For each file and field the table gives "imported/held": records whose imported field is
filled, and records whose raw fields hold a value under a tag or column that carries that
field. tests/golden/import_fields.tsv keeps the table; an import that fills fewer records
than it does fails (SCREENER_UPDATE_GOLDEN=1 rewrites it after a deliberate change).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screener.importers.cells import citation_fields
from screener.importers.columns import COLUMNS, key
from screener.importers.reading import parse_file
from screener.models import Record
from tests.conftest import SHARED
from tests.importers.test_real_formats import SUPPORTED
from tests.paths import TESTS

GOLDEN = TESTS / "golden" / "import_fields.tsv"
FORMATS_DIR = SHARED / "data" / "formats"
FIELDS = ("title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid")
FIELDS += ("abstract",)

# The tags of the tagged formats that carry each field (for "held").
TAGS: dict[str, dict[str, tuple[str, ...]]] = {
    "ris": {
        "title": ("TI", "T1", "CT", "BT", "ST"),
        "authors": ("AU", "A1"),
        "year": ("PY", "Y1", "DA"),
        "journal": ("JF", "JO", "T2", "T3", "JA", "J2", "JI"),
        "volume": ("VL", "VO"),
        "issue": ("IS",),
        "pages": ("SP", "EP", "C7"),
        "doi": ("DO", "DI"),
        "pmid": ("PMID",),
        "abstract": ("AB", "N2"),
    },
    "medline": {
        "title": ("TI", "BTI", "TT"),
        "authors": ("FAU", "AU", "CN"),
        "year": ("DP", "DEP"),
        "journal": ("JT",),
        "volume": ("VI",),
        "issue": ("IP",),
        "pages": ("PG",),
        "doi": ("LID", "AID"),
        "pmid": ("PMID",),
        "abstract": ("AB",),
    },
    "wos": {
        "title": ("TI",),
        "authors": ("AU", "AF", "CA", "GP"),
        "year": ("PY",),
        "journal": ("SO",),
        "volume": ("VL",),
        "issue": ("IS",),
        "pages": ("BP", "EP", "AR"),
        "doi": ("DI",),
        "pmid": ("PM",),
        "abstract": ("AB",),
    },
    "bibtex": {
        "title": ("title",),
        "authors": ("author",),
        "year": ("year", "date"),
        "journal": ("journal", "journaltitle", "booktitle"),
        "volume": ("volume",),
        "issue": ("number", "issue"),
        "pages": ("pages",),
        "doi": ("doi",),
        "pmid": ("pmid", "pubmed_id"),
        "abstract": ("abstract",),
    },
    "endnote_xml": {
        "title": ("title",),
        "authors": ("author",),
        "year": ("year", "date"),
        "journal": ("secondary-title", "full-title"),
        "volume": ("volume",),
        "issue": ("number", "issue"),
        "pages": ("pages",),
        "doi": ("electronic-resource-num",),
        "pmid": (),
        "abstract": ("abstract",),
    },
}
# Tables: the column vocabulary's names for each field; and one-cell citations (Embase and
# Ovid "Source", PubMed "Citation") for the fields they give.
_TABLE_FIELDS = {"pages": ("pages", "start_page", "end_page")}
TABLE_KEYS = {
    name: frozenset(key(n) for f in _TABLE_FIELDS.get(name, (name,)) for n in COLUMNS[f])
    for name in FIELDS
}
_CITATION = frozenset({"source", "citation"})
_MISSING = {"", "NA", "N/A", "nan", "NaN", "None", "NULL", "[No author name available]"}


def _filled(value: object) -> bool:
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return str(value).strip() not in _MISSING


def _held(record: Record, fmt: str, name: str) -> bool:
    if fmt == "csv":
        return any(
            _filled(v) if key(k) in TABLE_KEYS[name] else name in citation_fields(str(v))
            for k, v in record.raw.items()
            if key(k) in TABLE_KEYS[name] or key(k) in _CITATION
        )
    return any(_filled(record.raw.get(tag, "")) for tag in TAGS[fmt][name])


def _imported(record: Record, name: str) -> bool:
    return bool(record.pages or record.start_page if name == "pages" else getattr(record, name))


def fill_rates(data: Path) -> list[list[str]]:
    """One row per file: path, format, records, then "imported/held" per field."""
    rows = []
    for path, _, _ in SUPPORTED:
        file = data / "formats" / path
        parsed = parse_file(file, file.read_bytes())
        records = [*parsed.records, *parsed.skipped]
        cells = [path, parsed.format, str(len(records))]
        for name in FIELDS:
            imported = sum(_imported(r, name) for r in records)
            held = sum(_held(r, parsed.format, name) for r in records)
            cells.append(f"{imported}/{held}")
        rows.append(cells)
    return rows


def _table(rows: list[list[str]]) -> str:
    header = ["file", "format", "records", *FIELDS]
    return "\n".join("\t".join(row) for row in [header, *rows]) + "\n"


def test_no_file_loses_a_field_it_holds(shared_data: Path) -> None:
    rows = fill_rates(shared_data)
    if os.environ.get("SCREENER_UPDATE_GOLDEN"):
        GOLDEN.write_text(_table(rows), encoding="utf-8")
    golden = [line.split("\t") for line in GOLDEN.read_text(encoding="utf-8").splitlines()[1:]]
    expected = {row[0]: row for row in golden}
    assert sorted(expected) == sorted(row[0] for row in rows), "files added or gone"
    drops = []
    for row in rows:
        for name, now, then in zip(FIELDS, row[3:], expected[row[0]][3:], strict=True):
            if int(now.split("/")[0]) < int(then.split("/")[0]):
                drops.append(f"{row[0]} {name}: {then} -> {now}")
    assert not drops, "fields imported for fewer records than before:\n" + "\n".join(drops)


def test_fill_rate_counts_a_held_field(tmp_path: Path) -> None:
    """The measure itself: a held but unread field shows as imported < held."""
    path = tmp_path / "x.csv"
    path.write_text("Title,Published Year,Source title\nA,2001,J\nB,,\n")
    parsed = parse_file(path, path.read_bytes())
    (first, second) = parsed.records
    assert _held(first, "csv", "year") and not _held(second, "csv", "year")
    assert _imported(first, "year") and _held(first, "csv", "journal")
    with pytest.raises(AssertionError):
        assert _imported(second, "journal")
