"""The PubMed MEDLINE/nbib importer: tags, continuations, authors, DOIs, dates, keywords,
the PMC MEDLARS variant, records without PMID, bad lines, cut-off files and detection."""

from __future__ import annotations

import pytest

from screener.errors import ImportFormatError
from screener.importers import medline
from screener.importers.reading import decode
from screener.models import Record
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "medline"


def _parse(name: str) -> list[Record]:
    path = FIXTURES / name
    return medline.parse(decode(path.read_bytes(), name).text)


def test_records_are_split_on_blank_lines_not_on_pmid() -> None:
    records = _parse("basic.nbib")
    assert len(records) == 3
    assert [r.position for r in records] == [1, 2, 3]
    # the file opens with a blank line; two blank lines and a line of spaces separate records
    assert [r.line for r in records] == [2, 37, 47]
    assert [r.source_record_id for r in records] == ["11111111", "2", "33333333"]


def test_full_record() -> None:
    record = _parse("basic.nbib")[0]
    assert record.pmid == "11111111"
    assert record.title == (
        "An invented trial of walking for invented people: a long title that wraps "
        "onto a second line."
    )
    assert record.abstract == (
        "BACKGROUND: Walking is invented here. METHODS: We invented a trial."
    )
    assert record.authors == ("van der Berg, Anna Maria", "Smith, John A")  # FAU, not AU
    assert record.doi == "10.1000/invented.2016.001"  # [pii] values are not DOIs
    assert record.year == 2016
    assert record.journal == "Invented medical journal"
    assert record.journal_abbrev == "Invent Med J"
    assert (record.volume, record.issue) == ("12", "3 Pt 2")
    assert (record.pages, record.start_page, record.end_page) == ("1535-41", "1535", "1541")
    assert record.issn == ("1234-5678", "8765-432X")
    assert record.keywords == ("walking", "invented trials", "Humans", "Walking")
    assert record.language == "eng"
    assert record.type == "Journal Article"


def test_raw_keeps_every_tag_with_continuations_joined() -> None:
    raw = _parse("basic.nbib")[0].raw
    assert raw["PT"] == ["Journal Article", "Randomized Controlled Trial"]
    assert raw["MH"] == ["Humans", "*Walking/physiology/*psychology"]
    assert raw["AB"] == ["BACKGROUND: Walking is invented here. METHODS: We invented a trial."]
    assert raw["IS"][0] == "1234-5678 (Electronic)"


def test_record_without_pmid_falls_back_to_au_and_article_number() -> None:
    record = _parse("basic.nbib")[1]
    assert record.pmid == ""
    assert record.source_record_id == "2"  # the ordinal
    assert record.authors == ("Jones, AB", "Brown, C")
    assert record.year == 2016  # "2016 Sep-Oct"
    assert record.doi == ""  # only a [pii] id
    assert record.pages == "e5082"  # the untagged LID is the article number
    assert record.journal_abbrev == "Other J"


def test_season_date_empty_tag_group_author_and_doi_from_so() -> None:
    record = _parse("basic.nbib")[2]
    assert record.year == 2015  # "2015 Winter"
    assert record.abstract == ""
    assert record.raw["AB"] == [""]
    assert record.authors == ("Invented Study Group for Walking Trials",)
    assert record.doi == "10.1000/wq.2015.7"


def test_pmc_medlars_variant() -> None:
    first, second = _parse("pmc_medlars.txt")
    assert first.source_record_id == "44444444"  # PMID wins over PMC
    assert first.abstract == ""  # OAB is not the abstract
    assert first.title == "A PMC record with an empty abstract and an other abstract."
    assert first.doi == "10.1000/mi.2018.03.007"
    assert first.authors == ("Tanaka, Yumi",)
    assert second.source_record_id == "PMC1000002"
    assert second.pmid == ""
    assert second.line == 22
    assert second.year == 2010


def test_cut_off_file_keeps_the_short_last_record() -> None:
    # MEDLINE has no end tag: a cut-off record cannot be told from a short one.
    records = _parse("cut_off.nbib")
    assert len(records) == 2
    assert records[1].abstract == "The file stops in the middle of this sentence, after"


def test_line_without_tag_names_its_line() -> None:
    with pytest.raises(ImportFormatError, match="not a MEDLINE tag line") as info:
        _parse("bad_line.nbib")
    assert info.value.line == 6
    assert str(info.value).startswith("line 6: ")


def test_continuation_with_nothing_to_continue() -> None:
    with pytest.raises(ImportFormatError, match="continuation") as info:
        _parse("orphan_continuation.nbib")
    assert info.value.line == 4


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("TI  - x\nTI - misaligned tag\n", 2),
        ("PMID- 1\nti  - lower-case tag\n", 2),
        ("TY  - JOUR\nTI  - x\nER  - \n", None),  # RIS parses as tags, but see detect()
    ],
)
def test_tag_layout(text: str, line: int | None) -> None:
    if line is None:
        assert len(medline.parse(text)) == 1
        return
    with pytest.raises(ImportFormatError) as info:
        medline.parse(text)
    assert info.value.line == line


def test_empty_and_odd_text() -> None:
    assert medline.parse("") == []
    assert medline.parse("\n \n\t\n") == []
    assert len(medline.parse("\ufeffPMID- 1\r\nTI  - x\r\n")) == 1


def test_detect() -> None:
    assert medline.detect((FIXTURES / "basic.nbib").read_text(encoding="utf-8"))
    assert medline.detect((FIXTURES / "pmc_medlars.txt").read_text(encoding="utf-8"))
    assert medline.detect("PMC - PMC1\nTI  - x\n")
    assert not medline.detect("TY  - JOUR\nTI  - x\nAU  - Smith, J\nER  - \n")  # RIS
    assert not medline.detect("TI  - x\nAU  - y\n")  # 2-letter tags alone: could be RIS
    assert not medline.detect("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nER\n")
    assert not medline.detect("@article{k, title={PMID- 1}}")
    assert not medline.detect("")
