"""Screening state derived from the event logs: pure functions, no database.

Decisions are made on studies (a study's id is its smallest record id). Events are mapped
to the study their record belongs to *now*, so merging or splitting duplicates later never
loses a decision: the latest event per (study, stage, reviewer) is in force.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from screener.models import (
    Decision,
    Resolution,
    Retrieval,
    RetrievalStatus,
    Stage,
    TagResolution,
    Verdict,
)

StudyOf = Callable[[int], int]


def event_order(
    event: Decision | Resolution | Retrieval | TagResolution,
) -> tuple[object, str, int]:
    """The order events were made in, the same in every copy of a project: by time, then
    uid (row ids differ between copies once events are synced)."""
    return (event.created_at, event.uid, event.id)


class StudyStatus(StrEnum):
    """Where a study stands at one stage."""

    UNSCREENED = "unscreened"  # no decision yet
    AWAITING = "awaiting"  # decided by fewer reviewers than it needs
    CONFLICT = "conflict"  # reviewers disagree and nobody has resolved it
    INCLUDED = "included"
    EXCLUDED = "excluded"


def current_decisions(events: Iterable[Decision]) -> dict[tuple[int, Stage, str], Decision]:
    """The decision in force per (record, stage, reviewer): the latest event, unless that
    event is an undo, which leaves the record undecided for that reviewer."""
    return study_decisions(events, lambda record_id: record_id)


def study_decisions(
    events: Iterable[Decision], study_of: StudyOf
) -> dict[tuple[int, Stage, str], Decision]:
    """The decision in force per (study, stage, reviewer), events mapped through ``study_of``."""
    latest: dict[tuple[int, Stage, str], Decision] = {}
    for event in sorted(events, key=event_order):
        latest[(study_of(event.record_id), event.stage, event.reviewer)] = event
    return {key: d for key, d in latest.items() if d.verdict is not Verdict.UNDO}


def resolutions_in_force(
    events: Iterable[Resolution], study_of: StudyOf
) -> dict[tuple[int, Stage], Resolution]:
    """The latest resolution per (study, stage), unless it was withdrawn (UNDO)."""
    latest: dict[tuple[int, Stage], Resolution] = {}
    for event in sorted(events, key=event_order):
        latest[(study_of(event.record_id), event.stage)] = event
    return {key: r for key, r in latest.items() if r.verdict is not Verdict.UNDO}


def retrievals_in_force(events: Iterable[Retrieval], study_of: StudyOf) -> dict[int, Retrieval]:
    """The latest retrieval event per study."""
    latest: dict[int, Retrieval] = {}
    for event in sorted(events, key=event_order):
        latest[study_of(event.record_id)] = event
    return latest


def includes(verdict: Verdict) -> bool:
    """Include and maybe both move a study on (maybe counts as include, as in Covidence)."""
    return verdict is not Verdict.EXCLUDE


def reviews_needed(study_key: str, *, dual: bool, second_review_percent: int) -> int:
    """How many independent decisions a study needs at each stage. With dual screening on a
    sample, whether a study is in the sample follows from its stable key alone, so every
    copy of the project picks the same studies."""
    if not dual:
        return 1
    if second_review_percent >= 100:
        return 2
    bucket = int.from_bytes(hashlib.sha256(study_key.encode()).digest()[:4], "big") % 100
    return 2 if bucket < second_review_percent else 1


def disagree(decisions: Sequence[Decision], stage: Stage) -> bool:
    """A conflict: include (or maybe) against exclude; at full text also exclusions for
    different reasons."""
    if len({includes(d.verdict) for d in decisions}) > 1:
        return True
    if stage is Stage.FULL_TEXT and decisions and not includes(decisions[0].verdict):
        return len({tuple(sorted(d.reasons)) for d in decisions}) > 1
    return False


@dataclass(frozen=True, slots=True)
class StageState:
    """One study at one stage: the decisions in force, any resolution, and the outcome.
    ``reasons`` are the exclusion reasons of the outcome (from the resolution or the
    earliest exclusion)."""

    study_id: int
    stage: Stage
    decisions: tuple[Decision, ...]  # in the order they were made
    resolution: Resolution | None
    needed: int
    status: StudyStatus
    reasons: tuple[str, ...] = ()

    @property
    def final(self) -> bool:
        return self.status in (StudyStatus.INCLUDED, StudyStatus.EXCLUDED)


def stage_state(
    study_id: int,
    stage: Stage,
    decisions: Iterable[Decision],
    resolution: Resolution | None,
    needed: int,
) -> StageState:
    """The outcome of a study at a stage. A resolution decides; otherwise the study needs
    ``needed`` reviewers, and their agreement decides."""
    made = tuple(sorted(decisions, key=event_order))
    if resolution is not None:
        included = includes(resolution.verdict)
        status = StudyStatus.INCLUDED if included else StudyStatus.EXCLUDED
        reasons = () if included else resolution.reasons
    elif not made:
        status, reasons = StudyStatus.UNSCREENED, ()
    elif len(made) < needed:
        status, reasons = StudyStatus.AWAITING, ()
    elif disagree(made, stage):
        status, reasons = StudyStatus.CONFLICT, ()
    elif includes(made[0].verdict):
        status, reasons = StudyStatus.INCLUDED, ()
    else:
        status, reasons = StudyStatus.EXCLUDED, made[0].reasons
    return StageState(study_id, stage, made, resolution, needed, status, reasons)


def stage_states(
    study_ids: Iterable[int],
    stage: Stage,
    decisions: Mapping[tuple[int, Stage, str], Decision],
    resolutions: Mapping[tuple[int, Stage], Resolution],
    needed: Callable[[int], int],
) -> dict[int, StageState]:
    """:func:`stage_state` for each study, from the decisions and resolutions in force."""
    by_study: dict[int, list[Decision]] = {}
    for (study, decided_stage, _), decision in decisions.items():
        if decided_stage is stage:
            by_study.setdefault(study, []).append(decision)
    return {
        study: stage_state(
            study, stage, by_study.get(study, ()), resolutions.get((study, stage)), needed(study)
        )
        for study in study_ids
    }


def full_text_eligible(
    title_abstract: Mapping[int, StageState], retrievals: Mapping[int, Retrieval]
) -> list[int]:
    """Studies that go on to full-text screening: included at title/abstract (after any
    resolution), less those whose report could not be retrieved. In study order."""
    return sorted(
        study
        for study, state in title_abstract.items()
        if state.status is StudyStatus.INCLUDED
        and not (study in retrievals and retrievals[study].status is RetrievalStatus.NOT_RETRIEVED)
    )


def ordered(
    study_ids: Sequence[int],
    order: str,
    *,
    seed: int = 1,
    scores: Mapping[int, float] | None = None,
    keys: Mapping[int, str] | None = None,
) -> list[int]:
    """Studies in queue order: ``import`` (as given), ``random`` (shuffled by ``seed``; the
    same seed always gives the same order) or ``ranked`` (highest score first, import order
    between equal scores). In every order a study's place among the others depends on the
    two studies alone, so a study leaving the queue never reshuffles the rest. With ``keys``
    (studies' stable keys) the random order is also the same in every copy of a project."""
    ids = list(study_ids)
    if order == "random":
        names = keys or {}
        ids.sort(key=lambda s: hashlib.sha256(f"{seed}:{names.get(s, s)}".encode()).digest())
    elif order == "ranked":
        marks = scores or {}
        ids.sort(key=lambda study: -marks.get(study, 0.0))
    elif order != "import":
        raise ValueError(f"unknown queue order {order!r}")
    return ids


def queue(ordered_ids: Sequence[int], decided: Iterable[int]) -> list[int]:
    """The screening list: the studies still to decide first, then the decided ones, each
    part in queue order."""
    done = set(decided)
    return [s for s in ordered_ids if s not in done] + [s for s in ordered_ids if s in done]
