"""Duplicate detection over whole projects (screener.dedup.matching.find_candidates): the
failure classes of issue 17 as real-shaped records, blocking, incremental runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from screener.dedup import matching as dedup
from screener.dedup.blocking import candidate_pairs
from screener.dedup.links import PairState, cluster
from screener.dedup.prepared import prepare
from screener.models import LinkVerdict, MatchInput
from tests.dedup.records import ARTICLE, background


def studies(records: Sequence[MatchInput]) -> dict[int, int]:
    """Record id -> study id for the given records, after an automatic run among a
    background of unrelated records."""
    found = dedup.find_candidates([*records, *background()])
    states = {
        (c.a, c.b): PairState(c.a, c.b, c.verdict, c.method, c.score, c.reason) for c in found
    }
    clustering = cluster([r.id for r in records], states)
    return {r.id: clustering.study(r.id) for r in records}


def verdicts(records: Sequence[MatchInput]) -> dict[tuple[int, int], LinkVerdict]:
    ids = {r.id for r in records}
    found = dedup.find_candidates([*records, *background()])
    return {(c.a, c.b): c.verdict for c in found if c.a in ids and c.b in ids}


# -- issue 17: recurring items of one journal ---------------------------------------------


def _editorial_introductions() -> list[MatchInput]:
    """ "Editorial Introduction" by one editor on page 3 of every issue of two volumes, each
    with its DOI; a second database exports some issues again, one without its DOI and
    one without its issue number."""
    items = [
        MatchInput(
            id=10 * volume + issue,
            title="Editorial Introduction",
            authors=("Sarker, Suprateek",),
            year=2017 + volume - 27,
            journal="Information Systems Journal",
            volume=str(volume),
            issue=str(issue),
            start_page="3",
            end_page="5",
            doi=f"10.1111/isj.{volume}{issue:02d}",
            type="Editorial",
        )
        for volume in (27, 28)
        for issue in range(1, 7)
    ]
    copies = [
        replace(items[0], id=901, title="EDITORIAL INTRODUCTION", authors=("Sarker, S.",)),
        replace(items[3], id=902, doi=""),
        replace(items[7], id=903, issue=""),
    ]
    return items + copies


def test_editorial_introductions_of_different_issues_are_never_merged() -> None:
    records = _editorial_introductions()
    study = studies(records)
    issue_of = {r.id: (r.volume, r.issue) for r in records}
    for record in records:
        members = [r.id for r in records if study[r.id] == study[record.id]]
        positions = {issue_of[m] for m in members if issue_of[m][1]}
        assert len(positions) <= 1, members
    assert study[901] == study[271]  # the same DOI: one item


def test_remarks_from_the_editor_in_four_issues_without_doi_or_pages_stay_apart() -> None:
    remarks = [
        MatchInput(
            id=database * 10 + issue,
            title="Remarks from the Editor" if database == 1 else "Remarks from the editor.",
            authors=("Rai, Arun",),
            year=2000,
            journal="MIS Quarterly" if database == 1 else "MIS Q",
            volume="24",
            issue=str(issue),
        )
        for database in (1, 2)
        for issue in range(1, 5)
    ]
    study = studies(remarks)
    for a in remarks:
        for b in remarks:
            if a.issue != b.issue:
                assert study[a.id] != study[b.id], (a.id, b.id)
    found = verdicts(remarks)
    assert all(
        verdict is not LinkVerdict.SAME
        for (a, b), verdict in found.items()
        if a % 10 != b % 10  # two issues: not even asked about in the same study
    )


# -- issue 17: conference papers, subtitles ------------------------------------------------

PROCEEDINGS_PAPER = MatchInput(
    id=1,
    title="Digital nudging with recommender systems: an experiment in online retail",
    authors=("Weinmann, Markus", "Schneider, Christoph", "vom Brocke, Jan"),
    year=2018,
    journal="Proceedings of the 39th International Conference on Information Systems (ICIS)",
    start_page="1",
    end_page="17",
    type="inproceedings",
)


def test_two_identical_conference_papers_are_merged() -> None:
    """The CSV's booktitle is the venue: two databases' records of one proceedings paper."""
    copy = replace(PROCEEDINGS_PAPER, id=2)
    assert verdicts([PROCEEDINGS_PAPER, copy]) == {(1, 2): LinkVerdict.SAME}


def test_one_conference_paper_under_two_names_of_its_meeting_is_asked_about() -> None:
    other_name = replace(
        PROCEEDINGS_PAPER, id=2, journal="ICIS 2018 Proceedings", start_page="", end_page=""
    )
    assert verdicts([PROCEEDINGS_PAPER, other_name]) == {(1, 2): LinkVerdict.REVIEW}


def test_a_proceedings_paper_and_its_journal_version_are_related_not_merged() -> None:
    journal_version = replace(
        PROCEEDINGS_PAPER,
        id=2,
        year=2020,
        journal="MIS Quarterly",
        volume="44",
        issue="2",
        start_page="529",
        end_page="556",
        type="article",
    )
    assert verdicts([PROCEEDINGS_PAPER, journal_version]) == {(1, 2): LinkVerdict.RELATED}


def test_a_title_with_and_without_its_subtitle_is_merged_or_asked_about() -> None:
    shorter = replace(
        ARTICLE, title="Secretome therapy in wound repair", doi="", pmid="", issue="4"
    )
    longer = replace(shorter, id=2, title=shorter.title + ": a comparative study in rats")
    assert verdicts([shorter, longer]).get((1, 2)) in (LinkVerdict.SAME, LinkVerdict.REVIEW)


def test_a_rare_title_says_more_than_a_frequent_one() -> None:
    """The same words in the same journal issue: copies of a rare title are merged, two
    "Book reviews" sections of one issue with different pages are not."""
    rare = replace(ARTICLE, doi="", pmid="", start_page="", end_page="")
    reviews = [
        MatchInput(
            id=10 + i,
            title="Book reviews",
            authors=("Editor, A.",),
            year=2019,
            journal="Stem Cell Research & Therapy",
            volume="10",
            issue="3",
            start_page=str(200 + 10 * i),
        )
        for i in range(3)
    ]
    found = verdicts([rare, replace(rare, id=2), *reviews])
    assert found[(1, 2)] is LinkVerdict.SAME
    assert not any(a >= 10 and verdict is LinkVerdict.SAME for (a, _), verdict in found.items())


# -- blocking and incremental runs -----------------------------------------------------------


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
    records = [prepare(r) for r in _distinct(3000)]
    pairs = candidate_pairs(records)
    assert len(pairs) < 20 * len(records)  # all pairs would be 4.5 million


def test_incremental_run_compares_only_new_records() -> None:
    old = replace(ARTICLE, doi="", pmid="")
    older_twin = replace(old, id=2)
    new = replace(old, id=3)
    everything = dedup.find_candidates([old, older_twin, new, *background()])
    assert {(c.a, c.b) for c in everything if c.b < 1000} == {(1, 2), (1, 3), (2, 3)}
    incremental = dedup.find_candidates([old, older_twin, new, *background()], compared_up_to=2)
    assert {(c.a, c.b) for c in incremental if c.b < 1000} == {(1, 3), (2, 3)}


def test_candidates_name_their_rule_and_probability() -> None:
    (found,) = [
        c
        for c in dedup.find_candidates([ARTICLE, replace(ARTICLE, id=2), *background()])
        if c.b == 2
    ]
    assert (found.rule, found.score) == ("same_identifier", 1.0)


def test_progress_is_reported_to_the_end() -> None:
    calls: list[tuple[int, int]] = []
    dedup.find_candidates(_distinct(200), progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
