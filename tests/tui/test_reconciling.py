"""Reviewing together in the TUI: tag conflicts resolved to consensus tags, reason labels in
conflicts, the study detail (blind, then unblinded; the records and their databases; a
wrong merge split), and the dashboard's blind view of other reviewers."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.dedup.service import study_records
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.screening.tags import TagStatus, tag_states
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.study import StudyModal
from screener.tui.screens.conflicts import ConflictsScreen
from screener.tui.screens.dashboard import DashboardScreen
from tests.tui.helpers import demo_copy, make_app, plain, settle, shown

SIZE = (120, 40)
TA = Stage.TITLE_ABSTRACT


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = demo_copy(tmp_path)
    with open_project(path) as project:
        review.decide(
            project, NewDecision(3, TA, "alice", Verdict.INCLUDE, (), {"tissue": ("skin/wound",)})
        )
        review.decide(
            project, NewDecision(3, TA, "bob", Verdict.INCLUDE, (), {"tissue": ("bone",)})
        )
        review.decide(project, NewDecision(1, TA, "alice", Verdict.INCLUDE))
        review.decide(project, NewDecision(1, TA, "bob", Verdict.EXCLUDE, ("not_msc",)))
    return path


async def test_tag_conflict_side_by_side_and_resolved_to_consensus_tags(demo: Path) -> None:
    app = make_app(demo, start="conflicts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        kinds = [(c.study_id, c.tags is not None) for c in screen.conflicts]
        assert kinds == [(1, False), (3, True)]
        await pilot.press("j")
        detail = shown(app, "#detail")
        assert "tag conflict" in detail
        assert "≠ tissue" in detail and "skin/wound" in detail and "bone" in detail
        await pilot.press("t")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("2")  # take bob's tags
        await settle(pilot)
        assert [c.study_id for c in screen.conflicts] == [1]
    with open_project(demo) as project:
        tags = tag_states(project, [3])[3]
    assert tags.status is TagStatus.RESOLVED and tags.tags == {"tissue": ("bone",)}


async def test_consensus_tags_chosen_vocabulary_by_vocabulary(demo: Path) -> None:
    app = make_app(demo, start="conflicts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "t", "4")  # choose them: the draft holds every tag given
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("2")  # tissue
        await pilot.press("down", "enter", "escape")  # untick bone: skin/wound stays
        await pilot.press("1")  # save
        await settle(pilot)
    with open_project(demo) as project:
        assert tag_states(project, [3])[3].tags == {"tissue": ("skin/wound",)}


async def test_conflicts_show_the_protocols_reason_labels(demo: Path) -> None:
    app = make_app(demo, start="conflicts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = shown(app, "#detail")
        assert "Source cells are not mesenchymal stem cells" in detail
        assert "not_msc" not in detail


async def test_study_detail_is_blind_until_the_review_is_complete(demo: Path) -> None:
    with open_project(demo) as project:
        review.decide(project, NewDecision(5, TA, "bob", Verdict.EXCLUDE, note="bob's note"))
    app = make_app(demo, order="import")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.show_study(5)  # type: ignore[attr-defined]
        await pilot.press("v")
        assert isinstance(app.screen, StudyModal)
        text = shown(app, "#study-text")
        assert "Blind until the review of this stage is complete" in text
        assert "1 of 2 reviewer(s) decided" in text
        assert "bob" not in text and "bob's note" not in text
        await pilot.press("escape", "e")  # alice decides: the review is complete
        screen.show_study(5)  # type: ignore[attr-defined]
        await pilot.press("v")
        text = shown(app, "#study-text")
        assert "Blind" not in text.split("Full text")[0]
        assert "bob" in text and "bob's note" in text and "2 of 2 reviewer(s) decided" in text


async def test_study_detail_lists_the_records_with_their_databases_and_splits_one(
    demo: Path,
) -> None:
    with open_project(demo) as project:
        records = study_records(project, 3)
    assert len(records) == 2
    app = make_app(demo, start="conflicts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "v")
        text = shown(app, "#study-text")
        assert "PubMed" in text and "ScienceDirect" in text
        assert "Journal Article" in text and "JOUR" not in text  # one name for one type
        await pilot.press("s", "2", "1")  # record 2 of the study: split off, confirmed
        await pilot.pause()
        assert "1 record(s)" in shown(app, "#study-text")
    with open_project(demo) as project:
        assert [r.id for r in study_records(project, records[0].id)] == [records[0].id]
        assert [r.id for r in study_records(project, records[1].id)] == [records[1].id]


async def test_the_dashboard_shows_others_progress_not_their_verdicts(demo: Path) -> None:
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        figures = plain(app.screen.query_one("#figures").content)  # type: ignore[attr-defined]
        table = figures.split("Decisions by reviewer")[1].split("Agreement")[0]
        alice = next(line for line in table.splitlines() if " alice " in line)
        bob = next(line for line in table.splitlines() if " bob " in line)
        assert alice.split()[-4:] == ["2", "2", "0", "0"]  # decided, include, maybe, exclude
        assert bob.split()[-4:] == ["2", "·", "·", "·"]
