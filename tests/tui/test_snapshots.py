"""Snapshots of every screen and dialog at 100x32 (cursor blink off). After a deliberate
change of a screen, review the new pictures and run `pytest --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from screener.models import LinkMethod, LinkVerdict, NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.store import NewDedupEvent
from tests.tui.helpers import demo_copy, make_app

SIZE = (100, 32)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = demo_copy(tmp_path)
    with open_project(path) as project:
        for study, a, b in (
            (1, "include", "exclude"),
            (2, "exclude", "exclude"),
            (3, "include", "include"),
            (4, "maybe", "exclude"),
        ):
            review.decide(
                project,
                NewDecision(
                    study,
                    Stage.TITLE_ABSTRACT,
                    "alice",
                    Verdict(a),
                    note="alice's note" if study == 1 else "",
                ),
            )
            review.decide(
                project,
                NewDecision(
                    study,
                    Stage.TITLE_ABSTRACT,
                    "bob",
                    Verdict(b),
                    ("design",) if b == "exclude" else (),
                ),
            )
        project.store.links.add_events(
            [NewDedupEvent(5, 6, LinkVerdict.REVIEW, LinkMethod.RULE, 0.7, "title alike")]
        )
    return path


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_screening_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, "bob"), terminal_size=SIZE, run_before=settle)


def test_dashboard_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, start="dashboard"), terminal_size=SIZE, run_before=settle)


def test_conflicts_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, start="conflicts"), terminal_size=SIZE, run_before=settle)


def test_duplicates_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="duplicates")
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_history_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, start="history"), terminal_size=SIZE, run_before=settle)


def test_search_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*"exosomes", "enter")
        await pilot.pause()

    app = make_app(demo, start="search")
    assert snap_compare(app, terminal_size=SIZE, run_before=search)


def test_help_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(demo, start="help"), terminal_size=SIZE, run_before=settle)


def test_reason_picker(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=SIZE, press=["r"], run_before=settle)


def test_tag_picker(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, "bob")
    assert snap_compare(app, terminal_size=SIZE, press=["t", "3", "a", "n", "g"], run_before=settle)


def test_full_text_screen(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, stage=Stage.FULL_TEXT)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_extraction_comparison(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    from screener.extraction import service as extraction

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
    assert snap_compare(app, terminal_size=SIZE, press=["v"], run_before=settle)


def test_export_menu(demo: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo, start="dashboard")
    assert snap_compare(app, terminal_size=SIZE, press=["x"], run_before=settle)
