"""Each named rule (screener.dedup.rules) on a pair it must decide and on a hard negative,
real-shaped records among a background of unrelated ones."""

from __future__ import annotations

from dataclasses import replace

from screener.dedup.kinds import RelatedKind
from screener.dedup.rule_names import Rule
from screener.models import LinkMethod, LinkVerdict, MatchInput
from tests.dedup.records import ARTICLE, copy_of, judge

SAME, RELATED = LinkVerdict.SAME, LinkVerdict.RELATED
REVIEW, DIFFERENT = LinkVerdict.REVIEW, LinkVerdict.DIFFERENT
NO_IDS = {"doi": "", "pmid": ""}
BARE_ARTICLE = replace(ARTICLE, doi="", pmid="")


def verdict(*records: MatchInput, a: int = 1, b: int = 2) -> tuple[LinkVerdict, str]:
    decision, _ = judge(records, a, b)
    return decision.verdict, str(decision.rule)


# -- same_identifier ----------------------------------------------------------------------


def test_same_doi_is_one_paper() -> None:
    other = copy_of(ARTICLE, title=ARTICLE.title.upper(), pmid="", start_page="")
    decision, _ = judge([ARTICLE, other], 1, 2)
    assert (decision.verdict, decision.rule, decision.method) == (
        SAME,
        Rule.SAME_IDENTIFIER,
        LinkMethod.EXACT_ID,
    )


def test_a_doi_a_whole_supplement_shares_links_nothing() -> None:
    other = copy_of(
        ARTICLE,
        title="Liraglutide and cardiac remodelling in mice",
        authors=("Kim, Y.",),
        start_page="1602",
        end_page="1609",
        pmid="31234999",
    )
    assert verdict(ARTICLE, other)[0] is DIFFERENT


def test_same_doi_but_another_title_by_the_same_first_author_is_asked() -> None:
    other = copy_of(ARTICLE, title="Bone marrow stromal cells in tendon repair of dogs")
    assert verdict(ARTICLE, other) == (REVIEW, Rule.SAME_IDENTIFIER)


# -- no_title -------------------------------------------------------------------------------


def test_a_record_without_title_is_linked_only_by_an_identifier() -> None:
    untitled = copy_of(BARE_ARTICLE, title="")
    assert verdict(BARE_ARTICLE, untitled) == (DIFFERENT, Rule.NO_TITLE)
    assert verdict(ARTICLE, copy_of(ARTICLE, title=""))[0] is SAME  # the DOI still links


# -- title_numbers_differ ---------------------------------------------------------------------


def test_part_one_and_part_two_are_different_papers() -> None:
    one = replace(BARE_ARTICLE, title=ARTICLE.title + ". Part 1")
    two = copy_of(one, title=ARTICLE.title + ". Part 2", start_page="1542", end_page="1550")
    assert verdict(one, two) == (DIFFERENT, Rule.TITLE_NUMBERS_DIFFER)
    assert verdict(one, copy_of(one))[0] is SAME  # the same part twice


# -- related items --------------------------------------------------------------------------


def test_a_correction_is_related_to_its_article() -> None:
    erratum = copy_of(
        ARTICLE,
        title="Correction to: " + ARTICLE.title,
        authors=(),
        issue="9",
        start_page="2010",
        end_page="2010",
        doi="10.1186/s13287-019-9999-1",
        pmid="",
    )
    decision, _ = judge([ARTICLE, erratum], 1, 2)
    assert (decision.verdict, decision.rule, decision.related) == (
        RELATED,
        Rule.CORRECTION_NOTICE,
        RelatedKind.CORRECTION,
    )
    # two databases' records of one erratum are one item
    assert verdict(erratum, copy_of(erratum, 3, doi=""), a=2, b=3) == (SAME, Rule.FIELD_AGREEMENT)


def test_a_correction_of_a_generic_title_relates_nothing() -> None:
    editorial = MatchInput(
        1, "Editorial", ("Smith, J.",), 2019, "Wound Repair and Regeneration", "", "27", "1", "3"
    )
    erratum = MatchInput(2, "Erratum: Editorial", (), 2019, "Wound Repair and Regeneration")
    assert verdict(editorial, erratum)[0] is DIFFERENT


def test_a_reply_is_related_to_its_article() -> None:
    reply = copy_of(
        BARE_ARTICLE, title="Reply to: " + ARTICLE.title, issue="8", start_page="2100", end_page=""
    )
    assert verdict(BARE_ARTICLE, reply) == (RELATED, Rule.COMMENT_OR_REPLY)


def test_one_letter_typed_letter_by_one_database_and_article_by_another_is_one_item() -> None:
    pubmed = copy_of(BARE_ARTICLE, 1, type="Letter", start_page="1535", end_page="1536")
    scopus = copy_of(pubmed, 2, type="JOUR")
    assert verdict(pubmed, scopus)[0] is SAME
    # the hard negative: a letter with the title of the article it answers (as NEJM prints
    # them), in the same volume but on its own pages, is a comment on it, never merged
    letter = copy_of(pubmed, 2, issue="9", start_page="2101", end_page="2102")
    assert verdict(BARE_ARTICLE, letter) == (RELATED, Rule.COMMENT_OR_REPLY)


def test_a_comment_by_others_in_another_journal_is_not_related() -> None:
    comment = copy_of(
        BARE_ARTICLE,
        title="Comment on: " + ARTICLE.title,
        authors=("Other, Q.",),
        journal="Wound Repair and Regeneration",
        volume="28",
        start_page="12",
        end_page="13",
    )
    assert verdict(BARE_ARTICLE, comment) == (DIFFERENT, Rule.DIFFERENT_KIND)


def test_a_preprint_is_related_to_its_journal_version() -> None:
    preprint = copy_of(
        ARTICLE, doi="10.1101/2019.01.01.123456", journal="bioRxiv", pmid="", volume="", issue=""
    )
    assert verdict(ARTICLE, preprint) == (RELATED, Rule.PREPRINT_VERSION)


def test_a_preprint_by_other_authors_is_not_related() -> None:
    preprint = copy_of(
        ARTICLE,
        doi="10.1101/2019.01.01.123456",
        journal="bioRxiv",
        authors=("Other, Q.", "Else, Z."),
        pmid="",
    )
    assert verdict(ARTICLE, preprint) == (DIFFERENT, Rule.DIFFERENT_KIND)


TRIAL = MatchInput(
    1,
    "Eculizumab in adult patients with plasma therapy-resistant atypical haemolytic uraemic "
    "syndrome: an open-label trial",
    ("Legendre, C.", "Licht, C."),
    2013,
    "New England Journal of Medicine",
    "",
    "368",
    "23",
    "2169",
    "2181",
)


def test_a_registry_entry_is_related_to_the_trial_report() -> None:
    entry = MatchInput(2, TRIAL.title, ("Alexion Pharmaceuticals",), 2009, "ClinicalTrials.gov")
    assert verdict(TRIAL, entry) == (RELATED, Rule.TRIAL_REGISTRATION)


def test_a_registry_entry_of_another_trial_is_not_related() -> None:
    other = MatchInput(
        2,
        TRIAL.title.replace("adult", "paediatric").replace("resistant", "sensitive"),
        ("Alexion Pharmaceuticals",),
        2009,
        "ClinicalTrials.gov",
    )
    assert verdict(TRIAL, other)[0] is DIFFERENT


def test_a_cochrane_review_is_related_to_its_journal_version() -> None:
    cochrane = copy_of(
        BARE_ARTICLE,
        journal="Cochrane Database of Systematic Reviews",
        doi="10.1002/14651858.CD012345",
        volume="",
        issue="4",
        start_page="CD012345",
        end_page="",
    )
    assert verdict(BARE_ARTICLE, cochrane) == (RELATED, Rule.COCHRANE_VERSION)


def test_two_versions_of_a_cochrane_review_are_not_merged() -> None:
    review = replace(
        BARE_ARTICLE,
        journal="Cochrane Database of Systematic Reviews",
        doi="10.1002/14651858.CD012345.pub2",
        year=2016,
    )
    update = copy_of(review, doi="10.1002/14651858.CD012345.pub3", year=2019)
    assert verdict(review, update)[0] is DIFFERENT


def test_a_proceedings_paper_is_related_to_the_later_article() -> None:
    paper = copy_of(
        BARE_ARTICLE,
        journal="Proceedings of the 2018 International Conference on Information Systems",
        type="CPAPER",
        year=2018,
        volume="",
        issue="",
        start_page="112",
        end_page="120",
    )
    assert verdict(BARE_ARTICLE, paper) == (RELATED, Rule.CONFERENCE_VERSION)


def test_one_meeting_abstract_marked_as_such_by_one_database_only_is_one_item() -> None:
    abstract = replace(
        BARE_ARTICLE, volume="10", issue="Suppl 1", start_page="S12", end_page="", type=""
    )
    embase = copy_of(abstract, type="Conference Abstract")
    assert verdict(abstract, embase)[0] is SAME


# -- identifiers that differ ------------------------------------------------------------------

APPETITE = MatchInput(
    1,
    "Liraglutide and linagliptin improves glycemic control but show differential anti-obesity "
    "and anti-inflammatory effects in diet-induced obese mice",
    ("Hansen, F.", "Hansen, G.", "Vrang, N."),
    2012,
    "Appetite",
    "",
    "1",
    "",
    "e24",
    "",
    "10.1016/j.regpep.2012.05.039",
)


def test_a_wrong_doi_loses_against_everything_else_agreeing() -> None:
    """One database gave an Appetite abstract a Regulatory Peptides DOI: the same long
    title, author list, journal, year and page, and no other item carries the title."""
    right = copy_of(APPETITE, volume="1)", doi="10.1016/j.appet.2012.05.003")
    assert verdict(APPETITE, right) == (SAME, Rule.WRONG_IDENTIFIER)


def test_different_dois_of_a_generic_title_are_different_items() -> None:
    first = MatchInput(
        1, "Editorial introduction", ("Sarker, S.",), 2019, "Journal of Information Systems",
        "", "29", "1", "3", "5", "10.1111/jis.12201",
    )  # fmt: skip
    second = copy_of(first, issue="", doi="10.1111/jis.12222")
    assert verdict(first, second) == (DIFFERENT, Rule.DIFFERENT_IDENTIFIER)


def test_different_dois_and_issues_are_different_papers_even_with_alike_fields() -> None:
    other = copy_of(ARTICLE, issue="4", doi="10.1186/s13287-019-5555-5", pmid="")
    assert verdict(ARTICLE, other) == (DIFFERENT, Rule.DIFFERENT_IDENTIFIER)


# -- conflicting fields -------------------------------------------------------------------------


def test_a_distinctive_title_by_its_authors_in_another_issue_is_asked_about() -> None:
    """An unmarked erratum, a meeting abstract or a reprint: a reviewer decides."""
    abstract = copy_of(BARE_ARTICLE, issue="9", start_page="1875", end_page="1875")
    assert verdict(BARE_ARTICLE, abstract) == (REVIEW, Rule.CONFLICTING_FIELDS)


def test_a_guideline_printed_in_two_journals_is_not_asked_about() -> None:
    reprint = copy_of(
        BARE_ARTICLE,
        journal="Journal of Lower Genital Tract Disease",
        volume="16",
        start_page="175",
    )
    assert verdict(BARE_ARTICLE, reprint) == (DIFFERENT, Rule.CONFLICTING_FIELDS)


def test_first_pages_two_apart_do_not_conflict() -> None:
    cover = copy_of(BARE_ARTICLE, start_page="1537", end_page="1543")
    assert verdict(BARE_ARTICLE, cover) == (SAME, Rule.FIELD_AGREEMENT)


def test_a_first_page_typo_is_forgiven_when_the_last_pages_agree() -> None:
    typo = copy_of(BARE_ARTICLE, start_page="1735", end_page="1541")
    assert verdict(BARE_ARTICLE, typo)[0] is SAME


# -- different journals -------------------------------------------------------------------------


def test_a_digest_in_another_journal_is_another_publication() -> None:
    original = replace(BARE_ARTICLE, journal="Annals of Internal Medicine", issue="", start_page="")
    digest = copy_of(original, journal="ACP Journal Club", start_page="JC6", end_page="")
    assert verdict(original, digest) == (DIFFERENT, Rule.DIFFERENT_JOURNALS)


def test_a_journal_name_in_two_languages_with_the_same_pages_is_one_paper() -> None:
    chinese = replace(
        BARE_ARTICLE,
        journal="Chung-Hua Chieh Ho Ho Hu Hsi Tsa Chih",
        start_page="595",
        end_page="597",
    )
    pinyin = copy_of(chinese, journal="Zhonghua jie he he hu xi za zhi")
    assert verdict(chinese, pinyin) == (SAME, Rule.FIELD_AGREEMENT)


# -- merging on field evidence -----------------------------------------------------------------


def test_database_variants_are_merged_on_field_evidence() -> None:
    variant = copy_of(
        BARE_ARTICLE,
        title="Mesenchymal stem-cell secretome accelerates wound closure in diabetic rats.",
        authors=("Smith JA", "Doe J"),
        journal="Stem Cell Res Ther",
    )
    decision, evidence = judge([BARE_ARTICLE, variant], 1, 2)
    assert (decision.verdict, decision.rule) == (SAME, Rule.FIELD_AGREEMENT)
    assert {f.field for f in evidence.agreeing} >= {"title", "authors", "journal", "pages"}


def test_the_team_s_next_paper_one_word_apart_without_pages_is_not_merged() -> None:
    one = replace(BARE_ARTICLE, start_page="", end_page="")
    other = copy_of(one, title=ARTICLE.title.replace("diabetic", "obese"))
    assert verdict(one, other)[0] is not SAME


def test_a_recurring_title_merges_on_the_fields_that_tell_its_items_apart() -> None:
    """An article and an unmarked erratum under its title: copies of the article agree on
    the pages, which the erratum does not share."""
    erratum = copy_of(
        BARE_ARTICLE, 3, authors=("Smith, J.",), issue="6", start_page="616", end_page="616"
    )
    article_copy = copy_of(BARE_ARTICLE, journal="Stem Cell Res Ther")
    assert verdict(BARE_ARTICLE, article_copy, erratum) == (SAME, Rule.POSITION_AGREEMENT)
    assert verdict(BARE_ARTICLE, article_copy, erratum, a=2, b=3)[0] is not SAME


def test_a_pair_more_likely_than_not_one_paper_is_asked_about() -> None:
    short = replace(BARE_ARTICLE, start_page="", end_page="", volume="", issue="")
    variant = copy_of(short, title=ARTICLE.title.replace("accelerates", "speeds up"))
    assert verdict(short, variant) == (REVIEW, Rule.UNCERTAIN)


def test_alike_titles_in_two_journals_with_little_else_are_not_asked_about() -> None:
    short = replace(BARE_ARTICLE, start_page="", end_page="", volume="", issue="")
    other = copy_of(short, title=ARTICLE.title.replace("accelerates", "speeds up"), journal="Gut")
    assert verdict(short, other)[0] is DIFFERENT


def test_the_same_pages_under_a_heading_are_asked_about() -> None:
    headed = copy_of(BARE_ARTICLE, title="MEDICAL PROGRESS: " + ARTICLE.title[:30])
    assert verdict(BARE_ARTICLE, headed) == (REVIEW, Rule.SAME_PAGES)


def test_the_same_pages_in_another_volume_are_not_asked_about() -> None:
    other = copy_of(
        BARE_ARTICLE, title="Tendon repair with platelet-rich plasma in horses", volume="11"
    )
    assert verdict(BARE_ARTICLE, other)[0] is DIFFERENT
