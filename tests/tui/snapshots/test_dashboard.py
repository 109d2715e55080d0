"""Snapshots of the dashboard, its export menu and the command palette."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_dashboard_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="dashboard")
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_export_menu(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="dashboard")
    assert snap_compare(app, terminal_size=size, press=["x"], run_before=settle)


def test_command_palette(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="dashboard")
    assert snap_compare(app, terminal_size=size, press=["ctrl+p", "wait:300"], run_before=settle)
