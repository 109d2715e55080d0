"""Screening state derived from the decision event log: pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable

from screener.models import Decision, Stage, Verdict


def current_decisions(events: Iterable[Decision]) -> dict[tuple[int, Stage, str], Decision]:
    """The decision in force per (record, stage, reviewer): the latest event, unless that
    event is an undo, which leaves the record undecided for that reviewer."""
    latest: dict[tuple[int, Stage, str], Decision] = {}
    for event in sorted(events, key=lambda e: e.id):
        latest[(event.record_id, event.stage, event.reviewer)] = event
    return {key: d for key, d in latest.items() if d.verdict is not Verdict.UNDO}
