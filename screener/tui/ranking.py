"""The ranked order of a session. Ranking is CPU-bound Python (tokenising every abstract,
training, scoring every study) that would hold the interpreter's lock for seconds at 100,000
records and starve the UI thread, so it runs in a ranking process of its own; a worker thread
of the app waits for it. The feature matrix is built there once per session and only when
there is something to learn from; the latest ranking of each stage is kept here, so that a
screen that opens again needs none."""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol, TypeVar

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


# -- in the ranking process ---------------------------------------------------------------

# The feature matrix of the session's project, kept between retrains: (path, generation).
_features: dict[tuple[str, int], ProjectFeatures] = {}


def warm_order(
    path: Path, reviewer: str, stage: Stage, seed: int | None, generation: int
) -> Ranking | None:
    """The highlight-term order, when the model has something to learn from but its feature
    matrix is not built yet (None otherwise: the model's ranking follows soon enough)."""
    if (str(path), generation) in _features:
        return None
    with open_project(path) as project:
        if not can_learn(list(training_labels(project, reviewer, stage).values())):
            return None
        return cold_start_ranking(project, reviewer, stage, seed=seed)


def model_order(
    path: Path, reviewer: str, stage: Stage, seed: int | None, generation: int
) -> Ranking:
    """The model's ranking (the cold-start order while there is nothing to learn from)."""
    with open_project(path) as project:
        features = None
        if can_learn(list(training_labels(project, reviewer, stage).values())):
            key = (str(path), generation)
            if key not in _features:
                _features.clear()
                _features[key] = project_features(project)
            features = _features[key]
        return rank(project, reviewer, stage, features=features, seed=seed)


def _serve(connection: Connection) -> None:
    """The ranking process's loop: one request at a time, until the app closes the pipe."""
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):  # the app has gone (quit or killed)
            return
        try:
            connection.send((True, function(*args)))
        except Exception as exc:  # handed back to the app, which raises it there
            connection.send((False, exc))


T = TypeVar("T")


class Runner(Protocol):
    def call(self, function: Callable[..., T], *args: Any) -> T: ...

    def close(self) -> None: ...


class RankingStopped(Exception):
    """The ranking process ended before it answered (closed by the app, or killed)."""


class RankingProcess:
    """A spawned process (a fork would copy the UI threads' locks) that runs the ranking
    functions above one at a time, keeping its feature matrix between them."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(theirs,), name="screener-ranking", daemon=True
        )
        # The spawn hands stderr's file descriptor on to multiprocessing's resource tracker;
        # while Textual runs, sys.stderr is its capture, which has none.
        captured, sys.stderr = sys.stderr, sys.__stderr__ or sys.stderr
        try:
            self._process.start()
        finally:
            sys.stderr = captured
        theirs.close()

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in the ranking process; its exception is raised here."""
        try:
            self._connection.send((function, args))
            while not self._connection.poll(0.2):
                if not self._process.is_alive():
                    raise RankingStopped
            done, value = self._connection.recv()
        except (EOFError, OSError) as exc:
            raise RankingStopped from exc
        if not done:
            raise value
        return value

    def close(self) -> None:
        """Stop the process at once: a ranking under way is abandoned (it only reads)."""
        self._process.terminate()
        self._process.join(2)
        self._connection.close()


def ranking_process() -> Runner:
    return RankingProcess()


# -- in the app ------------------------------------------------------------------------------


class SessionRanking:
    """One reviewer's rankings in one session. :meth:`retrain` runs on a worker thread of the
    app and waits for the ranking process; at most one runs at a time, and requests made
    meanwhile are served by one more run after it (each run reads every decision made until
    it starts)."""

    def __init__(self, project_path: Path, reviewer: str, seed: int | None) -> None:
        self.project_path = project_path
        self.reviewer = reviewer
        self.seed = seed
        self.latest: dict[Stage, RankedOrder] = {}
        self._generation = 0  # a new one when the studies change
        self._process: Runner | None = None  # started by the first retrain
        self._closed = False
        self._lock = threading.Lock()  # one retrain at a time
        self._wanted: set[Stage] = set()
        self._wanted_lock = threading.Lock()

    def forget_features(self) -> None:
        """The studies changed (duplicates linked or split): build the features again."""
        self._generation += 1

    def want(self, stage: Stage) -> bool:
        """Ask for a retrain of ``stage``; False when one already waits to start (it will
        read this decision too), so that no second worker is needed."""
        with self._wanted_lock:
            if stage in self._wanted:
                return False
            self._wanted.add(stage)
            return True

    def retrain(self, stage: Stage, publish: Callable[[Stage, RankedOrder], None]) -> None:
        """On a worker thread: rank ``stage`` in the ranking process and hand each result to
        ``publish`` (called on this thread): first the highlight-term order when the model
        needs its features built, then the model's ranking. When the ranking process has
        stopped (the app closing, or killed), nothing is published; the next retrain starts
        a new one."""
        with self._lock:
            with self._wanted_lock:
                self._wanted.discard(stage)
            if self._closed:
                return
            if self._process is None:
                self._process = ranking_process()
            process = self._process
            args = (self.project_path, self.reviewer, stage, self.seed, self._generation)
            try:
                warm = process.call(warm_order, *args)
                if warm is not None:
                    self._publish(stage, RankedOrder(warm, final=False), publish)
                ranking = process.call(model_order, *args)
            except RankingStopped:
                if self._process is process:
                    self._process = None
                    process.close()
                return
            self._publish(stage, RankedOrder(ranking, final=True), publish)

    def close(self) -> None:
        """Stop the ranking process; called as the app closes."""
        self._closed = True
        process, self._process = self._process, None
        if process is not None:
            process.close()

    def _publish(
        self, stage: Stage, order: RankedOrder, publish: Callable[[Stage, RankedOrder], None]
    ) -> None:
        self.latest[stage] = order
        publish(stage, order)
