"""Duplicate links from the event log: pair-state precedence, undo, clustering, merged views."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from screener.dedup.links import (
    PairState,
    cluster,
    compare_records,
    latest_reviewer_decision,
    links_in_force,
    merged_study,
    merging_links,
    pair_states,
)
from screener.models import DedupEvent, LinkMethod, LinkVerdict, Record, StoredRecord

SAME, RELATED, REVIEW = LinkVerdict.SAME, LinkVerdict.RELATED, LinkVerdict.REVIEW
DIFFERENT, SKIP, UNDO = LinkVerdict.DIFFERENT, LinkVerdict.SKIP, LinkVerdict.UNDO
EXACT, RULE, PERSON = LinkMethod.EXACT_ID, LinkMethod.RULE, LinkMethod.REVIEWER
WHEN = datetime(2026, 11, 1, tzinfo=UTC)


class Log:
    """Builds an event log with increasing ids, as the store would write it."""

    def __init__(self) -> None:
        self.events: list[DedupEvent] = []

    def auto(
        self, a: int, b: int, verdict: LinkVerdict, method: LinkMethod = RULE, score: float = 0.9
    ) -> Log:
        return self._add(a, b, verdict, method, score, f"auto {verdict}", "")

    def person(self, a: int, b: int, verdict: LinkVerdict, reviewer: str = "alice") -> Log:
        return self._add(a, b, verdict, PERSON, 0.0, "", reviewer)

    def _add(self, a, b, verdict, method, score, reason, reviewer) -> Log:  # type: ignore[no-untyped-def]
        event_id = len(self.events) + 1
        self.events.append(
            DedupEvent(event_id, a, b, verdict, method, score, reason, reviewer, None, WHEN)
        )
        return self

    def state(self, a: int = 1, b: int = 2) -> PairState | None:
        return pair_states(self.events).get((a, b))


def test_latest_automatic_event_counts() -> None:
    log = Log().auto(1, 2, REVIEW, score=0.8).auto(1, 2, SAME, EXACT, 1.0)
    state = log.state()
    assert state == PairState(1, 2, SAME, EXACT, 1.0, "auto same", "", False)


def test_reviewer_verdict_wins_over_automatic_before_and_after_it() -> None:
    log = Log().auto(1, 2, SAME, EXACT, 1.0).person(1, 2, DIFFERENT, "bob")
    state = log.state()
    assert state is not None
    assert (state.verdict, state.method, state.reviewer) == (DIFFERENT, PERSON, "bob")
    assert (state.score, state.reason) == (1.0, "auto same")  # the automatic evidence is kept
    log.auto(1, 2, SAME, EXACT, 1.0)  # a later automatic event does not overturn a person
    assert log.state().verdict is DIFFERENT  # type: ignore[union-attr]


def test_skip_keeps_the_automatic_review_verdict_marked_skipped() -> None:
    log = Log().auto(1, 2, REVIEW, score=0.87).person(1, 2, SKIP)
    assert log.state() == PairState(1, 2, REVIEW, RULE, 0.87, "auto review", "", True)
    log.person(1, 2, SAME)  # deciding after a skip
    assert log.state().verdict is SAME  # type: ignore[union-attr]
    log.person(1, 2, UNDO)  # back to the skip
    assert log.state().skipped is True  # type: ignore[union-attr]
    log.person(1, 2, UNDO)  # back to the automatic verdict, not skipped
    assert log.state() == PairState(1, 2, REVIEW, RULE, 0.87, "auto review", "", False)


def test_undo_pops_the_reviewers_own_latest_event() -> None:
    log = Log().auto(1, 2, REVIEW).person(1, 2, SAME, "alice").person(1, 2, DIFFERENT, "bob")
    assert log.state().reviewer == "bob"  # type: ignore[union-attr]
    log.person(1, 2, UNDO, "alice")  # alice withdraws her SAME; bob's DIFFERENT stays on top
    assert (log.state().verdict, log.state().reviewer) == (DIFFERENT, "bob")  # type: ignore[union-attr]
    log.person(1, 2, UNDO, "bob")
    assert log.state().verdict is REVIEW  # type: ignore[union-attr]
    log.person(1, 2, UNDO, "bob")  # nothing left to undo: no effect
    assert log.state().verdict is REVIEW  # type: ignore[union-attr]


def test_undo_of_a_manual_link_without_automatic_event_leaves_nothing() -> None:
    log = Log().person(3, 7, SAME)
    assert log.state(3, 7).verdict is SAME  # type: ignore[union-attr]
    log.person(3, 7, UNDO)
    assert log.state(3, 7) is None
    assert Log().person(3, 7, SKIP).state(3, 7) is None  # nothing to skip


def test_latest_reviewer_decision_skips_undone_events() -> None:
    log = Log().person(1, 2, SAME).person(3, 4, DIFFERENT).person(5, 6, SAME, "bob")
    latest = latest_reviewer_decision(log.events, "alice")
    assert latest is not None and (latest.record_a, latest.record_b) == (3, 4)
    log.person(3, 4, UNDO)
    latest = latest_reviewer_decision(log.events, "alice")
    assert latest is not None and (latest.record_a, latest.record_b) == (1, 2)
    log.person(1, 2, UNDO)
    assert latest_reviewer_decision(log.events, "alice") is None
    assert latest_reviewer_decision(log.events, "carol") is None


def test_cluster_joins_same_links_with_smallest_id_as_study() -> None:
    log = Log().auto(2, 5, SAME, EXACT, 1.0).auto(5, 9, SAME).auto(3, 4, REVIEW)
    log.person(6, 7, SAME)
    result = cluster(range(1, 11), pair_states(log.events))
    assert result.study_of == {5: 2, 9: 2, 7: 6}
    assert (result.removed_automatic, result.removed_by_reviewer) == (2, 1)
    assert (result.records, result.studies, result.removed) == (10, 7, 3)
    assert result.blocked == ()
    assert result.same_study(2, 9) and not result.same_study(3, 4)  # REVIEW joins nothing


def test_redundant_links_remove_no_second_duplicate() -> None:
    log = Log().auto(1, 2, SAME).auto(2, 3, SAME).auto(1, 3, SAME)
    result = cluster([1, 2, 3], pair_states(log.events))
    assert result.study_of == {2: 1, 3: 1}
    assert result.removed_automatic == 2


def test_reviewer_different_is_a_cannot_link() -> None:
    # 1-2 and 2-3 look like one study, but a reviewer said 1 and 3 are different papers.
    log = Log().auto(1, 2, SAME, score=0.95).auto(2, 3, SAME, score=0.91).person(1, 3, DIFFERENT)
    states = pair_states(log.events)
    result = cluster([1, 2, 3], states)
    assert result.study_of == {2: 1}  # the higher-scoring link is applied first
    assert result.blocked == (states[(2, 3)],)
    assert result.removed_automatic == 1


def test_links_are_applied_exact_id_then_rule_by_score_then_reviewer() -> None:
    log = (
        Log()
        .person(1, 2, SAME)  # written first, applied last
        .auto(2, 3, SAME, RULE, 0.91)
        .auto(3, 4, SAME, RULE, 0.99)
        .auto(4, 5, SAME, EXACT, 1.0)
    )
    states = pair_states(log.events)
    order = [(s.a, s.b) for s in merging_links(states)]
    assert order == [(4, 5), (3, 4), (2, 3), (1, 2)]
    # With 1 and 5 declared different, the link applied last (the reviewer's) is the one
    # blocked: 2-5 are already one study by then.
    log.person(1, 5, DIFFERENT, "bob")
    states = pair_states(log.events)
    result = cluster(range(1, 6), states)
    assert result.blocked == (states[(1, 2)],)
    assert result.study_of == {3: 2, 4: 2, 5: 2}
    assert (result.removed_automatic, result.removed_by_reviewer) == (3, 0)
    assert states[(1, 2)] not in links_in_force(result, merging_links(states))


def test_preprint_links_join_only_when_asked() -> None:
    log = Log().auto(1, 2, RELATED, RULE, 0.97)  # stored before rules were named: a preprint
    log.events.append(replace(log.events[0], id=2, record_a=3, record_b=4))
    log.events[-1] = replace(log.events[-1], rule="preprint_version")
    states = pair_states(log.events)
    assert cluster([1, 2, 3, 4], states).studies == 4
    merged = cluster([1, 2, 3, 4], states, merge_preprints=True)
    assert (merged.studies, merged.study_of, merged.removed_automatic) == (2, {2: 1, 4: 3}, 2)


def test_corrections_and_comments_never_join_their_article() -> None:
    log = Log().auto(1, 2, RELATED, RULE, 0.97).auto(1, 3, RELATED, RULE, 0.97)
    log.events[0] = replace(log.events[0], rule="correction_notice")
    log.events[1] = replace(log.events[1], rule="comment_or_reply")
    merged = cluster([1, 2, 3], pair_states(log.events), merge_preprints=True)
    assert merged.studies == 3


def _stored(record_id: int, **fields: object) -> StoredRecord:
    record = Record(position=record_id, line=0, source_record_id=str(record_id), **fields)  # type: ignore[arg-type]
    return StoredRecord(id=record_id, source_id=1, record=record)


def test_merged_study_takes_the_most_complete_values() -> None:
    pubmed = _stored(
        4,
        title="MSC secretome heals wounds",
        abstract="Short.",
        authors=("Smith, J", "Doe, A"),
        year=2020,
        pmid="123",
        journal="Stem Cell Res Ther",
    )
    embase = _stored(
        9,
        title="MSC secretome heals wounds in rats",
        abstract="A much longer abstract.",
        authors=("Smith, John", "Doe, Anna", "Roe, R"),
        year=2020,
        journal="Stem Cell Research & Therapy",
        volume="11",
        pages="1-9",
        doi="10.1/x",
    )
    merged = merged_study([embase, pubmed])
    assert merged.study_id == 4 and merged.record_ids == (4, 9)
    assert merged.title == "MSC secretome heals wounds in rats"
    assert merged.authors == ("Smith, John", "Doe, Anna", "Roe, R")
    assert (merged.doi, merged.pmid, merged.volume, merged.issue) == ("10.1/x", "123", "11", "")
    assert merged.supplied_by == {
        "title": 9,
        "abstract": 9,
        "authors": 9,
        "journal": 9,
        "year": 9,  # both have it: the more complete record supplies it
        "volume": 9,
        "pages": 9,
        "doi": 9,
        "pmid": 4,
    }
    with pytest.raises(ValueError):
        merged_study([])


def test_merged_study_ties_go_to_the_more_complete_record() -> None:
    bare = _stored(1, title="Same title")
    full = _stored(2, title="Same title", year=2021, doi="10.1/y")
    assert merged_study([bare, full]).supplied_by["title"] == 2
    assert merged_study([bare, _stored(3, title="Same title")]).supplied_by["title"] == 1


def test_compare_records_ignores_case_accents_and_punctuation() -> None:
    a = Record(
        position=1,
        line=1,
        source_record_id="a",
        title="Secretome of MSCs: a review.",
        authors=("Müller, Anna", "Smith, J"),
        year=2020,
        journal="Stem Cell Research",
        journal_abbrev="Stem Cell Res",
        start_page="12",
        end_page="19",
        doi="10.1/ABC",
    )
    b = Record(
        position=2,
        line=1,
        source_record_id="b",
        title="secretome of MSCs - a review",
        authors=("Muller, A.", "Smith, John"),
        year=2021,
        journal="Stem Cell Res",
        start_page="112",
        end_page="119",
        doi="10.1/abc",
    )
    fields = {f.field: f for f in compare_records(a, b)}
    assert [name for name, f in fields.items() if not f.same] == ["year", "pages"]
    assert (fields["pages"].value_a, fields["pages"].value_b) == ("12-19", "112-119")
    assert fields["authors"].value_a == "Müller, Anna; Smith, J"
    assert fields["title"].label == "Title"
    other = Record(position=3, line=1, source_record_id="c", authors=("Smith, J", "Müller, A"))
    assert not {f.field: f for f in compare_records(a, other)}["authors"].same  # order counts
