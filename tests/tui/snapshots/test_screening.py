"""Snapshots of the screening screen at both stages and its dialogs: reasons, tags (the
vocabulary, then its terms), note, limit, the study detail (blind and unblinded), the
retrieval mark and its PDF path (refused), and the confirmation a full-text decision on a
report not marked retrieved asks for."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from screener.models import Stage
from screener.tui.screens.screening import ScreeningScreen
from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_screening_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, "bob"), terminal_size=size, run_before=settle)


def test_reason_picker(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=size, press=["r"], run_before=settle)


def test_tag_vocabulary_picker(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=size, press=["t"], run_before=settle)


def test_tag_picker(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    keys = ["t", "3", "a", "n", "g"]
    assert snap_compare(app, terminal_size=size, press=keys, run_before=settle)


def test_note_prompt(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=size, press=["n", *"ok"], run_before=settle)


def test_limit_prompt(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=size, press=["l", *"maybe"], run_before=settle)


def test_study_detail_blind(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Bob's first study in his queue: nobody else has decided it; blind."""
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=size, press=["v"], run_before=settle)


def test_study_detail_unblinded(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def on_study_3(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ScreeningScreen)
        screen.show_study(3)
        await pilot.press("v")
        await pilot.pause()

    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=size, run_before=on_study_3)


def test_full_text_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, stage=Stage.FULL_TEXT)
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_retrieval_dialog(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, stage=Stage.FULL_TEXT)
    assert snap_compare(app, terminal_size=size, press=["f"], run_before=settle)


def test_pdf_path_refused(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, stage=Stage.FULL_TEXT)
    keys = ["f", "2", *"papers/missing.pdf", "enter"]
    assert snap_compare(app, terminal_size=size, press=keys, run_before=settle)


def test_mark_retrieved_confirmation(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, stage=Stage.FULL_TEXT)
    assert snap_compare(app, terminal_size=size, press=["i"], run_before=settle)
