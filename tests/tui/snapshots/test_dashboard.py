"""Snapshots of the dashboard and its export menu."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import SNAPSHOT_SIZE, make_app, settle


def test_dashboard_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="dashboard")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, run_before=settle)


def test_export_menu(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="dashboard")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, press=["x"], run_before=settle)
