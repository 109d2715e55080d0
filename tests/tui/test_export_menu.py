"""Pilot tests of the export menu: it lists every kind, writes the one chosen in a worker,
shows what it wrote or why it could not, and never changes the project."""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy
from textual.widgets import OptionList

from screener.exports.registry import all_kinds
from screener.project import open_project
from screener.tui.modals.export import KEYS, ExportModal
from screener.tui.screens.dashboard import DashboardScreen
from tests.exports.test_references import screened_demo
from tests.tui.helpers import make_app, plain, shown

SIZE = (100, 32)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path, _ = screened_demo(tmp_path)
    monkeypatch.chdir(tmp_path)  # exports/<project>/ is relative to the working folder
    return path


def _dump(path: Path) -> str:
    with open_project(path) as project:
        return project.store.dump()


def _key_of(name: str) -> str:
    return KEYS[[kind.name for kind in all_kinds()].index(name)]


async def test_x_opens_the_menu_with_every_kind(demo: Path) -> None:
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        assert isinstance(app.screen, ExportModal)
        options = app.screen.query_one("#export-kinds", OptionList)
        texts = [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        kinds = all_kinds()
        assert len(texts) == len(kinds)
        for text, kind in zip(texts, kinds, strict=True):
            assert kind.name in text and kind.summary in " ".join(text.split())
            assert f"exports/demo/{kind.file_name()}" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_choosing_a_kind_writes_it(demo: Path, tmp_path: Path) -> None:
    before = _dump(demo)
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", _key_of("ris"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = shown(app, "#export-status")
    target = tmp_path / "exports" / "demo" / "included.ris"
    assert "Wrote ris:" in status and str(target.resolve()) in status
    assert len(rispy.loads(target.read_text(encoding="utf-8"))) == 2
    assert _dump(demo) == before  # an export never changes the project


async def test_arrows_and_enter_choose_too(demo: Path, tmp_path: Path) -> None:
    app = make_app(demo, start="dashboard")
    position = [kind.name for kind in all_kinds()].index("asreview")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", *["down"] * position, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Wrote asreview:" in shown(app, "#export-status")
    assert (tmp_path / "exports" / "demo" / "asreview.csv").is_file()


async def test_an_unwritable_target_shows_the_error(demo: Path, tmp_path: Path) -> None:
    (tmp_path / "exports").write_text("a file where the folder should be", encoding="utf-8")
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", _key_of("bibtex"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = shown(app, "#export-status")
        assert isinstance(app.screen, ExportModal)  # still open, showing why
    assert status.startswith("bibtex failed: ") and "is a file, not a folder" in status


async def test_the_key_can_be_remapped(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nopen-export = "ctrl+e"\n', encoding="utf-8")
    monkeypatch.setenv("SCREENER_CONFIG", str(config))
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        assert not isinstance(app.screen, ExportModal)
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ExportModal)


async def test_the_command_palette_opens_the_menu(demo: Path) -> None:
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Export" in commands
        (export,) = [c for c in app.get_system_commands(app.screen) if c.title == "Export"]
        export.callback()
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)


async def test_closing_while_writing_still_tells_how_it_went(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from screener.exports.kinds import ExportKind, Options, Progress, Written
    from screener.tui.modals import export

    release = threading.Event()

    def slow(
        project: object, target: Path, options: Options, progress: Progress | None = None
    ) -> Written:
        assert release.wait(10)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("done", encoding="utf-8")
        return Written((target,))

    monkeypatch.setattr(export, "all_kinds", lambda: [ExportKind("slow", "Slow", "s.txt", slow)])
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "1")
        assert "Writing slow to exports/demo/s.txt…" in shown(app, "#export-status")
        await pilot.press("1")  # one export at a time: ignored
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert messages == [f"Wrote slow: {(tmp_path / 'exports/demo/s.txt').resolve()}"]
