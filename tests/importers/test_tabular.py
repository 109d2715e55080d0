"""Tests for the CSV/TSV importer (screener.importers.tabular)."""

from __future__ import annotations

import contextlib
import random

import pytest

from screener.errors import ImportFormatError
from screener.importers import tabular
from screener.importers.reading import decode
from screener.models import Record
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "tabular"


def load(name: str) -> str:
    return decode((FIXTURES / name).read_bytes(), name).text


def parse(name: str) -> list[Record]:
    return tabular.parse(load(name))


def test_scopus_2024_semicolon_authors_and_multiline_abstract() -> None:
    first, second = parse("scopus_2024.csv")
    assert first.source_record_id == "2-s2.0-900000001"
    assert first.line == 2 and second.line == 5  # the abstract spans lines 2-4
    assert first.title == "Sleep hygiene apps for shift workers: a pilot trial"
    assert first.abstract == (
        "Background: shift work disrupts sleep. Methods: we randomised 40 nurses."
    )
    assert first.authors == ("Moreau, C.", "van der Berg, A.-M.", "Ng, K.")
    assert (first.year, first.journal, first.journal_abbrev) == (
        2024,
        "Journal of Imaginary Sleep Research",
        "J. Imag. Sleep Res.",
    )
    assert (first.volume, first.issue, first.start_page, first.end_page) == (
        "17",
        "2",
        "101",
        "109",
    )
    assert (first.doi, first.pmid, first.issn) == (
        "10.9999/jisr.2024.0101",
        "38000001",
        ("1234-5678",),
    )
    assert first.keywords == ("sleep", "shift work", "mHealth", "Humans", "Sleep")
    assert (first.type, first.language) == ("Article", "English")
    assert first.raw["Cited by"] == "" and first.raw["Author(s) ID"] == "111; 222; 333"
    assert second.authors == ()  # "[No author name available]"
    assert second.type == "Erratum"


def test_scopus_2016_comma_separated_authors() -> None:
    (record,) = parse("scopus_2016.csv")  # starts with a BOM, authors "Okafor B., ..."
    assert record.authors == ("Okafor, B.", "Lindqvist, E.M.", "De Luca, P.")
    assert record.source_record_id == "2-s2.0-800000001"
    assert record.title == "Cold exposure and muscle recovery, revisited"
    assert record.doi == "10.9999/ijsp.2016.1234"
    assert record.issn == ("9999-8888",)
    assert record.raw["Art. No."] == " 1234"


def test_embase_preamble_source_and_openurl() -> None:
    first, second = parse("embase_preamble.csv")
    assert (first.line, second.line) == (5, 6)  # three preamble lines, header on line 4
    assert first.authors == ("Abara, N.J.", "Ferreira-Lima, T.", "Holm, S.")
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Imaginary Case Reports",
        2019,
        "54",
        "3",
        "83-86",
    )
    assert first.doi == "10.9999/icr.2019.083" and first.issn == ("2210-2612",)
    assert "foregut cyst (diagnosis, surgery)" in first.keywords
    assert "ranitidine (drug therapy)" in first.keywords
    assert first.url == ""  # a library link resolver is not the article's address
    assert (second.journal, second.volume, second.issue, second.pages) == (
        "Fictional Surgery",
        "7",
        "",
        "e12",
    )


def test_pubmed_csv() -> None:
    first, second = parse("pubmed.csv")
    assert first.source_record_id == "39000001" and first.pmid == "39000001"
    assert first.authors == ("Haddad, R", "Sorensen, KL", "Obi, C")
    assert (first.journal, first.year, first.doi) == ("Imag Med J", 2023, "10.9999/imj.2023.301")
    assert (first.volume, first.issue, first.start_page, first.end_page) == (
        "12",
        "4",
        "301",
        "309",
    )
    assert (second.volume, second.pages, second.doi) == ("11", "e77", "")


def test_zotero_csv() -> None:
    (record,) = parse("zotero.csv")
    assert record.source_record_id == "AB12CD34"
    assert record.authors == ("Rossi, Giulia", "Tanaka, Hiroshi")
    assert record.abstract == "Fictional abstract."
    assert record.pmid == "34000001"  # from "Extra"
    assert record.issn == ("1234-5679", "2345-678X")
    assert record.keywords == ("Animals", "Dogs", "*Myoclonus/veterinary", "auto tag")
    assert (record.pages, record.journal_abbrev, record.type) == (
        "77-84",
        "J Madeup Vet Med",
        "journalArticle",
    )


def test_lens_and_openalex() -> None:
    (lens,) = parse("lens.csv")
    assert lens.source_record_id == "000-000-000-000-001"
    assert lens.authors == ("Novak, Petra", "Weber, Jonas R. K.")
    assert lens.issn == ("2194-5411", "2194-5403")
    assert lens.pmid == "" and lens.raw["PMID"] == "NA"
    assert (lens.start_page, lens.end_page, lens.issue) == ("1", "12", "2")
    (work,) = parse("openalex.csv")
    assert work.source_record_id == "https://openalex.org/W0000000001"
    assert work.title == "Invented OpenAlex work"
    assert work.authors == ("Rossi, Maria", "Baker, Tom")
    assert (work.doi, work.pmid, work.journal) == ("10.9999/oa.1", "31000001", "Journal of Nothing")


def test_asreview_labels_headers_and_blank_rows() -> None:
    records = parse("asreview_labels.csv")
    assert [r.position for r in records] == list(range(1, 9))
    assert [r.line for r in records] == [2, 3, 4, 6, 7, 8, 9, 11]  # blank rows skipped
    assert [r.label for r in records] == [1, 0, 1, 0, 1, 0, None, None]
    assert [r.source_record_id for r in records][:3] == ["r1", "r2", "r3"]
    first = records[0]
    assert first.title == "First invented record" and first.abstract == "An abstract"
    assert first.authors == ("Marx, Karl", "Lindgren, Astrid")  # a Python list literal
    assert first.keywords == ("pippi", "pirates")
    assert (first.year, first.doi) == (2014, "10.9999/a1")  # "DÓI" header, accent folded
    assert first.raw["note"] == "x" and first.raw["record_id"] == "r1"
    assert (records[2].year, records[2].doi) == (None, "")  # "NA" means missing


def test_endnote_tab_export() -> None:
    first, second = parse("endnote_tab.txt")
    assert first.title == "Invented paper, with a comma in the title"
    assert first.abstract == "Made-up abstract; with a semicolon."
    assert first.authors == ("Nakamura, Yui", "Clarke, Oliver")
    assert (first.journal, first.pages, first.type) == (
        "Imaginary Journal",
        "10-19",
        "Journal Article",
    )
    assert first.source_record_id == "101"
    assert first.label is None and first.raw["Label"] == "To check"
    assert second.type == "Book Section" and second.line == 3


def test_wos_tab_delimited() -> None:
    (record,) = parse("wos_tab.txt")
    assert record.source_record_id == "WOS:000000000000001"  # UT, not ID (Keywords Plus)
    assert record.authors == ("Kowalski, J", "Berg, A")
    assert record.issn == ("1234-5679", "2345-678X")
    assert (record.start_page, record.end_page, record.pmid) == ("100", "108", "30000001")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("generic_semicolon.csv", "A, B and C: a title with commas"),
        ("generic_tab.csv", "A, B; C: commas and semicolons"),
        ("generic_pipe.txt", "Piped title, with a comma"),
    ],
)
def test_delimiter_detection(name: str, title: str) -> None:
    records = parse(name)
    assert records[0].title == title
    assert all(len(r.raw) == len(records[0].raw) for r in records)


def test_raw_keeps_repeated_columns_and_empty_records() -> None:
    records = tabular.parse("title,note,note,doi\nA,x,y,\n,,z,\n")
    assert records[0].raw == {"title": "A", "note": ["x", "y"], "doi": ""}
    assert len(records) == 2 and not records[1].has_content  # returned; the caller skips it


def test_short_rows_padded_and_trailing_empty_cells_allowed() -> None:
    records = tabular.parse("title,abstract,year\nA\nB,b,2001,,\n")
    assert [(r.title, r.abstract, r.year) for r in records] == [("A", "", None), ("B", "b", 2001)]


def test_header_only_gives_no_records() -> None:
    assert tabular.parse("title,abstract\n\n") == []


def error(text: str) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as info:
        tabular.parse(text)
    return info.value


def test_no_title_column_names_header_line() -> None:
    exc = error('"Export"\n"2024"\nauthors,doi,year\nSmith J,10.1/x,2001\n')
    assert exc.line == 3
    assert "no title column" in exc.problem and "'authors', 'doi', 'year'" in exc.problem
    assert error("foo,bar\n1,2\n").line == 1


def test_cut_off_quote_names_the_row_start() -> None:
    exc = error('title,abstract\n"A","one\ntwo"\n"B","cut off\nin the middle')
    assert (exc.line, exc.record) == (4, 2)
    assert "never closed" in exc.problem


def test_extra_cells_name_the_real_line() -> None:
    exc = error('title,abstract\n"A","x\ny\nz"\nB,C\nD,E,F\n')
    assert (exc.line, exc.record) == (6, 3)
    assert "3 cells" in exc.problem and "2 columns" in exc.problem


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_detect_fixtures(name: str) -> None:
    assert tabular.detect(load(name))


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nTI  - Title, with comma\nAU  - Smith, J\nER  - \n",
        "PMID- 123\nTI  - A title, with comma\nAB  - x\n",
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A, B\nER\n",
        "@article{key,\n  title = {A, B},\n  author = {Smith, J and Doe, A},\n  year = {2000}\n}\n",
        '<?xml version="1.0"?>\n<xml><records><record><title>a,b</title></record></records></xml>',
        "%0 Journal Article\n%T A title, with comma\n%A Smith, J\n",
        "63 300\njusto 0.005 -0.07\n",
        "id,label\n1,0\n",
        "Just some prose, with commas, and no header.\nMore prose.\n",
        "",
    ],
)
def test_detect_rejects_other_text(text: str) -> None:
    assert not tabular.detect(text)


def test_garbage_raises_only_import_format_error() -> None:
    rng = random.Random(7)
    alphabet = 'ab ,;\t|"\n\r\x00\u2028title'
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(60)))
        for candidate in (text, "title,abstract\n" + text):
            with contextlib.suppress(ImportFormatError):
                tabular.parse(candidate)
            assert isinstance(tabular.detect(candidate), bool)


def _read(text: str) -> tuple[list[Record], tabular.TableNotes]:
    notes = tabular.TableNotes()
    return list(tabular.read(text.split("\n"), notes)), notes


def test_booktitle_is_the_venue_of_a_conference_paper() -> None:
    records, notes = _read('title,author,booktitle,year\nA paper,"Doe, J",Proc. of X,2019\n')
    assert records[0].journal == "Proc. of X" and notes.unused_columns == []
    # A journal column wins; the book title fills in where a row has no journal.
    records, _ = _read("title,journal,booktitle\nA,J Bone,Proc. Y\nB,,Proc. Z\n")
    assert [r.journal for r in records] == ["J Bone", "Proc. Z"]


def test_source_is_the_venue_only_without_a_journal_column() -> None:
    records, notes = _read("Title,Source\nA,The Lancet\nB,Scopus\nC,BMJ (2019) 12:3 (4-9)\n")
    assert [r.journal for r in records] == ["The Lancet", "", "BMJ"]
    assert (records[2].year, records[2].volume, records[2].pages) == (2019, "12", "4-9")
    assert notes.unused_columns == []
    # Beside a journal column "Source" is something else (ASySD's duplicate labels here):
    # not the venue, kept and reported; it names no database.
    records, notes = _read("title,journal,source\nA,J Bone,duplicate\nB,,unique\n")
    assert [r.journal for r in records] == ["J Bone", ""]
    assert notes.unused_columns == ["source"] and notes.databases == []
    # ... and when it names a database (Scopus), it is read as that.
    _, notes = _read("Title,Source title,Source\nA,J Bone,Scopus\n")
    assert notes.unused_columns == [] and notes.databases == ["Scopus"]


def test_label_column_without_labels_is_reported_unused() -> None:
    records, notes = _read("Title,Label\nA,to check\nB,\n")
    assert [r.label for r in records] == [None, None]
    assert notes.unused_columns == ["Label"] and notes.empty_fields == []
    records, notes = _read("Title,Label\nA,1\nB,0\n")
    assert [r.label for r in records] == [1, 0] and notes.unused_columns == []


def test_a_mapped_column_empty_in_every_record_is_noted() -> None:
    _, notes = _read("Title,Year,DOI,Notes,Extra 2\nA,n.d.,,x,\nB,,,,\n")
    assert notes.empty_fields == ["year (Year)", "doi (DOI)"]
    assert (notes.unused_columns, notes.blank_columns) == (["Notes"], ["Extra 2"])


def test_section_lines_are_not_records_but_a_lone_title_is() -> None:
    records, notes = _read("id,title,abstract\nfirst group\n1,A,x\nsecond group\n2,B,y\n")
    assert [r.title for r in records] == ["A", "B"] and [r.position for r in records] == [1, 2]
    assert notes.section_lines == [(2, "first group"), (4, "second group")]
    records, notes = _read("title,abstract,year\nOnly a title\n")  # the title column is first
    assert [r.title for r in records] == ["Only a title"] and notes.section_lines == []
