"""Agreement weights (screener.dedup.evidence) and what they learn from the project's own
records (screener.dedup.frequencies): term frequencies, recurring titles, field reliability."""

from __future__ import annotations

from dataclasses import replace

import pytest

from screener.dedup.evidence import compare
from screener.dedup.frequencies import Frequencies
from screener.dedup.prepared import prepare
from screener.models import MatchInput
from tests.dedup.records import ARTICLE, background, judge

BARE = replace(ARTICLE, doi="", pmid="")


def frequencies(records: list[MatchInput]) -> tuple[dict[int, object], Frequencies]:
    prepared = {r.id: prepare(r) for r in [*records, *background()]}
    return prepared, Frequencies(list(prepared.values()))


def test_a_title_carried_by_several_items_weighs_less() -> None:
    pair = [BARE, replace(BARE, id=2)]
    _, alone = judge(pair, 1, 2)
    others = [
        replace(BARE, id=10 + i, volume=str(20 + i), issue="1", start_page=str(50 * i + 7))
        for i in range(4)
    ]
    _, shared = judge([*pair, *others], 1, 2)
    # u counts the items other than the pair's own: 4 instead of 1, two bits less
    assert alone.get("title").weight - shared.get("title").weight == pytest.approx(2, abs=0.05)


def test_a_common_first_author_weighs_less_than_a_rare_one() -> None:
    wang = replace(BARE, authors=("Wang, L.",))
    crowd = [
        replace(wang, id=100 + i, title=f"Unrelated study number {i} of bones") for i in range(40)
    ]
    _, common = judge([wang, replace(wang, id=2), *crowd], 1, 2)
    rare = replace(BARE, authors=("Zyskowski, L.",))
    _, alone = judge([rare, replace(rare, id=2), *crowd], 1, 2)
    assert common.get("authors").weight < alone.get("authors").weight - 3


def test_frequencies_count_values_at_least_once() -> None:
    _, freq = frequencies([BARE])
    assert freq.tf("venue", "no such journal") == 1 / freq.n
    assert freq.tf("year", "2019") > 1 / freq.n


def test_a_pair_s_own_copies_are_no_evidence_that_other_papers_share_a_value() -> None:
    rare = replace(BARE, authors=("Zyskowski, L.",))
    _, freq = frequencies([rare, replace(rare, id=2)])
    assert freq.counts["author"]["zyskowski"] == 2
    assert freq.tf_others("author", "zyskowski", "zyskowski") == 1 / freq.n
    expected = freq.tf("author", "wang") - 1 / freq.n
    assert freq.tf_others("author", "zyskowski", "wang") == pytest.approx(expected)


def test_a_series_is_several_items_and_copies_with_a_slip_are_one() -> None:
    series = [
        MatchInput(
            100 + i, "Editorial introduction", ("Sarker, S.",), 2019, "ISJ", "", "29", str(i), "3"
        )
        for i in range(1, 5)
    ]
    slip = [BARE, replace(BARE, id=2, volume="11"), replace(BARE, id=3)]  # one volume typo
    prepared, freq = frequencies([*series, *slip])
    assert freq.items(prepared[101].title_key) == 4 and freq.recurring(prepared[101])
    assert freq.items(prepared[1].title_key) == 1 and not freq.recurring(prepared[1])


def test_fields_all_items_of_a_recurring_title_share_carry_no_weight() -> None:
    series = [
        MatchInput(
            100 + i, "Editorial introduction", ("Sarker, S.",), 2019, "ISJ", "", "29", str(i), "3"
        )
        for i in range(1, 5)
    ]
    copy = replace(series[1], id=9, issue="")
    prepared, freq = frequencies([*series, copy])
    evidence = compare(prepared[102], prepared[9], freq)
    for name in ("authors", "journal", "year", "volume", "pages"):
        assert evidence.get(name).weight == 0, name
    assert evidence.recurring


def test_a_field_the_exports_garble_does_not_conflict() -> None:
    """An export that writes its record numbers into the issue field: copies never agree
    on it, so the project learns that a different issue says nothing."""
    records = background(copies=0)
    garbled = [replace(r, id=5000 + r.id, issue=str(r.id)) for r in records[:80]]
    prepared = {r.id: prepare(r) for r in [*records, *garbled]}
    freq = Frequencies(list(prepared.values()))
    assert not freq.reliable("issue") and freq.reliable("volume")
    evidence = compare(prepared[records[0].id], prepared[5000 + records[0].id], freq)
    assert evidence.get("issue").level == "differ" and not evidence.get("issue").conflict
    assert not evidence.conflicts


def test_a_supplement_number_exported_as_the_volume_is_no_conflict() -> None:
    abstract = replace(BARE, volume="1", issue="", start_page="S354", end_page="")
    proper = replace(abstract, id=2, volume="57", issue="1 SUPPL. 1")
    prepared, freq = frequencies([abstract, proper])
    evidence = compare(prepared[1], prepared[2], freq)
    assert evidence.get("volume").level == "close" and not evidence.conflicts


@pytest.mark.parametrize(
    ("pages", "level", "conflict"),
    [
        (("1535", "1541"), "range", False),
        (("1535", ""), "first", False),
        (("1537", "1543"), "near", False),
        (("1335", "1541"), "close", False),  # a typo in the first page
        (("e1535", ""), "first", False),
        (("1702", "1709"), "differ", True),
        (("S12", ""), "unlike", False),
    ],
)
def test_page_levels(pages: tuple[str, str], level: str, conflict: bool) -> None:
    other = replace(BARE, id=2, start_page=pages[0], end_page=pages[1])
    _, evidence = judge([BARE, other], 1, 2)
    assert (evidence.get("pages").level, evidence.get("pages").conflict) == (level, conflict)


def test_the_posterior_is_the_prior_plus_the_weights() -> None:
    _, evidence = judge([BARE, replace(BARE, id=2)], 1, 2)
    assert evidence.posterior == pytest.approx(
        evidence.prior + sum(f.weight for f in evidence.fields)
    )
    assert 0.999 < evidence.probability <= 1
