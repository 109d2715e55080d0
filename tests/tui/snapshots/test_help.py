"""Snapshots of the help screen, at its top and scrolled down."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_help_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="help")
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_help_scrolled(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="help")
    assert snap_compare(app, terminal_size=size, press=["pagedown"], run_before=settle)
