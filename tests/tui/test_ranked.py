"""Ranked screening in the TUI: predicted relevance shown, learnt in a worker from the
reviewer's own decisions, the rest of the queue re-ordered; the dashboard's stopping aid."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.screening import ranking as ranking_module
from screener.screening import studies
from screener.tui.ranking import SessionRanking
from screener.tui.screens.dashboard import DashboardScreen
from screener.tui.screens.screening import ScreeningScreen
from tests.tui.helpers import demo_copy, make_app, shown

T = TypeVar("T")

SIZE = (100, 32)
TA = Stage.TITLE_ABSTRACT


class InProcess:
    """The ranking functions run in this process (on the app's worker thread), so that a
    test can slow them down with a monkeypatch."""

    def call(self, function: Callable[..., T], *args: Any) -> T:
        return function(*args)

    def close(self) -> None:
        pass


def ranking_processes() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "screener-ranking"]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return demo_copy(tmp_path)


def mine(path: Path, reviewer: str = "alice") -> dict:
    with open_project(path) as project:
        return studies.my_decisions(project, reviewer, TA)


async def test_ranked_screening_shows_relevance_and_saves_before_the_next_record(
    demo: Path,
) -> None:
    app = make_app(demo, order="ranked")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "relevance top" in shown(app, "#meta") and "by highlight terms" in shown(
            app, "#meta"
        )
        first = screen.current
        await pilot.press("i")
        assert mine(demo)[first].verdict is Verdict.INCLUDE  # saved before the next record
        second = screen.current
        assert second != first
        await pilot.press("e")
        assert mine(demo)[second].verdict is Verdict.EXCLUDE
        showing = screen.current
        await app.workers.wait_for_complete()
        await pilot.pause()
        ranking = screen.order.ranking if screen.order else None
        assert ranking is not None and ranking.learnt
        assert (ranking.relevant, ranking.irrelevant) == (1, 1)
        assert screen.current == showing  # the record on screen stays
        rest = [s for s in screen.ids[screen.position + 1 :] if s not in screen.mine]
        assert rest == sorted(rest, key=lambda s: -ranking.scores[s])
        assert "learnt from your 1 incl., 1 excl." in shown(app, "#meta")


async def test_the_ranking_ignores_the_other_reviewers_decisions(demo: Path) -> None:
    with open_project(demo) as project:
        ids = project.store.links.study_ids()
        for study in ids[:6]:
            review.decide(
                project,
                NewDecision(study, TA, "bob", Verdict.INCLUDE if study % 2 else Verdict.EXCLUDE),
            )
    app = make_app(demo, order="ranked")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.order is not None and not screen.order.ranking.learnt  # bob's don't count
        assert "by highlight terms" in shown(app, "#meta")


async def test_other_orders_show_no_relevance(demo: Path) -> None:
    app = make_app(demo, order="import")
    async with app.run_test(size=SIZE):
        await app.workers.wait_for_complete()
        assert "relevance" not in shown(app, "#meta")


async def test_the_dashboard_shows_the_stopping_aid(demo: Path) -> None:
    with open_project(demo) as project:
        for i, study in enumerate(project.store.links.study_ids()[:5]):
            review.decide(
                project,
                NewDecision(study, TA, "alice", Verdict.INCLUDE if i == 0 else Verdict.EXCLUDE),
            )
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app, "#stopping")
        assert "Stopping aid" in text
        assert "5 of 21 screened · 1 included or maybe · 4 screened since the last include" in text


async def test_the_ranked_queue_opens_on_the_top_ranked_study_never_before_the_scores(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the model's ranking arrives the screen says it is ranking and shows no study;
    then it shows the study the ranking puts first (the demo: 1 include, 1 exclude)."""
    with open_project(demo) as project:
        ids = project.store.links.study_ids()
        review.decide(project, NewDecision(ids[0], TA, "alice", Verdict.INCLUDE))
        review.decide(project, NewDecision(ids[1], TA, "alice", Verdict.EXCLUDE))
    go = threading.Event()
    retrain = SessionRanking.retrain

    def held(self: SessionRanking, stage: Stage, publish: object) -> None:
        go.wait(10)
        retrain(self, stage, publish)  # type: ignore[arg-type]

    monkeypatch.setattr(SessionRanking, "retrain", held)
    monkeypatch.setattr(ScreeningScreen, "WARM_GRACE", 60)  # the model's ranking, not the warm-up
    app = make_app(demo, order="ranked")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.pause()
        assert screen.current is None and "Ranking the studies" in shown(app, "#title")
        await pilot.press("i")  # nothing shown: nothing decided
        go.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        order = app.ranking.latest[TA]
        assert order.final and order.ranking.learnt
        open_ = {s: v for s, v in order.ranking.scores.items() if s not in ids[:2]}
        assert screen.current == max(open_, key=lambda s: open_[s])
        assert "top 1%" in shown(app, "#meta") or "top 5%" in shown(app, "#meta")
    assert set(mine(demo)) == set(ids[:2])


async def test_a_slow_model_shows_the_highlight_order_plainly_labelled(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_project(demo) as project:
        ids = project.store.links.study_ids()
        review.decide(project, NewDecision(ids[0], TA, "alice", Verdict.INCLUDE))
        review.decide(project, NewDecision(ids[1], TA, "alice", Verdict.EXCLUDE))
    go = threading.Event()
    features = ranking_module.project_features

    def slow_features(project: object) -> object:
        go.wait(10)
        return features(project)  # type: ignore[arg-type]

    monkeypatch.setattr("screener.tui.ranking.project_features", slow_features)
    monkeypatch.setattr("screener.tui.ranking.ranking_process", InProcess)  # sees the patch
    monkeypatch.setattr(ScreeningScreen, "WARM_GRACE", 0.05)
    app = make_app(demo, order="ranked")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        for _ in range(100):  # the grace timer fires after 0.05 s; a loaded host is slower
            await pilot.pause(0.05)
            if screen.current is not None:
                break
        assert screen.current is not None
        assert "the ranking is warming up" in shown(app, "#meta")
        assert "ranking warming up" in shown(app, "#progress-label")
        go.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "learnt from your 1 incl., 1 excl." in shown(app, "#meta")


async def test_the_ranking_runs_in_its_own_process_stopped_with_the_app(demo: Path) -> None:
    with open_project(demo) as project:
        ids = project.store.links.study_ids()
        review.decide(project, NewDecision(ids[0], TA, "alice", Verdict.INCLUDE))
        review.decide(project, NewDecision(ids[1], TA, "alice", Verdict.EXCLUDE))
    app = make_app(demo, order="ranked")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        (process,) = ranking_processes()
        assert process.pid != os.getpid()
        assert app.ranking.latest[TA].final and app.ranking.latest[TA].ranking.learnt
        screen = app.screen
        assert isinstance(screen, ScreeningScreen) and screen.current is not None
        # a ranking process that dies (killed, out of memory) is started again by the next
        # retrain; the screen keeps its order meanwhile and goes on taking decisions
        os.kill(process.pid, signal.SIGKILL)
        process.join(5)
        shown_before = screen.current
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.current != shown_before
        (again,) = ranking_processes()
        assert again.pid != process.pid and app.ranking.latest[TA].final
    assert ranking_processes() == []  # quitting stops it
    assert len(mine(demo)) == 4
