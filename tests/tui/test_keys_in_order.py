"""Every key is handled, in the order typed: keys typed 80 ms apart on a busy host (each
dialog takes 200 ms to open), through the terminal's byte stream as Textual's driver parses
it (Esc then a key within 100 ms arrives as an Alt key)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual._xterm_parser import XTermParser

from screener.models import Stage, Verdict
from screener.project import open_project
from screener.screening import studies
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.terms import TermsModal
from screener.tui.screens.screening import ScreeningScreen
from tests.tui.helpers import demo_copy, make_app

GAP = 0.08
ESC = "\x1b"


@pytest.fixture
def slow_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each dialog blocks the UI thread for 200 ms while it is composed."""
    for dialog in (ChoiceModal, PromptModal, TermsModal):

        def compose(self: object, original: object = dialog.compose) -> Iterator[object]:
            time.sleep(0.2)
            yield from original(self)  # type: ignore[operator]

        monkeypatch.setattr(dialog, "compose", compose)


def type_bytes(app: object, text: str) -> threading.Thread:
    """Type ``text`` 80 ms a character, as the terminal driver's input thread reads it."""
    driver = app._driver  # type: ignore[attr-defined]

    def run() -> None:
        parser = XTermParser()
        for character in text:
            for event in parser.feed(character):
                driver.send_message(event)
            until = time.monotonic() + GAP
            while time.monotonic() < until:
                time.sleep(0.01)
                for event in parser.tick():
                    driver.send_message(event)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def test_keys_typed_80_ms_apart_while_dialogs_open_are_all_handled(
    tmp_path: Path, slow_dialogs: None
) -> None:
    demo = demo_copy(tmp_path)
    app = make_app(demo, order="import")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.pause()
        queue = list(screen.ids[:5])
        keys = (
            f"t{ESC}e"  # open the tag dialog, close it, exclude
            "r1"  # exclude with the first reason
            f"t1{ESC}i"  # the first vocabulary's terms, done with none, include
            "nok\r" + "m"  # a note, then maybe
            "i"
        )
        typing = type_bytes(app, keys)
        while typing.is_alive():
            await asyncio.sleep(0.02)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, ScreeningScreen)
    with open_project(demo) as project:
        mine = studies.my_decisions(project, "alice", Stage.TITLE_ABSTRACT)
    made = [(mine[s].verdict, mine[s].reasons, mine[s].note) for s in queue if s in mine]
    assert made == [
        (Verdict.EXCLUDE, (), ""),
        (Verdict.EXCLUDE, ("design",), ""),
        (Verdict.INCLUDE, (), ""),
        (Verdict.MAYBE, (), "ok"),
        (Verdict.INCLUDE, (), ""),
    ]


async def test_alt_keys_are_esc_then_the_key(tmp_path: Path) -> None:
    """What a terminal sends for Esc then e typed fast (alt+e) excludes the study."""
    demo = demo_copy(tmp_path)
    app = make_app(demo, order="import")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        first = screen.current
        await pilot.press("n")
        assert isinstance(app.screen, PromptModal)
        await pilot.press("alt+e")
        assert app.screen is screen
    with open_project(demo) as project:
        mine = studies.my_decisions(project, "alice", Stage.TITLE_ABSTRACT)
    assert first is not None and mine[first].verdict is Verdict.EXCLUDE
