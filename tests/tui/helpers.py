"""Helpers for the TUI tests: a demo project per test, the decisions the snapshots show,
and reading what a screen shows."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from screener.demo import make_demo
from screener.models import LinkMethod, LinkVerdict, NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.store import NewDedupEvent
from screener.tui.app import ScreenerApp

# Snapshots of every screen and dialog are taken at 80x24 and at 160x48 (the ``size`` fixture
# of tests/tui/snapshots) with the cursor blink off. After a deliberate change of a screen,
# run `pytest --snapshot-update` and look at the new pictures.
SNAPSHOT_SIZES = {"80x24": (80, 24), "160x48": (160, 48)}


def demo_copy(tmp_path: Path) -> Path:
    path, _ = make_demo(tmp_path / "demo")
    return path


def make_app(path: Path, reviewer: str = "alice", **options: object) -> ScreenerApp:
    return ScreenerApp(path, reviewer, cursor_blink=False, **options)  # type: ignore[arg-type]


def seed_snapshot_project(path: Path) -> None:
    """Alice's and Bob's title/abstract decisions on studies 1-4 (conflicts on 1 and 4, a
    tag conflict on 3: skin/wound against bone) and an uncertain duplicate pair (records 5
    and 6) awaiting review."""
    with open_project(path) as project:
        for study, a, b in (
            (1, "include", "exclude"),
            (2, "exclude", "exclude"),
            (3, "include", "include"),
            (4, "maybe", "exclude"),
        ):
            note = "alice's note" if study == 1 else ""
            tags_a = {"tissue": ("skin/wound",), "model": ("mouse",)} if study == 3 else {}
            tags_b = {"tissue": ("bone",), "model": ("mouse",)} if study == 3 else {}
            review.decide(
                project,
                NewDecision(study, Stage.TITLE_ABSTRACT, "alice", Verdict(a), (), tags_a, note),
            )
            reasons = ("design",) if b == "exclude" else ()
            review.decide(
                project,
                NewDecision(study, Stage.TITLE_ABSTRACT, "bob", Verdict(b), reasons, tags_b),
            )
        project.store.links.add_events(
            [NewDedupEvent(5, 6, LinkVerdict.REVIEW, LinkMethod.RULE, 0.7, "title alike")]
        )


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the screen's workers (figures, index, ranking) and the repaint after them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def plain(content: object) -> str:
    """Text, or any Rich renderable (tables, groups) rendered as plain text."""
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def shown(app: App[None], selector: str) -> str:
    """The plain text of a Static on the current screen."""
    return plain(app.screen.query_one(selector, Static).content)


def all_text(app: App[None]) -> str:
    """Every Static's plain text on the current screen, for checks of what is visible."""
    parts = []
    for widget in app.screen.query(Static):
        parts.append(plain(widget.content))
    return "\n".join(parts)
