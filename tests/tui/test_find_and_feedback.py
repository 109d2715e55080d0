"""Finding and revisiting (the queue and history limited by my verdict, tag, reason, words;
search results with my status), what the screens say back (Saved with reasons and tags,
g, a refused PDF path kept in its dialog, the retrieved mark asked for), the duplicates
screen's databases and types, and the layout at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from screener.models import LinkMethod, LinkVerdict, NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.screening import studies
from screener.store import NewDedupEvent
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.screens.help import HelpScreen
from screener.tui.screens.history import HistoryScreen
from screener.tui.screens.screening import ScreeningScreen
from tests.tui.helpers import all_text, demo_copy, make_app, settle, shown

SIZE = (120, 40)
TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = demo_copy(tmp_path)
    with open_project(path) as project:
        mine = {
            1: (Verdict.MAYBE, (), {"tissue": ("bone",)}),
            2: (Verdict.MAYBE, (), {}),
            3: (Verdict.EXCLUDE, ("design",), {}),
            4: (Verdict.INCLUDE, (), {"tissue": ("bone",)}),
        }
        for study, (verdict, reasons, tags) in mine.items():
            review.decide(project, NewDecision(study, TA, "alice", verdict, reasons, tags))
    return path


async def test_the_queue_is_limited_by_my_verdict_tag_reason_and_words(demo: Path) -> None:
    app = make_app(demo, order="import")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.press("l", *"maybe", "enter")
        assert screen.ids == [1, 2] and "limited to maybe" in shown(app, "#progress-label")
        await pilot.press("l", "ctrl+u", *"maybe tag:tissue=bone", "enter")
        assert screen.ids == [1]
        await pilot.press("l", "ctrl+u", *"reason:design", "enter")
        assert screen.ids == [3]
        await pilot.press("l", "ctrl+u", *"tag:nonsense", "enter")  # refused: the dialog stays
        assert isinstance(app.screen, PromptModal)
        assert "no vocabulary 'nonsense'" in shown(app, "#prompt-error")
        await pilot.press("ctrl+u", "enter")  # empty: no limit
        assert len(screen.ids) == 21


async def test_history_is_limited_and_search_results_show_my_status(demo: Path) -> None:
    app = make_app(demo, start="history")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press("l", *"tag:tissue", "enter")
        assert sorted(d.record_id for d in screen.rows) == [1, 4]
        await pilot.press("escape")
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"secretome", "enter")
        table = app.screen.query_one(DataTable)
        statuses = {
            str(table.get_row_at(i)[0]): table.get_row_at(i)[1].plain
            for i in range(table.row_count)
        }
        assert statuses["2"] == "TA maybe"  # blind: my verdict, no outcome
        assert all(status.startswith("TA ") for status in statuses.values())


async def test_saved_names_the_reason_and_tags_and_tag_changes_say_so(demo: Path) -> None:
    app = make_app(demo, order="import")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        study = screen.current
        await pilot.press("t", "1", *"skin", "enter", "escape")
        assert f"Noted for study {study}: tags tissue: skin/wound" in shown(app, "#decision")
        await pilot.press("r", "1")
        line = shown(app, "#decision")
        assert (
            f"Saved: exclude · Not primary research · tags tissue: skin/wound · study {study}"
            in line
        )


async def test_g_says_the_figures_are_refreshed(demo: Path) -> None:
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert "Figures up to date" in messages


async def test_a_refused_pdf_path_keeps_the_dialog_and_the_text(demo: Path) -> None:
    with open_project(demo) as project:
        review.decide(project, NewDecision(4, TA, "bob", Verdict.INCLUDE))
    app = make_app(demo, stage=FT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "2", *"papers/missing.pdf", "enter")
        assert isinstance(app.screen, PromptModal)
        assert app.screen.query_one(Input).value == "papers/missing.pdf"
        assert "no such file" in shown(app, "#prompt-error")
        (Path(demo) / "report.pdf").write_bytes(b"%PDF-1.4\n")
        await pilot.press("ctrl+u", *"report.pdf", "enter")
        assert isinstance(app.screen, ScreeningScreen)
        assert "report.pdf" in shown(app, "#decision")


async def test_a_full_text_decision_asks_to_record_the_retrieved_mark(demo: Path) -> None:
    with open_project(demo) as project:
        review.decide(project, NewDecision(4, TA, "bob", Verdict.INCLUDE))
    app = make_app(demo, stage=FT)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen) and screen.current == 4
        await pilot.press("i")
        assert isinstance(app.screen, ChoiceModal)  # nothing recorded yet
        with open_project(demo) as project:
            assert 4 not in studies.my_decisions(project, "alice", FT)
        await pilot.press("1")
    with open_project(demo) as project:
        assert studies.my_decisions(project, "alice", FT)[4].verdict is Verdict.INCLUDE
        assert studies.current_retrievals(project)[4].status == "retrieved"


async def test_duplicates_show_each_records_database_and_one_name_per_type(
    demo: Path,
) -> None:
    with open_project(demo) as project:
        project.store.links.add_events(
            [NewDedupEvent(5, 23, LinkVerdict.REVIEW, LinkMethod.RULE, 0.7, "title alike")]
        )
    app = make_app(demo, start="duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = shown(app, "#pair-table")
        database = next(line for line in table.splitlines() if "Database" in line)
        assert "PubMed" in database and "ScienceDirect" in database
        kind = next(line for line in table.splitlines() if "Type" in line)
        assert kind.count("Journal Article") == 2 and "JOUR" not in kind and "=" in kind


async def test_at_80x24_the_footer_keeps_help_and_quit_and_help_scrolls(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = [k.description for k in app.screen.query(FooterKey)]
        assert keys[:2] == ["Help", "Quit"]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#help")
        await pilot.press("pagedown")
        assert scroll.scroll_y > 0
        assert "Everywhere" in all_text(app)


async def test_at_80x24_a_long_tag_list_scrolls_inside_its_dialog_and_keeps_the_hint(
    demo: Path,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t", "1")  # the demo's tissue vocabulary: more terms than fit
        await settle(pilot)
        hint = app.screen.query_one("#terms-hint")
        terms = app.screen.query_one("#terms")
        assert hint.region.height == 1 and hint.region.bottom <= 24
        assert terms.region.bottom <= hint.region.y
        assert terms.option_count > terms.region.height  # it scrolls instead


async def test_the_command_palette_lists_export_and_keys_once(demo: Path) -> None:
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Export") == 1 and titles.count("Keys") == 1
        assert not any(t.startswith("Export (") for t in titles)
        assert "Refresh (g)" in titles  # the screen's own keys are still there


async def test_notifications_keep_off_the_decision_and_status_lines(demo: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause()
        app.notify("Saved somewhere")
        await pilot.pause(0.3)
        (toast,) = app.screen.query(Toast)
        decision = app.screen.query_one("#decision").region
        assert toast.region.bottom <= decision.y and toast.region.y >= 2  # below the header
