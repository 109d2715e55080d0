"""Where every study stands, read from the store: the decisions, resolutions and retrievals
in force, each study's state at both stages, and what one reviewer may see of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from screener.models import Decision, Resolution, Retrieval, Stage, Verdict
from screener.project import Project
from screener.screening.state import (
    StageState,
    StudyStatus,
    event_order,
    full_text_eligible,
    resolutions_in_force,
    retrievals_in_force,
    reviews_needed,
    stage_states,
    study_decisions,
)


def my_decisions(project: Project, reviewer: str, stage: Stage) -> dict[int, Decision]:
    """The reviewer's decisions in force at a stage, by study. Reads only this reviewer's
    events: what blind screening may show."""
    study = study_lookup(project)
    current = study_decisions(project.store.events.decisions(stage=stage, reviewer=reviewer), study)
    return {key[0]: d for key, d in current.items()}


def study_lookup(project: Project) -> StudyOfMap:
    return StudyOfMap(project.store.links.study_map())


@dataclass(frozen=True, slots=True)
class StudyOfMap:
    """Record id -> study id, from the store's map of duplicates (callable)."""

    duplicates: dict[int, int]

    def __call__(self, record_id: int) -> int:
        return self.duplicates.get(record_id, record_id)

    def members(self, studies: Iterable[int]) -> list[int]:
        """Every record of the studies given (their own ids and their duplicates'), sorted."""
        wanted = set(studies)
        return sorted(wanted | {r for r, s in self.duplicates.items() if s in wanted})


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Every study's state at both stages, from all events (not for blind screens)."""

    study_ids: list[int]
    decisions: dict[tuple[int, Stage, str], Decision]
    resolutions: dict[tuple[int, Stage], Resolution]
    retrievals: dict[int, Retrieval]
    states: dict[Stage, dict[int, StageState]] = field(default_factory=dict)

    def reviewers(self, stage: Stage) -> list[str]:
        return sorted({r for (_, s, r) in self.decisions if s is stage})

    def count(self, stage: Stage, status: StudyStatus) -> int:
        return sum(1 for s in self.states[stage].values() if s.status is status)


def review_state(project: Project, studies: Sequence[int] | None = None) -> ReviewState:
    """Every study's state at both stages; with ``studies``, only theirs, from their own
    events (cheap for a few studies of a large project)."""
    store = project.store
    study = study_lookup(project)
    study_ids = store.links.study_ids() if studies is None else list(studies)
    members = None if studies is None else study.members(study_ids)
    decisions = study_decisions(store.events.decisions(record_ids=members), study)
    resolutions = resolutions_in_force(store.events.resolutions(record_ids=members), study)
    retrievals = retrievals_in_force(store.events.retrievals(record_ids=members), study)
    needed = needed_reviews(project, study_ids)
    states = {
        Stage.TITLE_ABSTRACT: stage_states(
            study_ids, Stage.TITLE_ABSTRACT, decisions, resolutions, needed.__getitem__
        )
    }
    eligible = full_text_eligible(states[Stage.TITLE_ABSTRACT], retrievals)
    states[Stage.FULL_TEXT] = stage_states(
        eligible, Stage.FULL_TEXT, decisions, resolutions, needed.__getitem__
    )
    return ReviewState(study_ids, decisions, resolutions, retrievals, states)


def needed_reviews(project: Project, study_ids: Sequence[int]) -> dict[int, int]:
    """How many reviewers each study needs (the same at both stages)."""
    protocol = project.protocol
    if not protocol.dual_screening or protocol.second_review_percent >= 100:
        count = 2 if protocol.dual_screening else 1
        return dict.fromkeys(study_ids, count)
    keys = study_keys(project, study_ids)
    return {
        study: reviews_needed(
            keys[study], dual=True, second_review_percent=protocol.second_review_percent
        )
        for study in study_ids
    }


def study_keys(project: Project, study_ids: Sequence[int]) -> dict[int, str]:
    """Each study's key in every copy of the project (whatever order the files were imported
    in): the smallest (file sha256, position) among its records, as text."""
    store = project.store
    if len(study_ids) < 500:
        members = {study: store.links.members(study) for study in study_ids}
        keys = store.records.keys(m for ids in members.values() for m in ids)
    else:
        keys = store.records.keys()
        members = {study: [study] for study in study_ids}
        for record, study in store.links.study_map().items():
            if study in members:
                members[study].append(record)
    return {study: "{}:{}".format(*min(keys[m] for m in ids)) for study, ids in members.items()}


def full_text_studies(project: Project) -> list[int]:
    """The studies at the full-text stage, in import order. Only studies with a
    title/abstract decision or resolution can be there, so only theirs are read."""
    store = project.store
    lookup = study_lookup(project)
    decisions = study_decisions(store.events.decisions(stage=Stage.TITLE_ABSTRACT), lookup)
    resolutions = resolutions_in_force(store.events.resolutions(stage=Stage.TITLE_ABSTRACT), lookup)
    touched = sorted({key[0] for key in decisions} | {key[0] for key in resolutions})
    needed = needed_reviews(project, touched)
    screened = stage_states(
        touched, Stage.TITLE_ABSTRACT, decisions, resolutions, needed.__getitem__
    )
    return full_text_eligible(screened, current_retrievals(project))


def current_retrievals(project: Project) -> dict[int, Retrieval]:
    """The retrieval mark in force per study."""
    return retrievals_in_force(project.store.events.retrievals(), study_lookup(project))


def study_state(project: Project, study: int, stage: Stage) -> StageState | None:
    """One study's state at a stage, from its own events only (cheap at any project size);
    None when the study has not reached the stage."""
    store = project.store
    members = store.links.members(study)
    lookup = StudyOfMap(dict.fromkeys(members, study))
    decisions = study_decisions(store.events.decisions(record_ids=members), lookup)
    resolutions = resolutions_in_force(store.events.resolutions(record_ids=members), lookup)
    needed = needed_reviews(project, [study])
    if stage is Stage.FULL_TEXT:
        screened = stage_states(
            [study], Stage.TITLE_ABSTRACT, decisions, resolutions, needed.__getitem__
        )
        retrievals = retrievals_in_force(store.events.retrievals(record_ids=members), lookup)
        if not full_text_eligible(screened, retrievals):
            return None
    return stage_states([study], stage, decisions, resolutions, needed.__getitem__)[study]


def conflicts(
    project: Project, stage: Stage | None = None, state: ReviewState | None = None
) -> list[StageState]:
    """Studies whose reviewers disagree and that nobody has resolved, by stage and id
    (from ``state`` when the caller has it already)."""
    if state is None:
        state = review_state(project)
    stages = [stage] if stage else list(Stage)
    return [
        s for st in stages for s in state.states[st].values() if s.status is StudyStatus.CONFLICT
    ]


def history(
    project: Project, reviewer: str, stage: Stage | None = None, verdicts: Iterable[Verdict] = ()
) -> list[Decision]:
    """The reviewer's decisions in force, newest first, optionally of one stage and verdicts."""
    wanted = set(verdicts)
    found: list[Decision] = []
    for st in [stage] if stage else list(Stage):
        found.extend(
            d
            for d in my_decisions(project, reviewer, st).values()
            if not wanted or d.verdict in wanted
        )
    return sorted(found, key=event_order, reverse=True)


def progress_summary(state: ReviewState) -> dict[str, dict[str, object]]:
    """Per stage: studies at the stage, how many stand where, and each reviewer's decisions
    in force by verdict (for the dashboard)."""
    summary: dict[str, dict[str, object]] = {}
    for stage in Stage:
        states = state.states[stage]
        by_reviewer: dict[str, dict[str, int]] = {}
        for (study, s, who), d in state.decisions.items():
            if s is stage and study in states:
                counts = by_reviewer.setdefault(who, {"include": 0, "exclude": 0, "maybe": 0})
                counts[str(d.verdict)] += 1
        summary[str(stage)] = {
            "studies": len(states),
            **{str(status): state.count(stage, status) for status in StudyStatus},
            "resolved": sum(1 for s in states.values() if s.resolution is not None),
            "by_reviewer": dict(sorted(by_reviewer.items())),
        }
    return summary
