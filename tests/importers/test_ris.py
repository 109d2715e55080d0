"""The RIS importer: dialects of PubMed/EndNote, Scopus, Embase, WoS, Ovid, EBSCO, ProQuest,
Cochrane and ASReview, the format's quirks, cut-off files, and detection."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from screener.errors import ImportFormatError
from screener.importers import ris
from screener.importers.reading import decode
from screener.models import Record
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "ris"


def _parse(name: str) -> list[Record]:
    path = FIXTURES / name
    return ris.parse(decode(path.read_bytes(), name).text)


def test_pubmed_via_endnote() -> None:
    (record,) = _parse("pubmed_endnote.txt")
    assert record.line == 2  # the file starts with a blank line
    assert record.title == "An invented title about inflammation"
    assert record.authors == ("Jansen, M.", "de Vries, O.")
    assert record.pmid == "21553931"  # AN is the PMID when DP is NLM
    assert record.source_record_id == "369"  # ID wins over AN
    assert record.pages == "349-69"
    assert (record.start_page, record.end_page) == ("349", "369")
    assert record.journal == "Clin Exampl"
    assert record.year == 2011
    # EndNote writes each keyword after the first on a line without a tag
    assert record.keywords == (
        "Animals",
        "Anti-Inflammatory Agents/*pharmacology",
        "Disease Models, Animal",
    )
    assert record.raw["AD"] == [
        "Department of Examples, Sample University, Utrecht, Netherlands.\n"
        "Second Institute of Testing, Leiden, Netherlands."
    ]
    assert record.language == "eng"
    assert record.issn == ("0312-5963",)


def test_scopus() -> None:
    (record,) = _parse("scopus.ris")
    assert record.authors == ("Smit, A.", "Bakker, B.C.")
    assert record.journal == "Journal of Invented Results"
    assert record.journal_abbrev == "J. Invent. Res."
    assert record.pages == "104501"  # C7 article number when there is no SP
    assert record.doi == "10.1000/jir.2019.104501"  # not the DOI inside the Scopus URL
    assert record.pmid == "31421429"  # C2 from Scopus
    assert record.issn == ("0306-4530",)
    assert record.type == "JOUR"
    assert record.source_record_id == "1"  # no ID or AN: the ordinal
    assert record.raw["N1"] == ["Cited By :2", "Export Date: 18 November 2019"]


def test_embase() -> None:
    (record,) = _parse("embase.ris")
    assert record.title == "An invented fine-needle study"  # T1
    assert record.abstract == "BACKGROUND. An invented Embase abstract."  # N2
    assert record.authors == ("Eloubeidi, M.A.", "Cohn, M.")  # A1, "Family I." form
    assert record.issue == "4"  # IS, not M1 (affiliations)
    assert record.pmid == "15368318"  # C5
    assert record.issn == ("0008-543X", "1097-0142")
    assert record.raw["DB"] == ["Embase", "Medline"]
    assert record.year == 2004
    assert record.journal == "Cancer Examples"


def test_web_of_science_ris() -> None:
    (record,) = _parse("wos.ris")
    assert record.source_record_id == "WOS:000444108200009"
    assert record.journal_abbrev == "J. Invent. Res."
    assert record.issn == ("2211-3681", "2211-369X")
    assert (record.pages, record.start_page, record.end_page) == ("387", "387", "")
    assert record.pmid == ""
    assert record.raw["N1"] == [
        "Times Cited in Web of Science Core Collection:  5\nTotal Times Cited:  7"
    ]


def test_ovid_numbered_records() -> None:
    first, second = _parse("ovid.ris")
    assert (first.line, second.line) == (2, 22)
    assert first.doi == "10.1000/cpp.2398"  # DO given as a dx.doi.org URL
    assert first.authors == ("Trindade, Ines A", "Irons, Chris")  # A2 is not authors
    assert first.pages == ""  # SP "No" / EP "Specified"
    assert first.year == 2019
    assert first.abstract == "An invented Ovid abstract."
    assert "NL" not in first.raw  # the tag after ER belongs to no record
    assert second.title == "Gender differences in invented dissatisfaction"
    assert second.pages == "847-856"


def test_ebsco_with_crlf() -> None:
    (record,) = _parse("ebsco.ris")
    assert record.title == "“Living on the edge”: invented field margins"
    assert record.authors == ("Rodríguez-Pastor, Ruth",)
    assert record.year == 2016  # Y1 2016/09//
    assert record.doi == "10.1000/agee.2016.06.041"  # L3
    assert record.abstract == "Small invented rodents."  # the copyright AB comes second
    assert record.issn == ("0167-8809",)
    assert record.url.startswith("https://search.example.com/")


def test_proquest() -> None:
    (record,) = _parse("proquest.ris")
    assert record.source_record_id == "2214991469; 51887"
    assert record.doi == "10.1000/jts.22387"
    assert record.issn == ("0894-9867",)
    assert record.journal == "Journal of Invented Stress"


def test_cochrane_spacing() -> None:
    first, second = _parse("cochrane.ris")
    assert first.type == "JOUR"
    assert first.line == 2
    assert first.authors == ("Example, Anna",)
    assert first.keywords == ("Humans", "Randomized Controlled Trials as Topic", "Adult")
    assert first.pmid == "27654321"  # "PMID: ..." in AN
    assert first.pages == "e12"
    assert second.title == "A second invented trial"
    assert second.line == 17


def test_asreview_labels_in_notes() -> None:
    records = _parse("asreview_labels.ris")
    assert [r.label for r in records] == [1, 0, None, None]
    assert records[0].issue == ""  # pandas' "nan" is no value
    assert records[0].end_page == ""


def test_quirks() -> None:
    first, second = _parse("quirks.ris")
    assert first.line == 5  # the header lines before the first TY are ignored
    assert first.type == ""  # empty TY
    assert first.abstract == (
        "The first paragraph of an abstract that continues on a line without a tag "
        "and on an indented one."
    )
    assert first.keywords == ("alpha", "beta", "gamma", "delta")
    assert first.url == "http://example.org/a"
    assert first.authors == ("Tabbed, Author",)  # "A1<tab>- "
    assert first.source_record_id == "tab-id"  # "ID <tab>- "
    assert second.line == 17
    assert second.type == "JOUR"  # "TY - JOUR", one space
    assert second.authors == ("Author, Primary",)
    assert second.year == 2016  # PY "10 15" is no year: DA is used
    assert second.issn == ("1234-5679",)  # the ISBN in SN is not an ISSN
    assert second.doi == "10.1000/in.note.7"  # from a note, marked "doi:"


def test_records_without_ty_split_on_er() -> None:
    records = _parse("no_ty.ris")
    assert [(r.line, r.title) for r in records] == [
        (1, "A first record without a TY line"),
        (5, "A second record without a TY line"),
    ]  # the trailing "UK  - ... / ER  -" block holds no RIS field: not a record
    assert records[0].type == ""


def test_cut_off_file_names_the_record_start() -> None:
    with pytest.raises(ImportFormatError) as caught:
        _parse("truncated.ris")
    assert caught.value.line == 9
    assert str(caught.value) == ("line 9: record 3 has no end tag 'ER  -' (the file seems cut off)")


def test_cut_off_file_without_ty() -> None:
    text = "AU  - A, B\nTI  - One\nER  -\nAU  - C, D\nTI  - Two\n"
    with pytest.raises(ImportFormatError, match="record 2 has no end tag") as caught:
        ris.parse(text)
    assert caught.value.line == 4


def test_missing_er_between_records_starts_a_new_record() -> None:
    text = "TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  -\n"
    assert [(r.line, r.title) for r in ris.parse(text)] == [(1, "One"), (3, "Two")]


def test_bom_crlf_and_lone_cr_in_raw_text() -> None:
    text = "\ufeffTY  - JOUR\r\nTI  - One\r\nER  - \r\n\ufeffTY  - BOOK\rTI  - Two\rER  -\r"
    records = ris.parse(text)
    assert [(r.line, r.type, r.title) for r in records] == [(1, "JOUR", "One"), (4, "BOOK", "Two")]


def test_empty_records_are_returned() -> None:
    records = ris.parse("TY  - GEN\nER  -\n\nTY  - GEN\nN1  - only a note\nER  -\n")
    assert len(records) == 2
    assert not any(r.has_content for r in records)


def test_raw_is_json_serialisable_and_keeps_every_tag() -> None:
    (record,) = _parse("embase.ris")
    assert json.loads(json.dumps(record.raw)) == record.raw
    assert record.raw["SN"] == ["0008-543X", "1097-0142", "0008-543X"]
    assert record.raw["M1"][0].startswith("(Eloubeidi M.A.) Department")


@pytest.mark.parametrize("text", ["", "hello\nworld\n", "ER  -\n", "\x00\x01", "TY\nER\n"])
def test_text_without_records_gives_none(text: str) -> None:
    assert ris.parse(text) == []


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_detects_every_fixture(name: str) -> None:
    assert ris.detect(decode((FIXTURES / name).read_bytes(), name).text)


@pytest.mark.parametrize(
    "text",
    [
        "PMID- 12345678\nTI  - A MEDLINE title\nAU  - Smith J\n",
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A title\nER\n",
        "@article{key,\n  title = {TY  - JOUR in a title},\n}\n",
        "title,abstract,year\nA title,An abstract,2020\n",
        '<?xml version="1.0"?><xml><records><record></record></records></xml>',
        "",
        "TY JOUR\nER\n",
    ],
)
def test_rejects_other_formats(text: str) -> None:
    assert not ris.detect(text)


def test_detects_ty_after_a_long_first_record() -> None:
    text = "AU  - Many, Authors\n" * 30_000 + "ER  -\n"
    assert ris.detect(text)


def _inventory(shared: Path) -> list[tuple[str, str, int]]:
    with (shared / "formats" / "inventory.tsv").open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [(r["path"], r["format"], int(r["records"])) for r in rows if r["records"].isdigit()]


def test_real_files_give_inventory_counts(shared_data: Path) -> None:
    """Every RIS file gives exactly its inventory count; no other file is taken for RIS."""
    problems = []
    for path, fmt, count in _inventory(shared_data):
        file = shared_data / "formats" / path
        try:
            text = decode(file.read_bytes(), path).text
        except ImportFormatError:
            continue
        if fmt == "RIS":
            got = len(ris.parse(text)) if ris.detect(text) else "not detected"
            if got != count:
                problems.append(f"{path}: {got} records, inventory says {count}")
        elif ris.detect(text):
            problems.append(f"{path} ({fmt}) detected as RIS")
    assert problems == []
