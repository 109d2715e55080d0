"""Screening state from hand-built event logs: which decision is in force, study statuses,
conflict rules per stage, resolutions, the review sample, queue order. No database."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.models import Decision, Resolution, Retrieval, RetrievalStatus, Stage, Verdict
from screener.screening.state import (
    StudyStatus,
    current_decisions,
    disagree,
    full_text_eligible,
    ordered,
    queue,
    resolutions_in_force,
    retrievals_in_force,
    reviews_needed,
    stage_state,
    stage_states,
    study_decisions,
)

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INCLUDE, EXCLUDE, MAYBE, UNDO = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE, Verdict.UNDO
WHEN = datetime(2026, 11, 1, tzinfo=UTC)
# Records 19 and 22 are duplicates of studies 1 and 3 (as in the demo project).
DUPLICATES = {19: 1, 22: 3}


def study_of(record_id: int) -> int:
    return DUPLICATES.get(record_id, record_id)


def dec(
    id_: int,
    record: int,
    reviewer: str = "alice",
    verdict: Verdict = INCLUDE,
    stage: Stage = TA,
    reasons: tuple[str, ...] = (),
) -> Decision:
    return Decision(id_, record, stage, reviewer, verdict, reasons, {}, "", WHEN)


def res(
    id_: int, record: int, verdict: Verdict, stage: Stage = TA, reasons: tuple[str, ...] = ()
) -> Resolution:
    return Resolution(id_, record, stage, "carol", verdict, reasons, "", WHEN)


def ret(id_: int, record: int, status: RetrievalStatus) -> Retrieval:
    return Retrieval(id_, record, status, "", "", "alice", WHEN)


# -- which decision is in force -------------------------------------------------------------


def test_latest_event_wins_whatever_order_the_events_come_in() -> None:
    events = [dec(3, 1, verdict=EXCLUDE, reasons=("design",)), dec(1, 1), dec(2, 1, "bob")]
    current = current_decisions(events)
    assert set(current) == {(1, TA, "alice"), (1, TA, "bob")}
    assert current[(1, TA, "alice")].id == 3
    assert current[(1, TA, "alice")].reasons == ("design",)


def test_stages_and_reviewers_are_kept_apart() -> None:
    events = [dec(1, 1), dec(2, 1, stage=FT, verdict=EXCLUDE), dec(3, 1, "bob", EXCLUDE)]
    current = current_decisions(events)
    assert {key: d.verdict for key, d in current.items()} == {
        (1, TA, "alice"): INCLUDE,
        (1, FT, "alice"): EXCLUDE,
        (1, TA, "bob"): EXCLUDE,
    }


def test_undo_leaves_the_study_undecided_and_a_new_decision_counts_again() -> None:
    assert current_decisions([dec(1, 1), dec(2, 1, verdict=UNDO)]) == {}
    # undo withdraws the decision in force, it does not bring back the one before it
    assert current_decisions([dec(1, 1), dec(2, 1, verdict=EXCLUDE), dec(3, 1, verdict=UNDO)]) == {}
    again = current_decisions([dec(1, 1), dec(2, 1, verdict=UNDO), dec(3, 1, verdict=MAYBE)])
    assert [d.verdict for d in again.values()] == [MAYBE]
    # bob's undo does not touch alice's decision
    assert set(current_decisions([dec(1, 1), dec(2, 1, "bob", UNDO)])) == {(1, TA, "alice")}


def test_events_are_mapped_to_the_study_their_record_belongs_to_now() -> None:
    events = [dec(1, 1), dec(2, 19, verdict=EXCLUDE), dec(3, 19, "bob"), dec(4, 22, "bob")]
    current = study_decisions(events, study_of)
    assert set(current) == {(1, TA, "alice"), (1, TA, "bob"), (3, TA, "bob")}
    assert current[(1, TA, "alice")].id == 2  # the decision on the duplicate is the latest
    # by record, nothing is merged
    assert len(current_decisions(events)) == 4


def test_undo_on_a_duplicate_record_withdraws_the_study_decision() -> None:
    events = [dec(1, 1), dec(2, 19, verdict=UNDO)]
    assert study_decisions(events, study_of) == {}


@given(
    st.lists(
        st.tuples(
            st.integers(1, 4), st.sampled_from(["alice", "bob"]), st.sampled_from(list(Verdict))
        ),
        max_size=25,
    ),
    st.randoms(use_true_random=False),
)
def test_decisions_in_force_do_not_depend_on_the_order_events_are_read(
    log: list[tuple[int, str, Verdict]], rng: random.Random
) -> None:
    events = [dec(i, record, who, verdict) for i, (record, who, verdict) in enumerate(log, 1)]
    shuffled = events[:]
    rng.shuffle(shuffled)
    expected = study_decisions(events, study_of)
    assert study_decisions(shuffled, study_of) == expected
    for (study, _, who), decision in expected.items():
        # the decision in force is that reviewer's latest event on the study, never an undo
        latest = max(
            (e for e in events if study_of(e.record_id) == study and e.reviewer == who),
            key=lambda e: e.id,
        )
        assert decision is latest and decision.verdict is not UNDO


# -- statuses and conflicts -----------------------------------------------------------------


def test_statuses_of_a_study_that_needs_two_reviewers() -> None:
    assert stage_state(1, TA, [], None, 2).status is StudyStatus.UNSCREENED
    assert stage_state(1, TA, [dec(1, 1)], None, 2).status is StudyStatus.AWAITING
    assert stage_state(1, TA, [dec(1, 1), dec(2, 1, "bob")], None, 2).status is (
        StudyStatus.INCLUDED
    )
    assert stage_state(
        1, TA, [dec(1, 1, verdict=MAYBE), dec(2, 1, "bob", MAYBE)], None, 2
    ).status is (StudyStatus.INCLUDED)
    conflict = stage_state(1, TA, [dec(1, 1), dec(2, 1, "bob", EXCLUDE)], None, 2)
    assert conflict.status is StudyStatus.CONFLICT and not conflict.final
    assert conflict.reasons == ()


def test_one_reviewer_is_enough_for_a_study_that_needs_one() -> None:
    state = stage_state(1, TA, [dec(1, 1, verdict=EXCLUDE, reasons=("oncology",))], None, 1)
    assert (state.status, state.reasons, state.final) == (StudyStatus.EXCLUDED, ("oncology",), True)
    # two reviewers deciding a single-review study can still disagree
    both = stage_state(1, TA, [dec(1, 1), dec(2, 1, "bob", EXCLUDE)], None, 1)
    assert both.status is StudyStatus.CONFLICT


def test_exclusion_reasons_are_the_earliest_exclusions_and_decisions_kept_in_order() -> None:
    decisions = [
        dec(5, 1, "bob", EXCLUDE, reasons=("oncology",)),
        dec(2, 1, verdict=EXCLUDE, reasons=("design",)),
    ]
    state = stage_state(1, TA, decisions, None, 2)
    assert state.status is StudyStatus.EXCLUDED  # at title/abstract reasons may differ
    assert state.reasons == ("design",)
    assert [d.id for d in state.decisions] == [2, 5]


@pytest.mark.parametrize(
    ("stage", "a", "b", "conflict"),
    [
        (TA, (INCLUDE, ()), (EXCLUDE, ()), True),
        (TA, (MAYBE, ()), (EXCLUDE, ("design",)), True),  # maybe counts as include
        (TA, (MAYBE, ()), (INCLUDE, ()), False),
        (TA, (EXCLUDE, ("design",)), (EXCLUDE, ("oncology",)), False),
        (TA, (EXCLUDE, ()), (EXCLUDE, ()), False),
        (FT, (INCLUDE, ()), (EXCLUDE, ("design",)), True),
        (FT, (INCLUDE, ()), (INCLUDE, ()), False),
        (FT, (EXCLUDE, ("design",)), (EXCLUDE, ("outcome",)), True),  # different reasons
        (FT, (EXCLUDE, ("outcome",)), (EXCLUDE, ("outcome",)), False),
    ],
)
def test_conflict_rules(
    stage: Stage,
    a: tuple[Verdict, tuple[str, ...]],
    b: tuple[Verdict, tuple[str, ...]],
    conflict: bool,
) -> None:
    decisions = [dec(1, 1, "alice", a[0], stage, a[1]), dec(2, 1, "bob", b[0], stage, b[1])]
    assert disagree(decisions, stage) is conflict
    assert disagree(decisions[::-1], stage) is conflict
    status = stage_state(1, stage, decisions, None, 2).status
    assert (status is StudyStatus.CONFLICT) is conflict


def test_no_decisions_is_no_conflict() -> None:
    assert not disagree([], TA) and not disagree([], FT)


verdicts = st.sampled_from([INCLUDE, EXCLUDE, MAYBE])
reasons = st.sampled_from([(), ("design",), ("outcome",)])


@given(st.sampled_from([TA, FT]), verdicts, reasons, verdicts, reasons)
def test_status_does_not_depend_on_who_decided_first(
    stage: Stage,
    verdict_a: Verdict,
    reasons_a: tuple[str, ...],
    verdict_b: Verdict,
    reasons_b: tuple[str, ...],
) -> None:
    first = [
        dec(1, 1, "alice", verdict_a, stage, reasons_a),
        dec(2, 1, "bob", verdict_b, stage, reasons_b),
    ]
    second = [
        dec(1, 1, "bob", verdict_b, stage, reasons_b),
        dec(2, 1, "alice", verdict_a, stage, reasons_a),
    ]
    assert stage_state(1, stage, first, None, 2).status is (
        stage_state(1, stage, second, None, 2).status
    )


# -- resolutions ----------------------------------------------------------------------------


def test_a_resolution_overrides_the_reviewers() -> None:
    decisions = [dec(1, 1), dec(2, 1, "bob", EXCLUDE, reasons=("design",))]
    included = stage_state(1, TA, decisions, res(1, 1, INCLUDE), 2)
    assert (included.status, included.reasons) == (StudyStatus.INCLUDED, ())
    assert included.resolution is not None and included.final
    excluded = stage_state(1, FT, decisions, res(2, 1, EXCLUDE, FT, ("outcome",)), 2)
    assert (excluded.status, excluded.reasons) == (StudyStatus.EXCLUDED, ("outcome",))
    # even against two reviewers who agree
    agreed = [dec(1, 1), dec(2, 1, "bob")]
    assert stage_state(1, TA, agreed, res(3, 1, EXCLUDE), 2).status is StudyStatus.EXCLUDED


def test_latest_resolution_is_in_force_and_undo_withdraws_it() -> None:
    log = [res(2, 1, EXCLUDE), res(1, 1, INCLUDE), res(3, 3, INCLUDE, FT)]
    found = resolutions_in_force(log, study_of)
    assert {key: r.verdict for key, r in found.items()} == {(1, TA): EXCLUDE, (3, FT): INCLUDE}
    withdrawn = resolutions_in_force([*log, res(4, 19, UNDO)], study_of)  # on a duplicate
    assert set(withdrawn) == {(3, FT)}


def test_latest_retrieval_is_in_force() -> None:
    log = [
        ret(2, 19, RetrievalStatus.RETRIEVED),
        ret(1, 1, RetrievalStatus.SOUGHT),
        ret(3, 3, RetrievalStatus.NOT_RETRIEVED),
    ]
    found = retrievals_in_force(log, study_of)
    assert {s: r.status for s, r in found.items()} == {
        1: RetrievalStatus.RETRIEVED,
        3: RetrievalStatus.NOT_RETRIEVED,
    }


def test_stage_states_use_only_that_stage() -> None:
    log = [
        dec(1, 1),
        dec(2, 1, "bob"),
        dec(3, 1, stage=FT, verdict=EXCLUDE, reasons=("design",)),
        dec(4, 2),
        dec(5, 19, "bob", EXCLUDE),
    ]
    decisions = study_decisions(log, study_of)
    resolutions = resolutions_in_force([res(1, 2, EXCLUDE)], study_of)
    ta = stage_states([1, 2, 3], TA, decisions, resolutions, lambda study: 2)
    # bob's exclusion of record 19 is his latest decision on study 1
    assert {s: state.status for s, state in ta.items()} == {
        1: StudyStatus.CONFLICT,
        2: StudyStatus.EXCLUDED,
        3: StudyStatus.UNSCREENED,
    }
    ft = stage_states([1], FT, decisions, resolutions, lambda study: 2)
    assert ft[1].status is StudyStatus.AWAITING and len(ft[1].decisions) == 1


def test_full_text_eligible_studies() -> None:
    states = {
        study: stage_state(study, TA, decisions, resolution, 2)
        for study, decisions, resolution in [
            (5, [dec(1, 5), dec(2, 5, "bob", MAYBE)], None),  # included
            (1, [dec(3, 1), dec(4, 1, "bob")], None),  # included, report not retrieved
            (2, [dec(5, 2), dec(6, 2, "bob", EXCLUDE)], None),  # conflict
            (3, [dec(7, 3), dec(8, 3, "bob", EXCLUDE)], res(1, 3, INCLUDE)),  # resolved in
            (4, [dec(9, 4)], None),  # awaiting
            (6, [dec(10, 6, verdict=EXCLUDE), dec(11, 6, "bob", EXCLUDE)], None),
            (7, [dec(12, 7), dec(13, 7, "bob")], None),  # included, report sought
        ]
    }
    retrievals = {1: ret(1, 1, RetrievalStatus.NOT_RETRIEVED), 7: ret(2, 7, RetrievalStatus.SOUGHT)}
    assert full_text_eligible(states, retrievals) == [3, 5, 7]


# -- how many reviewers a study needs -------------------------------------------------------


def test_reviews_needed_by_mode() -> None:
    assert reviews_needed("abc:1", dual=False, second_review_percent=100) == 1
    assert reviews_needed("abc:1", dual=True, second_review_percent=100) == 2
    keys = [f"sha:{i}" for i in range(200)]
    assert {reviews_needed(k, dual=True, second_review_percent=0) for k in keys} == {1}
    assert {reviews_needed(k, dual=False, second_review_percent=50) for k in keys} == {1}


@pytest.mark.parametrize("percent", [10, 25, 50, 90])
def test_about_percent_of_many_keys_are_sampled(percent: int) -> None:
    keys = [f"{i:064x}:{i % 977}" for i in range(20_000)]
    sampled = sum(reviews_needed(k, dual=True, second_review_percent=percent) == 2 for k in keys)
    # a binomial(20000, p) is within 4 standard deviations (at most 283 here) of its mean
    assert abs(sampled - 200 * percent) < 300, sampled
    again = sum(reviews_needed(k, dual=True, second_review_percent=percent) == 2 for k in keys)
    assert again == sampled  # the key alone decides, every time


@given(st.text(max_size=40), st.integers(0, 100), st.integers(0, 100))
def test_a_larger_sample_keeps_the_studies_of_a_smaller_one(key: str, p: int, q: int) -> None:
    low, high = sorted((p, q))
    if reviews_needed(key, dual=True, second_review_percent=low) == 2:
        assert reviews_needed(key, dual=True, second_review_percent=high) == 2


# -- queue order ----------------------------------------------------------------------------


def test_import_order_is_as_given() -> None:
    assert ordered([3, 1, 2], "import") == [3, 1, 2]
    with pytest.raises(ValueError, match="unknown queue order 'newest'"):
        ordered([1], "newest")


def test_random_order_is_a_permutation_fixed_by_the_seed() -> None:
    ids = list(range(1, 101))
    first = ordered(ids, "random", seed=7)
    assert sorted(first) == ids and first != ids
    assert ordered(ids, "random", seed=7) == first
    assert ordered(list(reversed(ids)), "random", seed=7) == first  # the input order is lost
    assert ordered(ids, "random", seed=8) != first
    assert ids == list(range(1, 101))  # not shuffled in place


@given(st.sets(st.integers(1, 10_000), max_size=60), st.integers(), st.data())
def test_random_order_of_fewer_studies_keeps_the_others_in_place(
    ids: set[int], seed: int, data: st.DataObject
) -> None:
    """A study leaving the queue (decided by two others, resolved) must not reshuffle the
    rest: the reviewer's next studies stay where they were."""
    full = ordered(sorted(ids), "random", seed=seed)
    assert sorted(full) == sorted(ids)
    gone = data.draw(st.sets(st.sampled_from(sorted(ids))) if ids else st.just(set[int]()))
    rest = ordered([s for s in sorted(ids) if s not in gone], "random", seed=seed)
    assert rest == [s for s in full if s not in gone]


def test_ranked_order_highest_score_first_import_order_between_ties() -> None:
    scores = {3: 0.9, 1: 0.5, 2: 0.9, 5: -1.0}
    assert ordered([1, 2, 3, 4, 5], "ranked", scores=scores) == [2, 3, 1, 4, 5]
    assert ordered([3, 2, 1], "ranked", scores=scores) == [3, 2, 1]
    assert ordered([2, 1], "ranked") == [2, 1]  # no scores: import order


def test_queue_puts_undecided_studies_first_each_part_in_order() -> None:
    assert queue([5, 3, 1, 4, 2], decided=[1, 5, 99]) == [3, 4, 2, 5, 1]
    assert queue([2, 1], decided=[]) == [2, 1]
    assert queue([2, 1], decided=iter([1, 2])) == [2, 1]


@given(st.lists(st.integers(1, 50), unique=True), st.sets(st.integers(1, 50)))
def test_queue_is_a_permutation_with_undecided_first(ids: list[int], decided: set[int]) -> None:
    result = queue(ids, decided)
    assert sorted(result) == sorted(ids)
    split = sum(1 for s in ids if s not in decided)
    assert all(s not in decided for s in result[:split])
    assert all(s in decided for s in result[split:])
