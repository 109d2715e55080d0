"""Snapshot of the history screen: the reviewer's own decisions."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import SNAPSHOT_SIZE, make_app, settle


def test_history_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="history")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, run_before=settle)
