"""The relevance ranking: the model, the cold start, and whose decisions it learns from."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from screener.demo import make_demo
from screener.models import NewDecision, Stage, Verdict
from screener.project import Project, open_project
from screener.screening.decisions import decide, resolve
from screener.screening.queue import screening_queue
from screener.screening.ranking import (
    cold_start_scores,
    feature_matrix,
    highlight_scores,
    project_features,
    rank,
    record_text,
    relevance,
    sample_weights,
    training_labels,
)

TA = Stage.TITLE_ABSTRACT
INCLUDE, EXCLUDE, MAYBE = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Project]:
    with open_project(Path(shutil.copytree(demo_template, tmp_path / "demo"))) as project:
        yield project


def test_the_text_ranked_is_title_abstract_and_keywords() -> None:
    text = record_text("Title", "Abstract", ("wound", "skin"))
    assert text == "Title\nTitle\nAbstract\nwound skin"  # the title counts twice
    assert record_text("", "Abstract only") == "\nAbstract only\n"


def test_a_record_sharing_the_relevant_records_words_ranks_first() -> None:
    texts = [
        "exosomes heal skin wounds",
        "soil bacteria in rivers",
        "skin wounds and exosomes",
        "river soil erosion",
        "tax law reform",
    ]
    scores = relevance(feature_matrix(texts), [0, 1], [1, 0])
    assert int(np.argmax(scores[2:])) == 0  # of the unlabelled, the exosome one


def test_relevance_needs_both_labels() -> None:
    with pytest.raises(ValueError, match="relevant and one irrelevant"):
        relevance(feature_matrix(["a b", "c d"]), [0, 1], [1, 1])


def test_balanced_weights_give_the_relevant_ratio_times_the_irrelevant_weight() -> None:
    labels = np.array([1, 0, 0, 0])
    weights = sample_weights(labels, ratio=2.0)
    assert weights[0] == pytest.approx(2.0 * weights[1:].sum())
    assert weights.mean() == pytest.approx(1.0)


def test_an_empty_corpus_still_has_features() -> None:
    assert feature_matrix(["", ""]).shape[0] == 2


def test_cold_start_keeps_the_highlight_order_and_breaks_ties_by_seed(demo: Project) -> None:
    terms = highlight_scores(demo)
    scores = cold_start_scores(demo, seed=1)
    assert {s: int(v) for s, v in scores.items()} == {s: int(v) for s, v in terms.items()}
    assert cold_start_scores(demo, seed=1) == scores != cold_start_scores(demo, seed=2)
    ranking = rank(demo, "alice", TA)
    assert not ranking.learnt and ranking.scores == cold_start_scores(demo, demo.protocol.seed)


def test_the_model_learns_from_the_reviewers_include_and_exclude(demo: Project) -> None:
    ids = demo.store.links.study_ids()
    decide(demo, NewDecision(ids[0], TA, "alice", INCLUDE))
    decide(demo, NewDecision(ids[1], TA, "alice", EXCLUDE))
    decide(demo, NewDecision(ids[2], TA, "alice", MAYBE))  # maybe counts as relevant
    ranking = rank(demo, "alice", TA)
    assert ranking.learnt and (ranking.relevant, ranking.irrelevant) == (2, 1)
    assert set(ranking.scores) == set(ids)
    assert set(ranking.percentiles) == set(ids[3:])  # only the studies still to decide
    queue = screening_queue(demo, "alice", TA, order="ranked")
    still = [s for s in queue if s not in ids[:3]]
    assert still == sorted(still, key=lambda s: -ranking.scores[s])


def test_the_ranking_never_learns_from_another_reviewer_or_a_resolution(demo: Project) -> None:
    ids = demo.store.links.study_ids()
    decide(demo, NewDecision(ids[0], TA, "alice", INCLUDE))
    decide(demo, NewDecision(ids[1], TA, "alice", EXCLUDE))
    features = project_features(demo)
    before = rank(demo, "alice", TA, features=features)
    decide(demo, NewDecision(ids[0], TA, "bob", EXCLUDE))  # a conflict on ids[0]
    decide(demo, NewDecision(ids[2], TA, "bob", INCLUDE))
    decide(demo, NewDecision(ids[3], TA, "bob", EXCLUDE))
    resolve(demo, ids[0], TA, "carol", EXCLUDE)
    assert training_labels(demo, "alice", TA) == {ids[0]: 1, ids[1]: 0}
    after = rank(demo, "alice", TA, features=features)
    assert after.scores == before.scores
    assert training_labels(demo, "bob", TA) == {ids[0]: 0, ids[2]: 1, ids[3]: 0}
    assert rank(demo, "bob", TA, features=features).scores != before.scores


def test_features_have_one_row_per_study(demo: Project) -> None:
    features = project_features(demo)
    assert list(features.study_ids) == demo.store.links.study_ids()
    assert features.matrix.shape[0] == len(features.study_ids)


def test_percentiles_give_ties_the_highest_rank() -> None:
    from screener.screening.ranking import _percentiles

    scores = {10: 0.5, 11: 0.9, 12: 0.5, 13: 0.1}
    assert _percentiles(scores) == {10: 0.75, 11: 1.0, 12: 0.75, 13: 0.25}
    assert _percentiles({}) == {}
