"""Snapshot of the extraction screen comparing two reviewers' values."""

from __future__ import annotations

from pathlib import Path

from screener.extraction import service as extraction
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from tests.tui.helpers import SNAPSHOT_SIZE, make_app, settle


def test_extraction_comparison(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
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
    app = make_app(demo, start="extraction")
    assert snap_compare(app, terminal_size=SNAPSHOT_SIZE, press=["v"], run_before=settle)
