"""Highlight terms: whole-word, wildcard and phrase matching, Unicode, and span resolution."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.errors import ScreenerError
from screener.screening.highlight import (
    HighlightKind,
    HighlightTermError,
    Span,
    compile_terms,
    find_highlights,
)

INCLUDE = HighlightKind.INCLUDE
EXCLUDE = HighlightKind.EXCLUDE


def matches(terms: list[str], text: str) -> list[str]:
    pattern = compile_terms(terms)
    assert pattern is not None
    return [match.group(0) for match in pattern.finditer(text)]


def marked(text: str, include: list[str], exclude: list[str]) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.kind) for s in find_highlights(text, include, exclude)]


def test_no_terms_compile_to_nothing() -> None:
    assert compile_terms([]) is None
    assert compile_terms(["", "   "]) is None
    assert find_highlights("stem cells", [], []) == []


def test_terms_match_whole_words_ignoring_case() -> None:
    assert matches(["cell"], "Cell cells cellular subcell CELL.") == ["Cell", "CELL"]
    assert matches(["secretome"], "The SECRETOME (secretome-based)") == ["SECRETOME", "secretome"]


def test_wildcard_matches_any_word_characters() -> None:
    assert matches(["cell*"], "cell, cells and cellular but not subcellular") == [
        "cell",
        "cells",
        "cellular",
    ]
    assert matches(["tumo*r"], "tumour tumor tumours tumoral") == ["tumour", "tumor"]
    assert matches(["*ase"], "protease and kinase, not based") == ["protease", "kinase"]
    # A wildcard stays inside one word: it crosses neither a hyphen nor a space.
    assert matches(["exosom*"], "exosome-derived exosomes") == ["exosome", "exosomes"]


def test_phrases_match_across_any_whitespace() -> None:
    text = "conditioned medium, conditioned\n   medium, conditioned\u00a0medium, conditionedmedium"
    assert matches(["conditioned medium"], text) == [
        "conditioned medium",
        "conditioned\n   medium",
        "conditioned\u00a0medium",
    ]
    assert matches(["conditioned   medi*"], "Conditioned Media") == ["Conditioned Media"]
    assert matches(["stem * therap*"], "stem cell therapy; stem therapy") == ["stem cell therapy"]


def test_regex_characters_in_terms_are_literal() -> None:
    assert matches(["i.v."], "given i.v. daily, not ixvx or i.v.x") == ["i.v."]
    assert matches(["c++"], "c++ code and cpp") == ["c++"]
    assert matches(["a(b)|c"], "a(b)|c but not ab or c") == ["a(b)|c"]
    assert matches(["[x]"], "[x] x") == ["[x]"]
    assert matches(["p<0.05"], "p<0.05 p<0x05") == ["p<0.05"]


def test_hyphens_and_apostrophes_match_their_typographic_forms() -> None:
    text = "adipose-derived adipose\u2010derived adipose derived adiposederived"
    assert matches(["adipose-derived"], text) == ["adipose-derived", "adipose\u2010derived"]
    assert matches(["cell-free"], "Cell-free and cell free") == ["Cell-free"]
    assert matches(["Crohn's"], "Crohn's and Crohn\u2019s, not Crohns") == [
        "Crohn's",
        "Crohn\u2019s",
    ]
    # Words inside a hyphenated compound are still words.
    assert matches(["cell"], "cell-free") == ["cell"]


def test_diacritics_are_optional_and_may_be_decomposed() -> None:
    assert matches(["naive"], "naïve NAÏVE naive") == ["naïve", "NAÏVE", "naive"]
    assert matches(["Sjögren"], "Sjogren, SJÖGREN, Sjo\u0308gren's") == [
        "Sjogren",
        "SJÖGREN",
        "Sjo\u0308gren",
    ]
    assert matches(["café"], "cafe café CAFÉ cafés") == ["cafe", "café", "CAFÉ"]
    # Accented letters are word characters: no match inside "naïveté" or "résumé".
    assert matches(["naive", "sume"], "naïveté résumé") == []


def test_greek_letters_and_words() -> None:
    assert matches(["IL-1β", "TGF-β*"], "IL-1β, il-1Β and TGF-β1 but not IL-1βx") == [
        "IL-1β",
        "il-1Β",
        "TGF-β1",
    ]
    assert matches(["α-SMA"], "α-SMA Α-sma α\u2010SMA") == ["α-SMA", "Α-sma", "α\u2010SMA"]
    # Greek text with tonos; upper case; final sigma.
    assert matches(["εξωσωμα*"], "τα εξωσώματα, ΕΞΩΣΏΜΑΤΑ") == ["εξωσώματα", "ΕΞΩΣΏΜΑΤΑ"]
    assert matches(["λογος"], "ΛΟΓΟΣ λόγος") == ["ΛΟΓΟΣ", "λόγος"]


def test_longer_terms_come_first_in_the_alternation() -> None:
    assert matches(["stem cell", "stem cell therapy"], "stem cell therapy") == ["stem cell therapy"]


def test_a_term_of_wildcards_only_is_an_error() -> None:
    with pytest.raises(HighlightTermError, match=r"'\* \*'"):
        compile_terms(["secretome", "*  *"])
    assert issubclass(HighlightTermError, ScreenerError)


def test_highlights_of_both_kinds_sorted_by_position() -> None:
    text = "A review of the secretome in cancer and wound healing."
    assert marked(text, ["secretome", "wound healing"], ["review", "cancer"]) == [
        ("review", EXCLUDE),
        ("secretome", INCLUDE),
        ("cancer", EXCLUDE),
        ("wound healing", INCLUDE),
    ]
    spans = find_highlights(text, ["secretome"], [])
    assert spans == [Span(16, 25, INCLUDE)]
    assert spans[0].kind == "include"


def test_the_longest_overlapping_match_wins() -> None:
    text = "Mesenchymal stem cell transplantation"
    # The exclude phrase (20 characters) beats the include phrase (9) that it overlaps.
    assert marked(text, ["stem cell*"], ["cell transplant*"]) == [("cell transplantation", EXCLUDE)]
    # A longer include term beats both.
    assert marked(text, ["stem cell*", "mesenchymal stem cell*"], ["cell transplant*"]) == [
        ("Mesenchymal stem cell", INCLUDE)
    ]
    # Overlapping terms of one kind give one span, the longest.
    assert marked("extracellular vesicles", ["vesicle*", "extracellular vesicle*"], []) == [
        ("extracellular vesicles", INCLUDE)
    ]


def test_include_wins_a_tie() -> None:
    assert marked("tumour growth", ["tumour"], ["tumo*r"]) == [("tumour", INCLUDE)]
    assert marked("tumour growth", ["tumo*r"], ["tumour"]) == [("tumour", INCLUDE)]
    # Equal lengths, overlapping but not identical: include still wins.
    assert marked("stem cell line", ["stem cell"], ["cell line"]) == [("stem cell", INCLUDE)]


def test_the_same_term_in_both_lists_is_an_include() -> None:
    assert marked("platelet lysate", ["platelet"], ["platelet"]) == [("platelet", INCLUDE)]


def test_repeated_phrase_words_find_every_occurrence() -> None:
    text = "stem stem stem"
    assert [(s.start, s.end) for s in find_highlights(text, ["stem stem"], [])] == [(0, 9)]
    assert len(find_highlights(text, ["stem"], [])) == 3


WORDS = ["cell", "cells", "stem", "medium", "naïve", "β", "tumour", "free", "x"]
TERMS = ["cell*", "stem cell*", "medium", "naive", "tumo*r", "cell-free", "β", "free"]


@given(
    text=st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", "-", "\n", ", ", ""])),
        max_size=30,
    ).map(lambda parts: "".join(word + gap for word, gap in parts)),
    include=st.lists(st.sampled_from(TERMS), max_size=4),
    exclude=st.lists(st.sampled_from(TERMS), max_size=4),
)
def test_spans_are_sorted_disjoint_maximal_matches(
    text: str, include: list[str], exclude: list[str]
) -> None:
    spans = find_highlights(text, include, exclude)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        terms = include if span.kind is INCLUDE else exclude
        assert any(
            match.span() == (span.start, span.end)
            for term in terms
            for match in _all_matches(term, text)
        )
    for before, after in zip(spans, spans[1:], strict=False):
        assert before.end <= after.start
    # Maximal: every match of any term overlaps a kept span at least as long.
    for kind, terms in ((INCLUDE, include), (EXCLUDE, exclude)):
        for term in terms:
            for match in _all_matches(term, text):
                start, end = match.span()
                rivals = [s for s in spans if s.start < end and start < s.end]
                assert rivals, (term, match)
                assert all(s.end - s.start >= end - start for s in rivals)
                if kind is EXCLUDE:
                    continue
                tied = [s for s in rivals if s.end - s.start == end - start]
                assert all(s.kind is INCLUDE for s in tied)


def _all_matches(term: str, text: str) -> list[re.Match[str]]:
    """Every match of one term at every start position (overlapping ones included)."""
    pattern = compile_terms([term])
    assert pattern is not None
    return [m for start in range(len(text)) if (m := pattern.match(text, start))]


# -- many wildcards: matching without backtracking ------------------------------------------


def _glob(term: str, word: str) -> bool:
    """A plain reference for one-word terms: ``*`` is any run of letters (case ignored)."""
    return re.fullmatch(".*".join(map(re.escape, term.split("*"))), word, re.IGNORECASE) is not None


def test_many_wildcards_against_long_words_give_the_right_answer() -> None:
    assert find_highlights("a" * 200, ["a*a*a*a*b"], []) == []
    assert find_highlights("a" * 199 + "b", ["a*a*a*a*b"], []) == [Span(0, 200, INCLUDE)]
    thirty = "*".join("a" * 31)  # 30 wildcards
    assert find_highlights("a" * 5000, [thirty], []) == [Span(0, 5000, INCLUDE)]
    assert find_highlights("a" * 5000, [thirty + "b"], []) == []
    assert find_highlights("x " + "a" * 20 + " y", [thirty], []) == []  # 31 letters needed


@given(
    term=st.text(alphabet="ab*", min_size=1, max_size=8).filter(lambda t: t.strip("*")),
    word=st.text(alphabet="ab", min_size=1, max_size=12),
)
def test_one_word_terms_match_as_a_plain_glob_would(term: str, word: str) -> None:
    found = find_highlights(f"({word})", [term], [])
    assert (found == [Span(1, 1 + len(word), INCLUDE)]) == _glob(term, word)


# The scanners skip to the characters a term can start with; each must find exactly what the
# term's whole pattern, tried at every position, finds.
_TERM_CHARS = st.sampled_from(list("aeiosSkKnN-'*öÖéßſ\u212a3 "))
_TEXT_CHARS = st.sampled_from(list("aeiosSkKnN-'öÖéß\u2010\u2019ſ\u212a\u0308\u0301 3.\n\u00a0"))


@settings(max_examples=500, deadline=None)
@given(
    term=st.text(_TERM_CHARS, min_size=1, max_size=8).filter(lambda t: t.replace("*", "").strip()),
    text=st.text(_TEXT_CHARS, max_size=60),
)
def test_scanners_find_what_the_whole_pattern_finds_at_every_position(term: str, text: str) -> None:
    from screener.screening.highlight import _distinct, _term_scanners, _term_source

    (normalised,) = _distinct((term,))
    everywhere = re.compile(f"(?=({_term_source(normalised)}))", re.IGNORECASE)
    (scanner,) = _term_scanners((normalised,))
    found = [(m.start(1), m.end(1)) for m in scanner.finditer(text)]
    assert found == [(m.start(1), m.end(1)) for m in everywhere.finditer(text)]
