"""Simulated screening of a labelled dataset (as ASReview's ``simulate``) and its metrics.

Metric definitions, with the prior records removed: N records are left to screen, R of them
relevant, taken in the model's order.

* WSS@95 = (N - n95) / N - 0.05, n95 being the number screened when ceil(0.95 R) relevant
  records have been found;
* recall@10% = relevant found among the first floor(0.10 N), divided by R;
* ATD (average time to discovery) = mean 1-based position of the relevant records, over N;
* loss = ASReview-insights' normalised loss: the area between the perfect recall curve and
  the actual one, over the area between the perfect and the worst curve (0 perfect,
  1 worst), with recall counted in records (``asreviewcontrib.insights.algorithms._loss``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from screener.screening.labelled import LabelledSet, prior_rows
from screener.screening.ranking import DEFAULT_SETTINGS, ModelSettings, feature_matrix, relevance

# Progress hook: (records screened so far, records to screen).
StepProgress = Callable[[int, int], None]


def _check(found: Sequence[int]) -> tuple[int, int]:
    n, r = len(found), int(sum(found))
    if r == 0 or n == 0:
        raise ValueError("metrics need at least one relevant record left to screen")
    return n, r


def wss(found: Sequence[int], recall: float = 0.95) -> float:
    """Work saved over sampling at ``recall``: labels (1/0) in screening order."""
    n, r = _check(found)
    target = math.ceil(recall * r)
    seen = 0
    for position, label in enumerate(found, start=1):
        seen += label
        if seen >= target:
            return (n - position) / n - (1 - recall)
    raise ValueError("the ordering never reaches the recall wanted")


def recall_at(found: Sequence[int], fraction: float = 0.10) -> float:
    """Share of the relevant records among the first floor(fraction x N) screened."""
    n, r = _check(found)
    return sum(found[: math.floor(fraction * n)]) / r


def atd(found: Sequence[int]) -> float:
    """Average time to discovery: mean 1-based position of the relevant records, over N."""
    n, r = _check(found)
    return sum(i for i, label in enumerate(found, start=1) if label) / r / n


def loss(found: Sequence[int]) -> float:
    """ASReview-insights' normalised loss (0 when every relevant record comes first)."""
    n, r = _check(found)
    if r == n:
        return 0.0
    best = n * r - r * (r - 1) / 2  # area under the perfect recall curve (in records)
    actual = float(np.cumsum(found).sum())
    return (best - actual) / (r * (n - r))


@dataclass(frozen=True, slots=True)
class SimulationRun:
    """One seed's simulated screening: the order the records were screened in."""

    seed: int
    priors: tuple[int, int]
    order: tuple[int, ...]  # rows after the priors, until the last relevant was found
    retrain_seconds: float  # total time spent retraining and reranking
    steps: int  # retrains


def complete_order(order: Sequence[int], records: int, priors: Sequence[int]) -> list[int]:
    """An ordering stopped at the last relevant record, with the rest appended (they are
    all irrelevant, so where they go changes no metric)."""
    taken = set(order) | set(priors)
    return [*order, *(row for row in range(records) if row not in taken)]


def found_labels(
    labelled: LabelledSet, run_order: Sequence[int], priors: Sequence[int]
) -> list[int]:
    full = complete_order(run_order, len(labelled.labels), priors)
    return [labelled.labels[row] for row in full]


def simulate_seed(
    labelled: LabelledSet,
    seed: int,
    matrix: object | None = None,
    settings: ModelSettings = DEFAULT_SETTINGS,
    progress: StepProgress | None = None,
    divisor: int = 0,
) -> SimulationRun:
    """Screen ``labelled`` one record at a time, retraining after each, starting from one
    relevant and one irrelevant prior drawn by ``seed``; stops when every relevant record
    is found. Deterministic for a seed (ties go to the earlier row). With a ``divisor``,
    the model is retrained only after every max(1, screened // divisor) records (the
    benchmark's quick stand-in for trying settings)."""
    features = feature_matrix(labelled.texts, settings) if matrix is None else matrix
    labels = np.asarray(labelled.labels, dtype=np.int8)
    priors = prior_rows(labelled.labels, seed)
    screened = list(priors)
    open_rows = np.ones(len(labels), dtype=bool)
    open_rows[list(priors)] = False
    left = int(labels[open_rows].sum())
    total = int(open_rows.sum())
    order: list[int] = []
    spent = 0.0
    steps = 0
    while left:
        started = time.perf_counter()
        scores = relevance(features, screened, labels[screened], settings)  # type: ignore[arg-type]
        scores[~open_rows] = -np.inf
        batch = max(1, len(order) // divisor) if divisor else 1
        # the first of equal maxima: the earlier row (a stable sort keeps that order)
        rows = [np.argmax(scores)] if batch == 1 else np.argsort(-scores, kind="stable")[:batch]
        spent += time.perf_counter() - started
        steps += 1
        for row in map(int, rows):
            if not open_rows[row] or not left:
                break
            open_rows[row] = False
            screened.append(row)
            order.append(row)
            left -= int(labels[row])
        if progress:
            progress(len(order), total)
    return SimulationRun(seed, priors, tuple(order), spent, steps)


@dataclass(frozen=True, slots=True)
class Scores:
    """The metrics of one ordering."""

    wss95: float
    recall10: float
    atd: float
    loss: float

    @classmethod
    def of(cls, found: Sequence[int]) -> Scores:
        return cls(wss(found), recall_at(found), atd(found), loss(found))

    def as_dict(self) -> dict[str, float]:
        return {"wss95": self.wss95, "recall10": self.recall10, "atd": self.atd, "loss": self.loss}


@dataclass(frozen=True, slots=True)
class SeedResult:
    """One seed's metrics and timing."""

    run: SimulationRun
    scores: Scores
    seconds: float  # the whole simulation of this seed

    def as_dict(self) -> dict[str, object]:
        run = self.run
        return {
            "seed": run.seed,
            "prior_rows": list(run.priors),
            "screened": len(run.order),
            **self.scores.as_dict(),
            "seconds": self.seconds,
            "retrain_ms_per_step": 1000 * run.retrain_seconds / max(run.steps, 1),
        }


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """Every seed's results on one labelled dataset, and their means."""

    labelled: LabelledSet
    seeds: tuple[SeedResult, ...]
    feature_seconds: float

    def mean(self, name: str) -> float:
        return float(np.mean([getattr(s.scores, name) for s in self.seeds]))

    @property
    def retrain_ms_per_step(self) -> float:
        steps = sum(s.run.steps for s in self.seeds)
        return 1000 * sum(s.run.retrain_seconds for s in self.seeds) / max(steps, 1)

    @property
    def seconds(self) -> float:
        """The whole simulation: the features once, then every seed."""
        return self.feature_seconds + sum(s.seconds for s in self.seeds)

    @property
    def seconds_per_seed(self) -> float:
        return float(np.mean([s.seconds for s in self.seeds])) if self.seeds else 0.0

    def as_dict(self) -> dict[str, object]:
        data = self.labelled
        return {
            "dataset": data.name,
            "records": len(data.labels),
            "relevant": data.relevant,
            "records_without_text": data.empty,
            "mean": {name: self.mean(name) for name in ("wss95", "recall10", "atd", "loss")},
            "retrain_ms_per_step": self.retrain_ms_per_step,
            "seconds": self.seconds,
            "seeds": [s.as_dict() for s in self.seeds],
        }


# Makes a per-seed progress hook: (seed) -> hook, and is told when the seed is done.
SeedProgress = Callable[[int], StepProgress | None]


def simulate(
    labelled: LabelledSet,
    seeds: Sequence[int],
    settings: ModelSettings = DEFAULT_SETTINGS,
    progress: SeedProgress | None = None,
) -> SimulationReport:
    """Simulate screening ``labelled`` once per seed; features are computed once."""
    started = time.perf_counter()
    matrix = feature_matrix(labelled.texts, settings)
    feature_seconds = time.perf_counter() - started
    results: list[SeedResult] = []
    for seed in seeds:
        started = time.perf_counter()
        hook = progress(seed) if progress else None
        run = simulate_seed(labelled, seed, matrix, settings, hook)
        seconds = time.perf_counter() - started
        found = found_labels(labelled, run.order, run.priors)
        results.append(SeedResult(run, Scores.of(found), seconds))
    return SimulationReport(labelled, tuple(results), feature_seconds)
