"""Snapshot of the duplicates screen: a pair side by side with each record's database."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_duplicates_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="duplicates")
    assert snap_compare(app, terminal_size=size, run_before=settle)
