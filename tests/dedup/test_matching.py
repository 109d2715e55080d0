"""Duplicate detection rules (screener.dedup.matching): normalisation, blocking, verdicts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from screener.dedup import matching as dedup
from screener.models import LinkMethod, LinkVerdict, MatchInput

ARTICLE = MatchInput(
    id=1,
    title="Mesenchymal stem cell secretome accelerates wound closure in diabetic rats",
    authors=("Smith, John A.", "Doe, Jane", "Roe, R."),
    year=2019,
    journal="Stem Cell Research & Therapy",
    volume="10",
    issue="3",
    start_page="1535",
    end_page="1541",
    doi="10.1186/s13287-019-1234-5",
    pmid="31234567",
)


def copy(**changes: object) -> MatchInput:
    return replace(ARTICLE, id=2, **changes)  # type: ignore[arg-type]


def verdict(a: MatchInput, b: MatchInput) -> dedup.Candidate | None:
    return dedup.judge(dedup.prepare(a), dedup.prepare(b))


# -- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TGF-β1 signalling in <i>vivo</i>", "tgf beta1 signalling in vivo"),
        ("Effets du sécrétome sur la cicatrisation", "effets du secretome sur la cicatrisation"),
        ("[A study of exosomes in rats]", "a study of exosomes in rats"),
        ("Exosomes in wound healing [Article in Chinese]", "exosomes in wound healing"),
        ("Exosomes in wound healing. [Review] [33 refs]", "exosomes in wound healing"),
        ("Straße & Ærø", "strasse and aero"),
        (
            "Exosomes in rats.[Erratum appears in Stem Cells. 2009;27(2):1 Note: X [added]].[Err",
            "exosomes in rats",
        ),
        ("Exosomes (vol 360, pg 542, 2009)", "exosomes"),
    ],
)
def test_match_title(raw: str, expected: str) -> None:
    assert dedup.match_title(raw) == expected


def test_title_numbers_spell_out_roman_parts() -> None:
    assert dedup.title_numbers(dedup.fold_text("Stem cells: Part II")) == ("2",)
    assert dedup.title_numbers(dedup.fold_text("Type 2 diabetes")) == ("2",)
    assert dedup.title_numbers(dedup.fold_text("TGF-β 1 and IL 6")) == ("1", "6")


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("Curr Opin Lipidol", "Current Opinion in Lipidology", True),
        ("Endocrine Reviews. Conference: 94th Annual Meeting", "Endocr Rev", True),
        (
            "JPEN. Journal of parenteral and enteral nutrition",
            "Jpen: J Parenter Enteral Nutr",
            True,
        ),
        ("Seminars in Thrombosis & Hemostasis", "Seminars in Thrombosis and Hemostasis", True),
        ("Annals of Internal Medicine", "ACP Journal Club", False),
        ("Diabetes", "Diabetes Care", True),  # an abbreviation cannot tell these apart ...
        ("Diabetes Care", "Diabetologia", False),
    ],
)
def test_journals_agree(a: str, b: str, agree: bool) -> None:
    assert dedup.journals_agree(dedup.journal_words(a), dedup.journal_words(b)) is agree


def test_pages_and_volumes_that_prove_nothing_are_ignored() -> None:
    assert dedup.page_key("e0012724") == "12724"
    assert dedup.page_key("S417") == "417"
    assert dedup.page_key("Nov") == ""
    assert dedup.volume_key("61 (Suppl 1)") == ""
    assert dedup.volume_key("061") == "61"


# -- verdicts ----------------------------------------------------------------------------------


def test_same_doi_is_an_exact_id_match() -> None:
    found = verdict(ARTICLE, copy(title=ARTICLE.title.upper(), pmid="", start_page=""))
    assert found is not None
    assert (found.verdict, found.method, found.reason) == (
        LinkVerdict.SAME,
        LinkMethod.EXACT_ID,
        "same DOI",
    )


def test_a_doi_shared_by_a_whole_supplement_links_nothing() -> None:
    other = copy(title="Liraglutide and cardiac remodelling in mice", authors=("Kim, Y.",))
    assert verdict(ARTICLE, other) is None


def test_database_variants_are_merged_by_rule() -> None:
    variant = copy(
        title="Mesenchymal stem-cell secretome accelerates wound closure in diabetic rats.",
        authors=("Smith JA", "Doe J"),
        journal="Stem Cell Res Ther",
        start_page="1535",
        doi="",
        pmid="",
    )
    found = verdict(ARTICLE, variant)
    assert found is not None
    assert (found.verdict, found.method) == (LinkVerdict.SAME, LinkMethod.RULE)
    assert "journal" in found.reason and "pages" in found.reason


OTHER_COAUTHORS = ("Smith, John A.", "Doe, Jane", "Else, Quentin", "Fourth, F.")
OTHER_AUTHOR_LIST = ("Smith, John A.", "Else, Quentin", "Fourth, F.", "Fifth, G.")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"doi": "10.1186/s13287-019-9999-9", "pmid": "", "authors": OTHER_COAUTHORS},
            "different DOIs",
        ),
        ({"doi": "", "pmid": "", "year": 2016}, "years 2019 and 2016"),
        (
            {
                "doi": "",
                "pmid": "",
                "start_page": "1702",
                "end_page": "1709",
                "authors": OTHER_AUTHOR_LIST,
            },
            "different first pages",
        ),
        (
            {
                "doi": "",
                "pmid": "",
                "title": "Erratum: " + ARTICLE.title,
                "start_page": "1702",
                "end_page": "1702",
            },
            "erratum",
        ),
        ({"doi": "", "pmid": "", "title": ARTICLE.title + ": a reply"}, "reply"),
    ],
)
def test_conflicting_evidence_sends_the_pair_to_review(
    changes: dict[str, object], reason: str
) -> None:
    found = verdict(replace(ARTICLE, pmid="") if "pmid" in changes else ARTICLE, copy(**changes))
    assert found is not None
    assert found.verdict is LinkVerdict.REVIEW
    assert reason in found.reason


def test_several_contradictions_mean_another_paper() -> None:
    update = copy(doi="", pmid="", year=2023, volume="14", start_page="77")
    assert verdict(replace(ARTICLE, doi="", pmid=""), update) is None


def test_pages_a_few_apart_in_the_same_volume_are_one_article() -> None:
    found = verdict(
        replace(ARTICLE, doi="", pmid=""), copy(doi="", pmid="", start_page="1537", end_page="1543")
    )
    assert found is not None
    assert found.verdict is LinkVerdict.SAME
    assert "pages differ" in found.reason


def test_a_one_page_erratum_under_the_articles_title_is_not_merged() -> None:
    erratum = copy(doi="", pmid="", start_page="1702", end_page="1702")
    found = verdict(replace(ARTICLE, doi="", pmid=""), erratum)
    assert found is not None
    assert found.verdict is LinkVerdict.REVIEW


def test_a_first_page_typo_is_forgiven_when_the_last_pages_agree() -> None:
    typo = copy(doi="", pmid="", start_page="1735", end_page="1541")
    found = verdict(replace(ARTICLE, doi="", pmid=""), typo)
    assert found is not None
    assert found.verdict is LinkVerdict.SAME


def test_a_wrong_doi_loses_against_everything_else_agreeing() -> None:
    """One database attached another paper's DOI: title, author list, journal, year and
    first page all agree, so the identifier is the error."""
    found = verdict(ARTICLE, copy(doi="10.1016/j.regpep.2012.05.039", pmid=""))
    assert found is not None
    assert found.verdict is LinkVerdict.SAME
    assert "different DOIs" in found.reason


def test_part_one_and_part_two_are_never_merged() -> None:
    one = replace(ARTICLE, title=ARTICLE.title + ": Part 1", doi="", pmid="")
    two = copy(title=ARTICLE.title + ": Part 2", doi="", pmid="")
    found = verdict(one, two)
    assert found is None or found.verdict is LinkVerdict.REVIEW


def test_conference_abstract_and_later_article_go_to_review() -> None:
    abstract = copy(
        journal="Cytotherapy",
        volume="20 (Suppl 1)",
        start_page="S12",
        type="Conference Abstract",
        year=2018,
        doi="",
        pmid="",
    )
    article = replace(ARTICLE, doi="", pmid="")
    found = verdict(article, abstract)
    assert found is None or found.verdict is LinkVerdict.REVIEW


def test_preprint_and_journal_version_are_related_not_merged() -> None:
    preprint = copy(doi="10.1101/2019.01.01.123456", journal="bioRxiv", pmid="", volume="")
    found = verdict(ARTICLE, preprint)
    assert found is not None
    assert found.verdict is LinkVerdict.RELATED


def test_same_title_in_two_journals_is_not_merged() -> None:
    guideline = copy(
        journal="Journal of Lower Genital Tract Disease", volume="16", start_page="175", doi=""
    )
    assert verdict(replace(ARTICLE, doi="", pmid=""), replace(guideline, pmid="")) is None


def test_generic_short_titles_need_more_than_a_title() -> None:
    a = MatchInput(id=1, title="Editorial", authors=("Smith, J",), year=2019, journal="Lancet")
    b = MatchInput(id=2, title="Editorial", authors=("Smith, J",), year=2019, journal="Lancet")
    found = verdict(a, b)
    assert found is None or found.verdict is LinkVerdict.REVIEW


# -- blocking and incremental runs -------------------------------------------------------------


def _distinct(n: int) -> list[MatchInput]:
    return [
        MatchInput(
            id=i + 1,
            title=f"Study {i} of exosome dose {i * 7} in model {i % 13}",
            authors=(f"Author{i % 50}, A",),
            year=2000 + i % 20,
            journal="Journal of Tests",
            volume=str(i % 40),
            start_page=str(i),
        )
        for i in range(n)
    ]


def test_blocking_stays_near_linear() -> None:
    records = [dedup.prepare(r) for r in _distinct(3000)]
    pairs = dedup.candidate_pairs(records)
    assert len(pairs) < 20 * len(records)  # all pairs would be 4.5 million


def test_incremental_run_compares_only_new_records() -> None:
    old = replace(ARTICLE, doi="", pmid="")
    older_twin = replace(old, id=2)
    new = replace(old, id=3)
    everything = dedup.find_candidates([old, older_twin, new])
    assert {(c.a, c.b) for c in everything} == {(1, 2), (1, 3), (2, 3)}
    incremental = dedup.find_candidates([old, older_twin, new], compared_up_to=2)
    assert {(c.a, c.b) for c in incremental} == {(1, 3), (2, 3)}


def test_progress_is_reported_to_the_end() -> None:
    calls: list[tuple[int, int]] = []
    dedup.find_candidates(_distinct(200), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
