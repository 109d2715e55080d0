"""Relevance ranking for screening (active learning): TF-IDF features and a linear model.

The vocabulary is fitted once over every record's title, abstract and keywords
(unsupervised, as ASReview does); after each decision only the classifier is retrained on
the decisions made so far, which takes milliseconds. Decisions stay human: the ranking only
orders the queue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from screener.models import Stage
from screener.project import Project
from screener.screening.highlight import HighlightKind, find_highlights
from screener.screening.state import includes
from screener.screening.studies import my_decisions, study_lookup

if TYPE_CHECKING:
    from scipy import sparse

# scikit-learn and SciPy (about 1.7 s to import) load in the functions that train, so that
# the screening screen, which imports this module for the cold start, starts fast.


def record_text(title: str, abstract: str, keywords: Iterable[str] = ()) -> str:
    """The text a record is ranked by: title, abstract and keywords."""
    return weighted_text("\n".join((title, abstract, " ".join(keywords))))


def weighted_text(text: str) -> str:
    """A screening text (title on its first line) with its title counted twice: a title's
    words say more about a study than an abstract's (the benchmark measured the gain)."""
    title = text.split("\n", 1)[0]
    return f"{title}\n{text}" if title else text


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """The features and classifier. ``c`` and ``ratio`` (the relevant records' total weight
    over the irrelevant ones') start from ASReview's tuned ELAS u4 values; bench/README.md
    has what each change measured."""

    ngram_max: int = 2
    min_df: int = 1
    max_df: float = 0.95
    c: float = 0.11
    ratio: float = 9.8
    # Random unscreened records taken as irrelevant in each training set (as in Cormack &
    # Grossman's continuous active learning): with few decisions they stand for the
    # background vocabulary. Nearly every unscreened record is irrelevant.
    pseudo_negatives: int = 30


DEFAULT_SETTINGS = ModelSettings()


def feature_matrix(
    texts: Sequence[str], settings: ModelSettings = DEFAULT_SETTINGS
) -> sparse.csr_matrix:
    """TF-IDF of word uni- and bigrams (sublinear tf, l2-normalised), one row per text.
    Kept as float64: liblinear would convert float32 at every fit (2.5 times slower)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        ngram_range=(1, settings.ngram_max),
        sublinear_tf=True,
        min_df=settings.min_df,
        max_df=settings.max_df if len(texts) > 20 else 1.0,
    )
    try:
        return sparse.csr_matrix(vectoriser.fit_transform(texts))
    except ValueError:  # no words at all (every text empty): rank by order alone
        return sparse.csr_matrix((len(texts), 1))


def sample_weights(labels: np.ndarray, ratio: float) -> np.ndarray:
    """ASReview's "balanced" sample weights: together the relevant records weigh ``ratio``
    times as much as the irrelevant ones, scaled so that the weights average 1."""
    relevant = int(labels.sum())
    irrelevant = len(labels) - relevant
    weights = np.where(labels == 1, 1.0, relevant / (ratio * irrelevant))
    return weights * (len(labels) / weights.sum())


def can_learn(labels: Sequence[int]) -> bool:
    """Whether there is something to learn from: at least one relevant and one irrelevant."""
    return 1 in labels and 0 in labels


def relevance(
    matrix: sparse.csr_matrix,
    rows: Sequence[int],
    labels: Sequence[int],
    settings: ModelSettings = DEFAULT_SETTINGS,
) -> np.ndarray:
    """Predicted relevance of every row (higher is more likely relevant), from a classifier
    trained on ``rows`` with ``labels`` (1 relevant, 0 not; both must occur)."""
    y = np.asarray(labels, dtype=np.int8)
    if not can_learn(list(y)):
        raise ValueError("relevance needs at least one relevant and one irrelevant label")
    from sklearn.svm import LinearSVC

    model = LinearSVC(C=settings.c, loss="squared_hinge", dual=True, max_iter=2000, random_state=0)
    picked = np.asarray(rows)
    if settings.pseudo_negatives:
        unscreened = np.setdiff1d(np.arange(matrix.shape[0]), picked)
        # At most a tenth of the unscreened: in a small project most of them may be relevant.
        count = min(settings.pseudo_negatives, len(unscreened) // 10)
        draw = np.random.default_rng(len(rows)).choice(unscreened, count, replace=False)
        picked = np.concatenate([picked, draw])
        y = np.concatenate([y, np.zeros(len(draw), dtype=np.int8)])
    train = matrix[picked]
    weights = sample_weights(y, settings.ratio)
    model.fit(train, y, sample_weight=weights)
    return np.asarray(model.decision_function(matrix), dtype=np.float64)


# -- a project's ranking --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectFeatures:
    """The feature matrix of a project's studies (one row per study: the longest text among
    its records). Built once per screening session; retraining reuses it."""

    study_ids: tuple[int, ...]
    matrix: sparse.csr_matrix

    def row_of(self) -> dict[int, int]:
        return {study: row for row, study in enumerate(self.study_ids)}


def project_features(
    project: Project, settings: ModelSettings = DEFAULT_SETTINGS
) -> ProjectFeatures:
    lookup = project.store.links.study_map()
    texts: dict[int, str] = {}
    for record_id, screening_text in project.store.records.screening_texts():
        text = weighted_text(screening_text)
        study = lookup.get(record_id, record_id)
        if len(text) > len(texts.get(study, "")):
            texts[study] = text
        else:
            texts.setdefault(study, text)
    study_ids = tuple(sorted(texts))
    return ProjectFeatures(study_ids, feature_matrix([texts[s] for s in study_ids], settings))


def training_labels(project: Project, reviewer: str, stage: Stage) -> dict[int, int]:
    """What the model learns from: this reviewer's own decisions in force at ``stage``
    (include and maybe 1, exclude 0). Never another reviewer's events or a resolution:
    in blind screening each reviewer's ranking follows their own judgement only."""
    return {
        study: int(includes(decision.verdict))
        for study, decision in my_decisions(project, reviewer, stage).items()
    }


@dataclass(frozen=True, slots=True)
class Ranking:
    """Predicted relevance per study, and what it was learnt from."""

    scores: dict[int, float]  # higher first
    relevant: int  # decisions it learnt from: include/maybe
    irrelevant: int  # and exclude
    # Of the studies the reviewer has yet to decide, the share scored at or below each one.
    percentiles: dict[int, float]

    @property
    def learnt(self) -> bool:
        """False during the cold start (highlight terms, then random)."""
        return self.relevant > 0 and self.irrelevant > 0


def cold_start_scores(project: Project, seed: int) -> dict[int, float]:
    """Before the first include and exclude: the highlight-term score (integers), with
    ties broken at random by ``seed`` (a fraction below 1 never reorders the terms)."""
    return {
        study: score + _fraction(seed, study) for study, score in highlight_scores(project).items()
    }


def _fraction(seed: int, study: int) -> float:
    digest = hashlib.sha256(f"{seed}:{study}".encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48 * 0.5


def rank(
    project: Project,
    reviewer: str,
    stage: Stage,
    *,
    features: ProjectFeatures | None = None,
    seed: int | None = None,
    settings: ModelSettings = DEFAULT_SETTINGS,
) -> Ranking:
    """Rank the project's studies for ``reviewer`` at ``stage``: by a model trained on the
    reviewer's own decisions once there is an include and an exclude, else cold start."""
    labels = training_labels(project, reviewer, stage)
    if not can_learn(list(labels.values())):
        return _ranking(cold_start_scores(project, _seed(project, seed)), labels)
    built = features or project_features(project, settings)
    row_of = built.row_of()
    known = [(row_of[s], y) for s, y in labels.items() if s in row_of]
    values = relevance(built.matrix, [r for r, _ in known], [y for _, y in known], settings)
    return _ranking(dict(zip(built.study_ids, values.tolist(), strict=True)), labels)


def cold_start_ranking(
    project: Project, reviewer: str, stage: Stage, *, seed: int | None = None
) -> Ranking:
    """The cold-start order (highlight terms, ties at random) with what the model would
    learn from: what a face shows while the model is still being trained (``learnt`` is
    then true of the counts but not of the scores, which never use the features)."""
    labels = training_labels(project, reviewer, stage)
    return _ranking(cold_start_scores(project, _seed(project, seed)), labels)


def _seed(project: Project, seed: int | None) -> int:
    return project.protocol.seed if seed is None else seed


def _ranking(scores: dict[int, float], labels: dict[int, int]) -> Ranking:
    relevant = sum(labels.values())
    open_scores = {s: v for s, v in scores.items() if s not in labels}
    return Ranking(scores, relevant, len(labels) - relevant, _percentiles(open_scores))


def _percentiles(scores: dict[int, float]) -> dict[int, float]:
    """Per study, the share of studies scored at or below it (ties take the highest rank).
    NumPy's sort and search, not scipy.stats (whose import alone takes seconds)."""
    if not scores:
        return {}
    studies = list(scores)
    values = np.array([scores[s] for s in studies])
    ranks = np.searchsorted(np.sort(values), values, side="right") / len(studies)
    return dict(zip(studies, ranks.tolist(), strict=True))


def highlight_scores(project: Project) -> dict[int, float]:
    """The built-in relevance ranking: per study, how many include-term matches its title,
    abstract and keywords have, less the exclude-term matches (the best of its records).
    The ranking's cold start (screener.screening.ranking.rank) until the reviewer has both an
    include and an exclude to learn from."""
    include = project.protocol.highlight_include
    exclude = project.protocol.highlight_exclude
    lookup = study_lookup(project)
    scores: dict[int, float] = {}
    for record_id, text in project.store.records.screening_texts():
        spans = find_highlights(text, include, exclude)
        score = float(sum(1 if s.kind is HighlightKind.INCLUDE else -1 for s in spans))
        study = lookup(record_id)
        scores[study] = max(score, scores.get(study, score))
    return scores
