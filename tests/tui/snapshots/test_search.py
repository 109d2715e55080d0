"""Snapshot of the search screen with the results of a search and the reviewer's status."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.tui.helpers import make_app, settle

Size = tuple[int, int]


def test_search_screen(demo: Path, size: Size, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*"exosomes", "enter")
        await pilot.pause()

    app = make_app(demo, start="search")
    assert snap_compare(app, terminal_size=size, run_before=search)
