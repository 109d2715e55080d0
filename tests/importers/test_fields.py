"""Field normalisation shared by the importers."""

from __future__ import annotations

import pytest

from screener.importers.fields import (
    clean_text,
    normalise_author,
    normalise_doi,
    normalise_issn,
    normalise_pmid,
    parse_year,
    split_pages,
)


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1016/j.jcyt.2019.01.002", "10.1016/j.jcyt.2019.01.002"),
        ("https://doi.org/10.1016/J.JCYT.2019.01.002", "10.1016/j.jcyt.2019.01.002"),
        ("http://dx.doi.org/10.1002/sctm.17-0096", "10.1002/sctm.17-0096"),
        ("doi: 10.3390/ijms20102568.", "10.3390/ijms20102568"),
        ("DOI 10.33861/2071-8020-2021-1-33-36", "10.33861/2071-8020-2021-1-33-36"),
        ("10.1038/s41598-019-48585-8 [doi]", "10.1038/s41598-019-48585-8"),
        ("https://doi.org/10.1002/%28SICI%291097-4636", "10.1002/(sici)1097-4636"),
        ("not a doi", ""),
        ("", ""),
    ],
)
def test_doi(raw: str, doi: str) -> None:
    assert normalise_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2016", 2016),
        ("2016/09//", 2016),
        ("2019 Mar 12", 2019),
        ("12/09/2015", 2015),
        ("Spring 2001", 2001),
        ("n.d.", None),
        ("", None),
        ("12345", None),
    ],
)
def test_year(raw: str, year: int | None) -> None:
    assert parse_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1535-41", ("1535-41", "1535", "1541")),
        ("1535–1541", ("1535–1541", "1535", "1541")),
        ("e0123", ("e0123", "e0123", "")),
        ("33-6", ("33-6", "33", "36")),
        ("S12-S15", ("S12-S15", "S12", "S15")),
        ("", ("", "", "")),
    ],
)
def test_pages(raw: str, expected: tuple[str, str, str]) -> None:
    assert split_pages(raw) == expected


@pytest.mark.parametrize(
    ("raw", "author"),
    [
        ("Smith, John A.", "Smith, John A."),
        ("Smith JA", "Smith, JA"),
        ("John A. Smith", "Smith, John A."),
        ("van der Berg, K", "van der Berg, K"),
        ("Consortium", "Consortium"),
        ("  Lavrik, A.A. ; ", "Lavrik, A.A."),
    ],
)
def test_author(raw: str, author: str) -> None:
    assert normalise_author(raw) == author


def test_pmid_issn_and_text() -> None:
    assert normalise_pmid("PMID: 31234567") == "31234567"
    assert normalise_pmid("https://pubmed.ncbi.nlm.nih.gov/31234567/") == "31234567"
    assert normalise_pmid("none") == ""
    assert normalise_issn("1465-3249 (Print) 1477-2566 (Electronic)") == ("1465-3249", "1477-2566")
    assert (
        clean_text("MSC&#8208;derived <i>exosomes</i>\n  in   rats")
        == "MSC‐derived exosomes in rats"
    )
    assert clean_text("a < b and [brackets]") == "a < b and [brackets]"
