"""The EndNote XML importer: styled and plain values, detection, broken and hostile XML."""

from __future__ import annotations

import pytest

from screener.errors import ImportFormatError
from screener.importers import endnote_xml
from screener.models import Record
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "endnote_xml"


def _parse(name: str) -> list[Record]:
    return endnote_xml.parse((FIXTURES / name).read_text(encoding="utf-8"))


def test_endnote_styled_record() -> None:
    records = _parse("endnote_styled.xml")
    assert len(records) == 3
    r = records[0]
    assert (r.position, r.line, r.source_record_id, r.type) == (1, 0, "57", "Journal Article")
    # Several <style> runs make one value; entities are decoded.
    assert r.title == "Effects of Canis lupus on & ear disease"
    assert r.authors == ("Müller, Hans", "Smith, J. A.")
    assert r.abstract == "Background: ear disease. Results: 50% of dogs had it."
    assert (r.journal, r.journal_abbrev) == ("Veterinary Surgery", "Vet Surg")
    assert (r.volume, r.issue, r.year) == ("12", "3", 2019)
    assert (r.pages, r.start_page, r.end_page) == ("1535-41", "1535", "1541")
    assert r.doi == "10.1111/vsu.13000"
    assert r.pmid == "31234567"
    assert r.issn == ("0161-3499", "1532-950X")
    # One <keyword> holding a keyword per line is a list.
    assert r.keywords == ("Dogs", "Ear Diseases/*veterinary", "Otitis, Media")
    assert r.language == "eng"
    assert r.url == "https://example.org/article/57"
    assert r.label is None
    assert r.raw["custom2"] == "PMC123456"
    assert r.raw["label"] == "relevant"
    assert r.raw["date"] == "Aug"


def test_plain_values_and_edge_records() -> None:
    book, empty = _parse("endnote_styled.xml")[1:]
    assert (book.source_record_id, book.type, book.year) == ("58", "Book", 2001)
    assert book.keywords == ("alpha", "beta")
    assert book.pmid == ""  # a 9-digit Embase accession number is not a PMID
    assert book.raw["accession-num"] == "613924513"
    # A record with nothing to screen is still returned, so the count matches the file.
    assert (empty.position, empty.source_record_id, empty.year) == (3, "59", 2005)
    assert not empty.has_content


def test_zotero_export() -> None:
    [r] = _parse("zotero_plain.xml")
    assert r.source_record_id == "1"  # no <rec-number>: the ordinal
    # A trailing comma marks a corporate author in EndNote.
    assert r.authors == ("Rotter, Carina", "World Health Organization")
    assert (r.journal, r.journal_abbrev) == ("Journal of Veterinary Medicine", "J Vet Med")
    assert (r.year, r.issue) == (2022, "3")  # year from <pub-dates><date>
    assert r.issn == ("1939-1676", "0891-6640")
    assert r.keywords == ("*Dog Diseases/diagnostic imaging", "Animals")
    assert r.raw["keyword"] == ["*Dog Diseases/diagnostic imaging", "Animals"]


def test_cut_off_file_names_the_unfinished_record() -> None:
    with pytest.raises(ImportFormatError) as info:
        _parse("truncated.xml")
    assert (info.value.line, info.value.record) == (12, 3)
    assert "cut off" in info.value.problem


def test_cut_off_after_a_complete_record() -> None:
    text = "<xml><records>\n<record><titles><title>A</title></titles></record>\n"
    with pytest.raises(ImportFormatError) as info:
        endnote_xml.parse(text)
    assert "cut off after 1 record" in info.value.problem


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(ImportFormatError) as info:
        _parse("malformed.xml")
    assert info.value.line == 6
    assert "malformed" in info.value.problem


def test_entity_expansion_is_refused() -> None:
    with pytest.raises(ImportFormatError) as info:
        _parse("billion_laughs.xml")
    assert info.value.problem.startswith("refused: the XML declares entities")


def test_other_xml_is_not_an_endnote_export() -> None:
    with pytest.raises(ImportFormatError, match="PubmedArticleSet"):
        _parse("pubmed.xml")


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0" encoding="UTF-8"?>\n<xml><records><record>',
        "  <xml><records>",
        "<!-- exported -->\n<records><record><titles>",
    ],
)
def test_detects_endnote_xml(text: str) -> None:
    assert endnote_xml.detect(text)


@pytest.mark.parametrize(
    "text",
    [
        (FIXTURES / "pubmed.xml").read_text(encoding="utf-8"),
        "TY  - JOUR\nTI  - <xml> in a title\nER  - \n",
        "PMID- 1\nTI  - x\n",
        "@article{k, title={<xml>}}\n",
        "title,abstract\n<xml>,<records>\n",
        "",
    ],
)
def test_does_not_detect_other_text(text: str) -> None:
    assert not endnote_xml.detect(text)


@pytest.mark.parametrize(
    "text", ["<", "<xml>", "<xml><records><record></xml>", "\x00", "<a>&undefined;</a>", "<?xml"]
)
def test_garbage_gives_records_or_import_error(text: str) -> None:
    try:
        records = endnote_xml.parse(text)
    except ImportFormatError:
        return
    assert isinstance(records, list)
