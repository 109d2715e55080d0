"""Snapshot of the history screen: the reviewer's decisions."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_history_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="history")
    assert snap_compare(app, terminal_size=size, run_before=settle)
