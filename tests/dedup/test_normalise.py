"""Fields as the matcher compares them (screener.dedup.normalise) and the sorts of items
(screener.dedup.kinds)."""

from __future__ import annotations

import pytest

from screener.dedup import normalise as n
from screener.dedup.kinds import Channel, RelatedKind, channel, notice_kinds, related_kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TGF-β1 signalling in <i>vivo</i>", "tgf beta1 signalling in vivo"),
        ("Effets du sécrétome sur la cicatrisation", "effets du secretome sur la cicatrisation"),
        ("[A study of exosomes in rats]", "a study of exosomes in rats"),
        ("Exosomes in wound healing [Article in Chinese]", "exosomes in wound healing"),
        ("Exosomes in wound healing. [Review] [33 refs]", "exosomes in wound healing"),
        ("Straße & Ærø", "strasse and ero"),
        (
            "Exosomes in rats.[Erratum appears in Stem Cells. 2009;27(2):1 Note: X [added]].[Err",
            "exosomes in rats",
        ),
        ("Exosomes (vol 360, pg 542, 2009)", "exosomes"),
        # a note the export cut off, its parenthesis left open
        ("Exosomes in children (The Journal of Pediatrics (M", "exosomes in children"),
    ],
)
def test_match_title(raw: str, expected: str) -> None:
    assert n.match_title(raw) == expected


def test_british_and_american_spellings_are_one_title() -> None:
    british = n.match_title("Haemolytic uraemic syndrome in paediatric tumours: a randomised trial")
    american = n.match_title("Hemolytic uremic syndrome in pediatric tumors: a randomized trial")
    assert british == american
    assert n.match_title("Oedema at the centre") == n.match_title("Edema at the center")
    assert n.match_title("Type 1 diabetes") != n.match_title("Type 2 diabetes")


def test_title_core_is_the_article_a_notice_is_about() -> None:
    article = n.fold_text("Exosomes heal wounds in diabetic rats")
    for notice in (
        "Correction to: Exosomes heal wounds in diabetic rats",
        "Erratum: Exosomes heal wounds in diabetic rats",
        "Comment on: Exosomes heal wounds in diabetic rats",
        "Re: Exosomes heal wounds in diabetic rats",
        "Reply to the letter by Smith: Exosomes heal wounds in diabetic rats",
        "Letter to the editor: Exosomes heal wounds in diabetic rats",
    ):
        assert n.title_core(n.fold_text(notice)).endswith(article), notice
    assert n.title_core(article) == article


def test_title_numbers_spell_out_roman_parts() -> None:
    assert n.title_numbers(n.fold_text("Stem cells: Part II")) == ("2",)
    assert n.title_numbers(n.fold_text("Type 2 diabetes")) == ("2",)
    assert n.title_numbers(n.fold_text("TGF-β 1 and IL 6")) == ("1", "6")


def test_significant_words_leave_out_stop_words() -> None:
    assert n.significant_words(n.fold_text("Remarks from the Editor")) == 2
    assert n.significant_words(n.fold_text("Editorial introduction")) == 2
    assert n.significant_words(n.fold_text("Exosomes heal wounds in diabetic rats")) == 5


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
        ("Langenbeck's Archives of Surgery", "Langenbecks Arch Surg", True),
        ("Annals of Internal Medicine", "ACP Journal Club", False),
        ("Diabetes", "Diabetes Care", True),  # an abbreviation cannot tell these apart ...
        ("Diabetes Care", "Diabetologia", False),
    ],
)
def test_journals_agree(a: str, b: str, agree: bool) -> None:
    assert n.journals_agree(n.journal_words(a), n.journal_words(b)) is agree


def test_journal_keys_count_abbreviations_with_full_names() -> None:
    full = n.journal_key(n.journal_words("Current Opinion in Lipidology"))
    assert full == n.journal_key(n.journal_words("Curr Opin Lipidol")) == "col"


def test_pages_volumes_and_issues_that_prove_nothing_are_ignored() -> None:
    assert n.page_key("e0012724") == "12724"
    assert n.page_key("S417") == "417"
    assert n.page_key("c37") == "37"  # Nephron's section pages
    assert n.page_key("Nov") == ""
    assert n.volume_key("61 (Suppl 1)") == ""
    assert n.volume_key("061") == "61"
    assert n.issue_key("3-4") == "" and n.issue_key("Suppl 2") == "" and n.issue_key("07") == "7"


def test_supplement_numbers() -> None:
    assert n.supplement_number("61 (Suppl 1)", "") == "1"
    assert n.supplement_number("61", "10 SUPPL. 1") == "1"
    assert n.supplement_number("", "S2") == "2"
    assert n.supplement_number("61", "10") == ""


# -- sorts of items ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "type_", "kinds"),
    [
        ("Correction to: Exosomes in rats", "", {"erratum"}),
        ("Exosomes in rats (vol 3, pg 12, 2019)", "", {"erratum"}),
        ("Retraction note: Exosomes in rats", "", {"retraction"}),
        ("Comment on: Exosomes in rats", "", {"comment"}),
        ("Authors' reply: Exosomes in rats", "", {"reply"}),
        ("Exosomes in rats", "Letter", {"comment"}),
        ("Exosomes in rats", "Journal Article", set()),
    ],
)
def test_notice_kinds(title: str, type_: str, kinds: set[str]) -> None:
    assert notice_kinds(n.strip_title_notes(title), type_, title) == kinds


@pytest.mark.parametrize(
    ("doi", "journal", "type_", "volume", "issue", "expected"),
    [
        ("10.1101/2020.01.01.123456", "", "", "", "", Channel.PREPRINT),
        ("", "medRxiv", "", "", "", Channel.PREPRINT),
        ("", "ClinicalTrials.gov", "", "", "", Channel.REGISTRY),
        ("10.1002/14651858.CD012345.pub2", "", "", "", "", Channel.COCHRANE),
        ("", "Cochrane Database of Systematic Reviews", "", "", "", Channel.COCHRANE),
        ("", "Proceedings of the 2019 ACM Conference on X", "CPAPER", "", "", Channel.CONFERENCE),
        ("", "Diabetes", "Conference Abstract", "63", "", Channel.CONFERENCE),
        ("", "Am J Respir Crit Care Med", "", "181", "1 MeetingAbstracts", Channel.CONFERENCE),
        ("", "Diabetes", "Journal Article", "63", "4", Channel.JOURNAL),
    ],
)
def test_channels(
    doi: str, journal: str, type_: str, volume: str, issue: str, expected: Channel
) -> None:
    assert channel(doi, journal, type_, volume, issue, "") is expected


def test_related_kinds() -> None:
    none, erratum, reply = frozenset(), frozenset({"erratum"}), frozenset({"reply"})
    j, pre, conf = Channel.JOURNAL, Channel.PREPRINT, Channel.CONFERENCE
    assert related_kind(none, none, j, j) is None
    assert related_kind(erratum, erratum, j, j) is None  # two copies of one erratum
    assert related_kind(erratum, none, j, j) is RelatedKind.CORRECTION
    assert related_kind(none, reply, j, j) is RelatedKind.COMMENT
    assert related_kind(none, none, pre, j) is RelatedKind.PREPRINT
    assert related_kind(none, none, j, conf) is RelatedKind.CONFERENCE
