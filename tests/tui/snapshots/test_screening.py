"""Snapshots of the screening screen at both stages and its dialogs (reason and tag pickers)."""

from __future__ import annotations

from pathlib import Path

from screener.models import Stage
from tests.tui.helpers import SNAPSHOT_SIZE, make_app, settle


def test_screening_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, "bob"), terminal_size=SNAPSHOT_SIZE, run_before=settle)


def test_reason_picker(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, press=["r"], run_before=settle)


def test_tag_picker(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    keys = ["t", "3", "a", "n", "g"]
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, press=keys, run_before=settle)


def test_full_text_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, stage=Stage.FULL_TEXT)
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, run_before=settle)
