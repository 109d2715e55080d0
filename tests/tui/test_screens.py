"""Pilot tests of the TUI: every binding and flow, driven as a reviewer would."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import ScreenerError
from screener.models import LinkMethod, LinkVerdict, NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.screening import ranking, studies
from screener.store import NewDedupEvent
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.terms import TermsModal
from screener.tui.screens.conflicts import ConflictsScreen
from screener.tui.screens.dashboard import DashboardScreen
from screener.tui.screens.duplicates import DuplicatesScreen
from screener.tui.screens.help import HelpScreen
from screener.tui.screens.history import HistoryScreen
from screener.tui.screens.screening import ScreeningScreen
from screener.tui.screens.search import SearchScreen
from tests.tui.helpers import all_text, demo_copy, make_app, shown

SIZE = (100, 32)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return demo_copy(tmp_path)


def mine(path: Path, reviewer: str = "alice", stage: Stage = Stage.TITLE_ABSTRACT) -> dict:
    with open_project(path) as project:
        return studies.my_decisions(project, reviewer, stage)


def both_include(path: Path, *studies: int) -> None:
    with open_project(path) as project:
        for study in studies:
            for who in ("alice", "bob"):
                review.decide(
                    project, NewDecision(study, Stage.TITLE_ABSTRACT, who, Verdict.INCLUDE)
                )


async def test_include_is_saved_before_the_next_study_is_shown(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        first, first_title = screen.current, shown(app, "#title")
        await pilot.press("i")
        assert mine(demo)[first].verdict is Verdict.INCLUDE
        assert screen.current != first and shown(app, "#title") != first_title
        assert f"Saved: include · study {first}" in shown(app, "#decision")
        await pilot.press("right", "left", "m")
    decided = mine(demo)
    assert [decided[s].verdict for s in sorted(decided)][:4] == [
        Verdict.INCLUDE,
        Verdict.INCLUDE,
        Verdict.EXCLUDE,
        Verdict.MAYBE,
    ]


async def test_exclusion_reason_picker_with_number_keys(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("r")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("2")
        assert isinstance(app.screen, ScreeningScreen)
    decision = mine(demo)[study]
    assert decision.verdict is Verdict.EXCLUDE and decision.reasons == ("no_secretome",)


async def test_escape_cancels_the_reason_picker(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "escape")
        assert isinstance(app.screen, ScreeningScreen)
    assert mine(demo) == {}


async def test_full_text_exclusion_requires_a_reason(demo: Path) -> None:
    both_include(demo, 1)
    with open_project(demo) as project:  # a full-text decision needs the report retrieved
        review.set_retrieval(project, 1, RetrievalStatus.RETRIEVED, "alice")
    app = make_app(demo, stage=Stage.FULL_TEXT)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.current == 1
        await pilot.press("e")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("1")
        await pilot.press("m")  # no maybe at full text: nothing happens
    decision = mine(demo, stage=Stage.FULL_TEXT)[1]
    assert decision.verdict is Verdict.EXCLUDE and decision.reasons == ("design",)


async def test_tags_with_filter_multi_select_and_a_new_term(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("t", "2")  # vocabulary 2: model
        assert isinstance(app.screen, TermsModal)
        await pilot.press(*"rab", "enter")  # filter to rabbit, toggle it
        await pilot.press(*"zebrafish", "ctrl+n")  # a new term (model is open)
        await pilot.press("escape")
        assert "model: rabbit, zebrafish" in shown(app, "#decision")
        await pilot.press("i")
    assert mine(demo)[study].tags == {"model": ("rabbit", "zebrafish")}
    with open_project(demo) as project:
        assert "zebrafish" in review.vocabulary_terms(project)["model"]


async def test_closed_vocabulary_refuses_a_new_term(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "4")  # fraction: closed
        await pilot.press(*"plasma", "ctrl+n", "escape", "i")
    decided = list(mine(demo).values())
    assert decided[0].tags == {}


async def test_tagging_a_decided_study_saves_a_new_event(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("i", "k")  # decide, then go back to it
        assert app.screen.current == study
        await pilot.press("t", "1", *"bone", "enter", "escape")
    assert mine(demo)[study].tags == {"tissue": ("bone",)}
    assert mine(demo)[study].verdict is Verdict.INCLUDE


async def test_note_is_kept_with_the_decision(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("n", *"check dose", "enter")
        assert "note check dose" in shown(app, "#decision")
        await pilot.press("e")
    assert mine(demo)[study].note == "check dose"


async def test_undo_withdraws_the_last_decision_and_shows_it_again(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("i", "u")
        assert app.screen.current == study
        assert "Undone" in shown(app, "#decision")
        await pilot.press("u")  # nothing left: a notice, no change
    assert mine(demo) == {}


async def test_j_and_k_move_without_deciding(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.press("j", "j", "down")
        assert screen.position == 3
        await pilot.press("k", "up")
        assert screen.position == 1
    assert mine(demo) == {}


async def test_search_jumps_to_a_study(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        await pilot.press(*"spinal cord", "enter")
        assert search.found and "stud" in shown(app, "#search-status")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        assert app.screen.current == search.found[0]
        assert "spinal" in (shown(app, "#title") + shown(app, "#abstract")).lower()


async def test_blind_screening_hides_the_other_reviewers_decision(demo: Path) -> None:
    with open_project(demo) as project:
        review.decide(
            project,
            NewDecision(
                1,
                Stage.TITLE_ABSTRACT,
                "bob",
                Verdict.EXCLUDE,
                ("design",),
                {"model": ("bobs-zebrafish",)},
                "BOB-SECRET-NOTE",
            ),
        )
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.current == 1
        text = all_text(app)
        assert "BOB-SECRET-NOTE" not in text and "bobs-zebrafish" not in text
        assert "design" not in shown(app, "#decision")
        assert "Not decided yet" in shown(app, "#decision")
        await pilot.press("i")
        assert "BOB-SECRET-NOTE" not in all_text(app)


async def test_conflict_is_shown_unblinded_and_resolved(demo: Path) -> None:
    with open_project(demo) as project:
        review.decide(project, NewDecision(1, Stage.TITLE_ABSTRACT, "alice", Verdict.INCLUDE))
        review.decide(
            project,
            NewDecision(
                1, Stage.TITLE_ABSTRACT, "bob", Verdict.EXCLUDE, ("design",), note="a review"
            ),
        )
    app = make_app(demo, start="conflicts")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ConflictsScreen)
        detail = shown(app, "#detail")
        assert "alice" in detail and "bob" in detail and "a review" in detail
        await pilot.press("n", *"consensus", "enter", "i")
        assert "No conflicts waiting" in shown(app, "#detail")
    with open_project(demo) as project:
        (resolution,) = project.store.events.resolutions()
    assert (resolution.verdict, resolution.resolver, resolution.note) == (
        Verdict.INCLUDE,
        "alice",
        "consensus",
    )


async def test_duplicate_review_same_and_undo(demo: Path) -> None:
    with open_project(demo) as project:
        project.store.links.add_events(
            [NewDedupEvent(2, 3, LinkVerdict.REVIEW, LinkMethod.RULE, 0.7, "title alike")]
        )
    app = make_app(demo, start="duplicates")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DuplicatesScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Pair 1 of 1" in shown(app, "#pair-status")
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No duplicate pairs awaiting review" in shown(app, "#pair-status")
        with open_project(demo) as project:
            assert project.store.links.study_of(3) == 2
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Pair 1 of 1" in shown(app, "#pair-status")
        await pilot.press("x")
        await app.workers.wait_for_complete()
    with open_project(demo) as project:
        assert project.store.links.study_of(3) == 3


async def test_duplicates_screen_shows_related_items(demo: Path) -> None:
    with open_project(demo) as project:
        project.store.links.add_events(
            [
                NewDedupEvent(2, 3, LinkVerdict.REVIEW, LinkMethod.RULE, 0.7, "title alike"),
                NewDedupEvent(
                    3, 4, LinkVerdict.RELATED, LinkMethod.RULE, 0.9, "", rule="correction_notice"
                ),
                NewDedupEvent(
                    5, 6, LinkVerdict.RELATED, LinkMethod.RULE, 0.9, "", rule="preprint_version"
                ),
            ]
        )
    app = make_app(demo, start="duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app, "#pair-table")
        assert "correction: record 3 ↔ record 4" in text  # record 3 is in the pair
        assert "preprint" not in text  # not about this pair
        await pilot.press("x")  # decided: nothing awaits review, every related link shown
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app, "#pair-table")
        assert "correction: record 3 ↔ record 4" in text and "preprint: record 5" in text


async def test_full_text_retrieval_marks(demo: Path, tmp_path: Path) -> None:
    both_include(demo, 1, 2)
    (demo / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    app = make_app(demo, stage=Stage.FULL_TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "3", *"paywalled", "enter")  # not retrieved, with a reason
        assert "not retrieved (paywalled)" in shown(app, "#decision")
        await pilot.press("j", "f", "2", *"paper.pdf", "enter")  # retrieved, with the PDF
        assert "paper.pdf" in shown(app, "#decision")
    with open_project(demo) as project:
        marks = {r.record_id: r for r in project.store.events.retrievals()}
    assert marks[1].status is RetrievalStatus.NOT_RETRIEVED and marks[1].reason == "paywalled"
    assert marks[2].status is RetrievalStatus.RETRIEVED and marks[2].pdf_path == "paper.pdf"


async def test_history_filters_and_jumps_to_a_decision(demo: Path) -> None:
    with open_project(demo) as project:
        review.decide(project, NewDecision(1, Stage.TITLE_ABSTRACT, "alice", Verdict.INCLUDE))
        review.decide(project, NewDecision(2, Stage.TITLE_ABSTRACT, "alice", Verdict.EXCLUDE))
    app = make_app(demo, start="history")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and len(screen.rows) == 2
        await pilot.press("e")
        assert [d.record_id for d in screen.rows] == [2]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen) and app.screen.current == 2
        await pilot.press("i")  # change it
    assert mine(demo)[2].verdict is Verdict.INCLUDE


async def test_dashboard_shows_progress_and_kappa(demo: Path) -> None:
    with open_project(demo) as project:
        for study, a, b in (
            (1, "include", "include"),
            (2, "exclude", "exclude"),
            (3, "include", "exclude"),
            (4, "exclude", "exclude"),
        ):
            review.decide(project, NewDecision(study, Stage.TITLE_ABSTRACT, "alice", Verdict(a)))
            review.decide(project, NewDecision(study, Stage.TITLE_ABSTRACT, "bob", Verdict(b)))
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DashboardScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(app, "#figures")
        assert "alice / bob" in text and "75.0" in text  # 3 of 4 agree
        assert "0.50" in text  # kappa = (0.75 - 0.5) / (1 - 0.5)
        await pilot.press("s")
        assert isinstance(app.screen, ScreeningScreen)


async def test_help_lists_every_binding(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = shown(app, "#keys")
        for binding in ScreeningScreen.BINDINGS:
            if binding.description and binding.id:  # type: ignore[union-attr]
                assert binding.id in text  # type: ignore[union-attr]
        assert "[keys]" in text


async def test_keys_are_remapped_from_the_protocol(demo: Path) -> None:
    protocol = demo / "protocol.toml"
    protocol.write_text(
        protocol.read_text(encoding="utf-8") + '\n[keys]\ninclude = "y"\n', encoding="utf-8"
    )
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("i")  # no longer include
        assert mine(demo) == {}
        await pilot.press("y")
    assert mine(demo)[study].verdict is Verdict.INCLUDE


async def test_command_palette_offers_the_screens_and_actions(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.screen)]
    assert "Resolve conflicts" in titles and "Review duplicates" in titles
    assert any(t.startswith("Include") for t in titles)


async def test_ranked_order_shows_the_best_highlight_score_first(demo: Path) -> None:
    with open_project(demo) as project:
        scores = ranking.highlight_scores(project)
    app = make_app(demo, order="ranked")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        ranks = [scores.get(s, 0.0) for s in screen.ids]
        assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]


async def test_random_order_is_the_same_for_the_same_seed(demo: Path) -> None:
    orders = []
    for _ in range(2):
        app = make_app(demo, order="random", seed=7)
        async with app.run_test(size=SIZE):
            orders.append(list(app.screen.ids))  # type: ignore[attr-defined]
    assert orders[0] == orders[1] and orders[0] != sorted(orders[0])


async def test_keys_are_remapped_from_the_user_config(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nexclude = "x"\n', encoding="utf-8")
    monkeypatch.setenv("SCREENER_CONFIG", str(config))
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        study = app.screen.current
        await pilot.press("x")
    assert mine(demo)[study].verdict is Verdict.EXCLUDE


def test_a_broken_user_config_is_a_plain_error(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[keys\n", encoding="utf-8")
    monkeypatch.setenv("SCREENER_CONFIG", str(config))
    with pytest.raises(ScreenerError, match="config.toml: cannot read the config file"):
        make_app(demo)
