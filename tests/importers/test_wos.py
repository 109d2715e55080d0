"""The Web of Science tagged importer: header, list and text continuations, authors,
keywords, pages, ids, BOM and glued tags, records without 'ER', bad lines and detection."""

from __future__ import annotations

import pytest

from screener.errors import ImportFormatError
from screener.importers import wos
from screener.importers.reading import decode
from screener.models import Record
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "wos"


def _parse(name: str) -> list[Record]:
    path = FIXTURES / name
    return wos.parse(decode(path.read_bytes(), name).text)


def test_records_from_pt_to_er() -> None:
    records = _parse("basic.ciw")
    assert len(records) == 3  # the last one is empty but still counts
    assert [r.line for r in records] == [3, 37, 48]
    assert [r.source_record_id for r in records] == [
        "WOS:000111111100001",
        "WOS:000222222200002",
        "3",
    ]
    assert not records[2].has_content


def test_full_record() -> None:
    record = _parse("basic.ciw")[0]
    assert record.authors == ("van der Berg, Anna Maria", "Smith, John A.")  # AF, not AU
    assert record.title == (
        "An invented trial of walking for invented people: a long title that wraps onto a "
        "second line"
    )
    assert record.abstract == "Walking is invented here. We invented a trial."
    assert record.journal == "JOURNAL OF INVENTED MEDICINE"
    assert record.journal_abbrev == "J. Invent. Med."
    assert record.year == 2016
    assert (record.volume, record.issue) == ("12", "3")
    assert (record.pages, record.start_page, record.end_page) == ("1535-1541", "1535", "1541")
    assert record.doi == "10.1000/invented.2016.001"
    assert record.pmid == "11111111"
    assert record.issn == ("1234-5678", "8765-432X")
    # a DE line that wraps inside a keyword continues it; ID keywords follow DE ones
    assert record.keywords == (
        "walking",
        "invented trials",
        "exercise",
        "PHYSICAL-ACTIVITY",
        "HEALTH",
    )
    assert record.language == "English"
    assert record.type == "Article"


def test_raw_lists_one_item_per_line_for_list_tags() -> None:
    raw = _parse("basic.ciw")[0].raw
    assert raw["AU"] == ["van der Berg, AM", "Smith, JA"]
    assert raw["CR"] == ["Doe J, 2001, J INVENT, V1, P1", "Roe R, 2002, J INVENT, V2, P2"]
    assert raw["C1"][1] == "[Smith, John A.] Other Univ, Elsewhere."
    assert raw["TI"] == [
        "An invented trial of walking for invented people: a long title that wraps onto a "
        "second line"
    ]


def test_au_and_article_number() -> None:
    record = _parse("basic.ciw")[1]
    assert record.authors == ("Jones, AB", "Brown, C")
    assert (record.pages, record.start_page, record.end_page) == ("e5082", "e5082", "")


def test_bom_glued_tag_email_and_missing_ef() -> None:
    first, second = _parse("bom_glued.isi")
    assert first.line == 3
    assert first.authors == ("Gilles, H", "Girard, S")  # "AUGilles, H" lost its space
    assert second.authors == ("Stillman, Andrew N.", "Siegel, Rodney B.")
    assert second.source_record_id == "ZOOREC:ZOOR00000000001"
    text = (FIXTURES / "bom_glued.isi").read_text(encoding="utf-8")  # BOM left in
    assert len(wos.parse(text)) == 2


def test_cut_off_file_names_the_record_start() -> None:
    with pytest.raises(ImportFormatError, match="no end tag 'ER'") as info:
        _parse("cut_off.ciw")
    assert info.value.line == 8
    assert str(info.value) == ("line 8: record 2 has no end tag 'ER' (the file seems cut off)")


@pytest.mark.parametrize(
    ("name", "line", "where"),
    [
        ("no_er_before_pt.ciw", 3, "next record at line 5"),
        ("no_er_before_ef.ciw", 6, "'EF' at line 8"),
    ],
)
def test_record_left_open(name: str, line: int, where: str) -> None:
    with pytest.raises(ImportFormatError, match=where) as info:
        _parse(name)
    assert info.value.line == line


def test_line_without_tag_names_its_line() -> None:
    with pytest.raises(ImportFormatError, match="not a Web of Science tag line") as info:
        _parse("bad_line.ciw")
    assert info.value.line == 5


def test_empty_and_odd_text() -> None:
    assert wos.parse("") == []
    assert wos.parse("FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n") == []
    assert len(wos.parse("PT J\r\nTI x\r\nER\r\n")) == 1
    # a blank line inside a record does not end the list being continued
    assert wos.parse("PT J\nAU A, B\n\n   C, D\nER\n")[0].raw["AU"] == ["A, B", "C, D"]
    with pytest.raises(ImportFormatError, match="continuation"):
        wos.parse("   indented first line\n")


def test_detect() -> None:
    assert wos.detect((FIXTURES / "basic.ciw").read_text(encoding="utf-8"))
    assert wos.detect((FIXTURES / "bom_glued.isi").read_text(encoding="utf-8"))
    assert wos.detect("PT J\nTI x\nER\n")  # no header
    assert not wos.detect("PT J\nTI x\n")  # no ER
    assert not wos.detect("TY  - JOUR\nPT J\nER  - \nER\n")  # RIS
    assert not wos.detect("PMID- 1\nTI  - x\n")  # MEDLINE
    assert not wos.detect("FN,title\n1,x\n")  # a CSV header that starts with FN
    assert not wos.detect("")
