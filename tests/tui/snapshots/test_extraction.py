"""Snapshots of the extraction screen (comparing two reviewers' values), its single-choice
picker and a value refused in its dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from screener.extraction import service as extraction
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from tests.tui.helpers import make_app, settle

Size = tuple[int, int]
FRACTION, DOSE = 3, 6  # the demo form's fields


@pytest.fixture
def extracted(demo: Path) -> Path:
    with open_project(demo) as project:
        for who in ("alice", "bob"):
            review.decide(
                project, NewDecision(3, Stage.FULL_TEXT, who, Verdict.INCLUDE), mark_retrieved=True
            )
        alice = {
            "tissue": ["skin/wound"],
            "fraction": "exosomes",
            "dose": {"value": 100, "unit": "µg"},
        }
        extraction.record_values(project, 3, "alice", alice)
        extraction.record_values(
            project, 3, "bob", {"tissue": ["skin/wound"], "fraction": "conditioned medium"}
        )
    return demo


def on_field(index: int, *keys: str):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#extract-fields").highlighted = index  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run


def test_extraction_comparison(extracted: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(extracted, start="extraction")
    assert snap_compare(app, terminal_size=size, press=["v"], run_before=settle)


def test_single_choice_picker(extracted: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(extracted, start="extraction")
    assert snap_compare(app, terminal_size=size, run_before=on_field(FRACTION, "e"))


def test_value_refused(extracted: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(extracted, start="extraction")
    keys = ("e", "ctrl+u", *"5 g", "enter")
    assert snap_compare(app, terminal_size=size, run_before=on_field(DOSE, *keys))
