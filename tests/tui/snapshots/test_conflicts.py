"""Snapshot of the conflicts screen: both reviewers' decisions side by side."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import SNAPSHOT_SIZE, make_app, settle


def test_conflicts_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="conflicts")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, run_before=settle)
