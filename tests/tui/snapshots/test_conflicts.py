"""Snapshots of the conflicts screen: a verdict conflict (both reviewers side by side, the
reasons by their labels), a tag conflict (their tags side by side) and the consensus tags
dialog."""

from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_conflicts_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="conflicts")
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_tag_conflict(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="conflicts")
    assert snap_compare(app, terminal_size=size, press=["j", "j"], run_before=settle)


def test_consensus_tags_dialog(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="conflicts")
    assert snap_compare(app, terminal_size=size, press=["j", "j", "t"], run_before=settle)
