"""Snapshot of the help screen: every key of every screen."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import SNAPSHOT_SIZE, make_app, settle


def test_help_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="help")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, run_before=settle)
