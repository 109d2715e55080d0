"""The stopping aid: records since the last include and the hypergeometric stopping test."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import hypergeom

from screener.demo import make_demo
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening.decisions import decide, undo_last
from screener.screening.stopping import (
    p_value,
    reviewer_stopping,
    since_last_relevant,
    stopping_estimate,
)


def test_records_since_the_last_relevant_one() -> None:
    assert since_last_relevant([1, 0, 1, 0, 0]) == 2
    assert since_last_relevant([0, 0, 0]) == 3
    assert since_last_relevant([0, 1]) == 0


def test_the_p_value_is_the_hypergeometric_tail_at_the_best_window() -> None:
    # 1,000 records; 50 relevant found first, then 300 irrelevant in a row. For 95% recall
    # the null needs floor(50 / 0.95) + 1 = 53 relevant, so 3 unseen among the 950 records
    # left when the 300 began: P[no relevant in 300 draws] = C(947, 300) / C(950, 300).
    labels = [1] * 50 + [0] * 300
    expected = hypergeom.cdf(0, 950, 3, 300)
    assert p_value(labels, 1000, 0.95) == pytest.approx(expected)
    assert expected == pytest.approx((650 * 649 * 648) / (950 * 949 * 948))


def test_the_test_passes_when_the_missing_relevant_records_would_have_been_seen() -> None:
    labels = [1] * 50 + [0] * 900
    estimate = stopping_estimate(labels, 1000)
    assert estimate.may_stop_at_95 and estimate.recall_bound is not None
    assert estimate.recall_bound >= 0.95
    assert estimate.since_last_relevant == 900


def test_few_records_after_the_last_include_prove_little() -> None:
    estimate = stopping_estimate([1] * 50 + [0] * 20, 1000)
    assert not estimate.may_stop_at_95 and estimate.recall_bound is None


def test_a_higher_target_is_harder_to_reach() -> None:
    labels = [1] * 50 + [0] * 300
    assert p_value(labels, 1000, 0.80) < p_value(labels, 1000, 0.95)
    bound = stopping_estimate(labels, 1000).recall_bound
    assert bound is not None and 0.5 <= bound < 0.95
    assert p_value(labels, 1000, bound) < 0.05 <= p_value(labels, 1000, bound + 0.01)


def test_nothing_screened_or_everything_screened() -> None:
    assert stopping_estimate([], 100).recall_bound is None
    done = stopping_estimate([1, 0, 0], 3)
    assert done.recall_bound == 1.0 and done.may_stop_at_95


def test_a_reviewers_estimate_reads_only_their_own_title_abstract_decisions(
    tmp_path: Path,
) -> None:
    path, _ = make_demo(tmp_path / "demo")  # 21 studies
    ta, ft = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
    with open_project(path) as project:
        for study, verdict in ((3, Verdict.INCLUDE), (1, Verdict.EXCLUDE), (2, Verdict.MAYBE)):
            decide(project, NewDecision(study, ta, "alice", verdict))
        decide(project, NewDecision(4, ta, "alice", Verdict.INCLUDE))
        undo_last(project, "alice", ta)  # withdrawn: no longer counts
        decide(project, NewDecision(5, ta, "bob", Verdict.INCLUDE))  # another reviewer's
        decide(project, NewDecision(3, ta, "bob", Verdict.INCLUDE))
        other_stage = NewDecision(3, ft, "alice", Verdict.EXCLUDE, ("design",))
        decide(project, other_stage, mark_retrieved=True)
        alice = reviewer_stopping(project, "alice")
        carol = reviewer_stopping(project, "carol")
    # In the order made: include, exclude, maybe (relevant): none since the last relevant.
    assert (alice.total, alice.screened, alice.relevant) == (21, 3, 2)
    assert alice.since_last_relevant == 0
    assert alice == stopping_estimate([1, 0, 1], 21)
    assert (carol.total, carol.screened, carol.relevant) == (21, 0, 0)
