"""The BibTeX importer: fields, LaTeX decoding, names, detection and broken files."""

from __future__ import annotations

import pytest

from screener.errors import ImportFormatError
from screener.importers import bibtex
from screener.models import Record
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "bibtex"


def _parse(name: str) -> list[Record]:
    return bibtex.parse((FIXTURES / name).read_text(encoding="utf-8"))


def test_zotero_entry_fields() -> None:
    records = _parse("zotero_style.bib")
    assert len(records) == 2
    r = records[0]
    assert (r.position, r.line, r.source_record_id, r.type) == (
        1,
        2,
        "moreau_etude_2019",
        "article",
    )
    # LaTeX accents, protective braces and "--" are decoded; "%" and "&" are kept.
    assert r.title == "Étude of Cocker Spaniel ear disease – a review"
    assert r.abstract == "In 50% of dogs (p < 0.05) the Müller & Smith test was positive."
    assert r.journal == "Veterinary Surgery"
    assert r.journal_abbrev == "Vet. Surg."
    assert (r.volume, r.issue, r.year) == ("12", "3", 2019)
    assert (r.pages, r.start_page, r.end_page) == ("1535-41", "1535", "1541")
    assert r.doi == "10.1000/abc_123"
    assert r.issn == ("0932-0814",)
    assert r.keywords == ("ear disease", "dogs", "Ear", "Middle")
    assert r.language == "English"
    assert r.url == "https://example.org/a_b?x=1%202"


def test_names_are_split_and_decoded() -> None:
    authors = _parse("zotero_style.bib")[0].authors
    # "von" parts stay with the family name; a braced group is one corporate name; an
    # accent macro opening a name keeps its first letter.
    assert authors == (
        "Müller, Hans",
        "van der Berg, Jan",
        "World Health Organization",
        "Öztürk, Ayşe",
    )


def test_raw_keeps_the_file_text() -> None:
    r = _parse("zotero_style.bib")[0]
    assert r.raw["ENTRYTYPE"] == "article"
    assert r.raw["ID"] == "moreau_etude_2019"
    assert r.raw["pages"] == "1535--41"
    assert r.raw["month"] == "aug"
    assert r.raw["author"].startswith('M{\\"u}ller, Hans and')


def test_entry_without_content_is_still_returned() -> None:
    r = _parse("zotero_style.bib")[1]
    assert (r.position, r.line, r.type, r.authors) == (2, 20, "incollection", ("Nobody, Ann",))
    assert not r.has_content


def test_scopus_export() -> None:
    [r] = _parse("scopus_style.bib")
    assert (r.line, r.source_record_id) == (4, "Li2020")
    assert r.keywords == ("Soil fauna", "Wetland restoration", "reed")
    assert r.pmid == "31234567"
    assert r.issn == ("2096-4129",)
    assert r.journal_abbrev == "Ecosyst. Health"
    # Scopus repeats fields: not an error, and every value is kept.
    assert r.raw["funding_details"] == ["First funder", "Second funder"]


def test_biblatex_strings_parentheses_and_case() -> None:
    records = _parse("biblatex.bib")
    # @String, @Preamble and @Comment are not records; a repeated key is not an error.
    assert [r.source_record_id for r in records] == ["Grames2019", "Grames2019", "conf1"]
    first = records[0]
    assert first.line == 10
    assert first.authors == ("Grames, Eliza M.", "Stillman, Andrew N.")
    assert first.journal == "Journal of Vet Science"  # resolved from @String
    assert (first.year, first.issue, first.language) == (2019, "10", "english")
    assert first.keywords == ("search", "review")
    assert records[1].year == 2020
    conf = records[2]
    assert (conf.journal, conf.pmid, conf.type) == (
        "Proceedings of Things",
        "29999999",
        "inproceedings",
    )
    assert conf.authors == ("Smith, John, Jr.",)


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("truncated.bib", 6, "cut off"),
        ("unclosed.bib", 5, "not closed"),
        ("no_key.bib", 5, "no key"),
    ],
)
def test_broken_entries_name_their_line(name: str, line: int, words: str) -> None:
    with pytest.raises(ImportFormatError) as info:
        _parse(name)
    assert info.value.line == line
    assert words in info.value.problem


@pytest.mark.parametrize(
    "name",
    ["zotero_style.bib", "scopus_style.bib", "biblatex.bib", "truncated.bib", "no_key.bib"],
)
def test_detects_bibtex(name: str) -> None:
    assert bibtex.detect((FIXTURES / name).read_text(encoding="utf-8"))


REPORT = "Report from a database\n" + "".join(f"Line {i} of the report\n" for i in range(30))


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nTI  - A title\nAB  - quoting\n@article{x,\nER  - \n",
        "PMID- 123\nTI  - A title\n@article{x,\n",
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n@article{x,\n",
        'title,abstract,year\n"A title","quoting\n@article{x, title={y}}",2020\n',
        '<?xml version="1.0"?>\n<xml><records><record>\n@article{x,\n</record></records></xml>',
        REPORT + "@misc{\nauthor={A, B}, title={T},\n}\n",
        "",
        "just some text with an email@example.org{ inside\n",
    ],
)
def test_does_not_detect_other_text(text: str) -> None:
    assert not bibtex.detect(text)


def test_latex_it_cannot_decode_is_kept_as_text() -> None:
    [r] = bibtex.parse(
        "@article{k,\n title = {Gene $\\alpha$ and \\unknownmacro{kept} {\\bf X}},\n"
        " author = {Too, Many, Commas, Here and Lee, Ann},\n}\n"
    )
    assert r.title == "Gene $α$ and kept X"
    # bibtexparser refuses to split a name with three commas: the names are still kept.
    assert r.authors == ("Too, Many, Commas, Here", "Lee, Ann")


@pytest.mark.parametrize(
    "text", ["@", "@article{", "{{{{}", "@article{x, title={a}}}}}\n@book(", "\x00@misc{,}"]
)
def test_garbage_gives_records_or_import_error(text: str) -> None:
    try:
        records = bibtex.parse(text)
    except ImportFormatError:
        return
    assert isinstance(records, list)
