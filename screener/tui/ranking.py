"""The ranked order of a session: the ranking retrained in a worker thread, never on the UI
thread; the feature matrix built once per session and only when there is something to learn
from; the latest ranking of each stage kept, so that a screen that opens again needs none."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screener.models import Stage
from screener.project import open_project
from screener.screening.ranking import (
    ProjectFeatures,
    Ranking,
    can_learn,
    cold_start_ranking,
    project_features,
    rank,
    training_labels,
)


@dataclass(frozen=True, slots=True)
class RankedOrder:
    """A ranking and whether it is the model's (``final``) or the highlight-term order shown
    while the model is still being trained (the feature matrix not built yet)."""

    ranking: Ranking
    final: bool

    @property
    def warming_up(self) -> bool:
        return not self.final


class SessionRanking:
    """One reviewer's rankings in one session. :meth:`retrain` runs on a worker thread with
    its own connection; at most one runs at a time, and requests made meanwhile are served
    by one more run after it (each run reads every decision made until it starts)."""

    def __init__(self, project_path: Path, reviewer: str, seed: int | None) -> None:
        self.project_path = project_path
        self.reviewer = reviewer
        self.seed = seed
        self.latest: dict[Stage, RankedOrder] = {}
        self._features: ProjectFeatures | None = None
        self._lock = threading.Lock()  # one retrain at a time
        self._wanted: set[Stage] = set()
        self._wanted_lock = threading.Lock()

    def forget_features(self) -> None:
        """The studies changed (duplicates linked or split): build the features again."""
        self._features = None

    def want(self, stage: Stage) -> bool:
        """Ask for a retrain of ``stage``; False when one already waits to start (it will
        read this decision too), so that no second worker is needed."""
        with self._wanted_lock:
            if stage in self._wanted:
                return False
            self._wanted.add(stage)
            return True

    def retrain(self, stage: Stage, publish: Callable[[Stage, RankedOrder], None]) -> None:
        """On a worker thread: rank ``stage`` and hand each result to ``publish`` (called on
        this thread): first the highlight-term order when the model needs the features
        built, then the model's ranking."""
        with self._lock:
            with self._wanted_lock:
                self._wanted.discard(stage)
            with open_project(self.project_path) as project:
                labels = training_labels(project, self.reviewer, stage)
                if can_learn(list(labels.values())) and self._features is None:
                    warm = cold_start_ranking(project, self.reviewer, stage, seed=self.seed)
                    self._publish(stage, RankedOrder(warm, final=False), publish)
                    self._features = project_features(project)
                features = self._features
                ranking = rank(project, self.reviewer, stage, features=features, seed=self.seed)
            self._publish(stage, RankedOrder(ranking, final=True), publish)

    def _publish(
        self, stage: Stage, order: RankedOrder, publish: Callable[[Stage, RankedOrder], None]
    ) -> None:
        self.latest[stage] = order
        publish(stage, order)
