"""Where each study ended up in screening, and its citation, for the reference-list exports."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache

from screener.errors import ScreenerError
from screener.models import Decision, Record, Resolution, RetrievalStatus, Stage, Verdict
from screener.project import Project
from screener.screening.state import StudyStatus, resolutions_in_force, stage_state
from screener.screening.studies import StudyOfMap, current_retrievals, needed_reviews


class StudySet(StrEnum):
    """Which studies a reference list holds. INCLUDED: included at full text (a study still
    awaiting full-text screening, or whose report was not retrieved, is not included yet).
    EXCLUDED: excluded at title/abstract or at full text. ALL: every study."""

    INCLUDED = "included"
    EXCLUDED = "excluded"
    ALL = "all"


def parse_study_set(text: str) -> StudySet:
    try:
        return StudySet(text.strip().lower())
    except ValueError:
        raise ScreenerError(f"unknown study set {text!r} (included, excluded or all)") from None


_PENDING = {
    StudyStatus.UNSCREENED: "not screened yet",
    StudyStatus.AWAITING: "awaiting another reviewer",
    StudyStatus.CONFLICT: "reviewers disagree (conflict not resolved yet)",
}
_STAGE_NAMES = {Stage.TITLE_ABSTRACT: "title/abstract", Stage.FULL_TEXT: "full text"}


@dataclass(frozen=True, slots=True)
class StudyOutcome:
    """A study's screening outcome: the last stage it reached and its status there.
    ``not_retrieved`` is set (with the reason given) when its report could not be found."""

    study_id: int
    stage: Stage
    status: StudyStatus
    reasons: tuple[str, ...] = ()  # exclusion reasons' labels, as in the protocol
    not_retrieved: str | None = None

    @property
    def included(self) -> bool:
        return self.stage is Stage.FULL_TEXT and self.status is StudyStatus.INCLUDED

    @property
    def excluded(self) -> bool:
        return self.status is StudyStatus.EXCLUDED

    def in_set(self, wanted: StudySet) -> bool:
        if wanted is StudySet.INCLUDED:
            return self.included
        if wanted is StudySet.EXCLUDED:
            return self.excluded
        return True

    def summary(self) -> str:
        """One line for a note field, e.g. 'excluded at full text — Not primary research'."""
        stage = _STAGE_NAMES[self.stage]
        if self.not_retrieved is not None:
            reason = f" — {self.not_retrieved}" if self.not_retrieved else ""
            return f"included at title/abstract; full text not retrieved{reason}"
        if self.status is StudyStatus.INCLUDED:
            return f"included at {stage}" + (
                "; awaiting full-text screening" if self.stage is Stage.TITLE_ABSTRACT else ""
            )
        if self.status is StudyStatus.EXCLUDED:
            reasons = f" — {'; '.join(self.reasons)}" if self.reasons else ""
            return f"excluded at {stage}{reasons}"
        done = "included at title/abstract; " if self.stage is Stage.FULL_TEXT else ""
        return f"{done}{stage}: {_PENDING[self.status]}"


def study_outcomes(project: Project, studies: StudySet = StudySet.ALL) -> dict[int, StudyOutcome]:
    """The outcomes of the studies that may be in ``studies`` (every study, or for
    INCLUDED only those with a full-text decision or resolution), by study id in import
    order. The same outcomes as :func:`screener.screening.decisions.review_state` (tests
    compare them), from light reads: at 100,000 records that takes seconds, too slow for
    an export."""
    store = project.store
    study_map = store.links.study_map()
    lookup = StudyOfMap(study_map)
    resolutions = resolutions_in_force(store.events.resolutions(), lookup)
    full_text_events = store.events.screening_events(Stage.FULL_TEXT)
    if studies is StudySet.INCLUDED:
        # Only a study with a full-text decision or resolution can be included there: read
        # the title/abstract events of those studies' records only.
        decided = {lookup(event[0]) for event in full_text_events}
        decided |= {study for study, stage in resolutions if stage is Stage.FULL_TEXT}
        study_ids = [s for s in store.links.study_ids() if s in decided]
        members = [*study_ids, *(r for r, s in study_map.items() if s in decided)]
        screening_events = store.events.screening_events(Stage.TITLE_ABSTRACT, members)
    else:
        study_ids = store.links.study_ids()
        screening_events = store.events.screening_events(Stage.TITLE_ABSTRACT)
    needed = needed_reviews(project, study_ids)
    screened = _stage_outcomes(
        Stage.TITLE_ABSTRACT, study_ids, screening_events, study_map, resolutions, needed
    )
    retrievals = current_retrievals(project)
    not_retrieved = {
        study: r.reason
        for study, r in retrievals.items()
        if r.status is RetrievalStatus.NOT_RETRIEVED
    }
    # As screening.full_text_eligible: included at title/abstract, less reports not retrieved.
    eligible = [
        s
        for s, (status, _) in screened.items()
        if status is StudyStatus.INCLUDED and s not in not_retrieved
    ]
    full_text = _stage_outcomes(
        Stage.FULL_TEXT, eligible, full_text_events, study_map, resolutions, needed
    )
    labels = {stage: _reason_labels(project, stage) for stage in Stage}
    outcomes: dict[int, StudyOutcome] = {}
    for study in study_ids:
        stage = Stage.FULL_TEXT if study in full_text else Stage.TITLE_ABSTRACT
        status, reasons = (full_text if study in full_text else screened)[study]
        at_title_abstract = stage is Stage.TITLE_ABSTRACT and status is StudyStatus.INCLUDED
        missing = not_retrieved.get(study) if at_title_abstract else None
        outcomes[study] = StudyOutcome(study, stage, status, labels[stage](reasons), missing)
    return outcomes


def title_abstract_statuses(project: Project) -> dict[int, StudyStatus]:
    """Every study's status at title/abstract, by study id in import order: the least an
    export of every study's screening label reads (PRISMA's one pass over the verdicts,
    which applies screening.stage_state once per distinct set of verdicts)."""
    from screener.prisma.stages import title_abstract_states

    store = project.store
    study_map = store.links.study_map()
    resolutions = resolutions_in_force(
        store.events.resolutions(stage=Stage.TITLE_ABSTRACT), StudyOfMap(study_map)
    )
    study_ids = store.links.study_ids()
    states = title_abstract_states(
        store.events.verdicts(Stage.TITLE_ABSTRACT),
        resolutions,
        study_map,
        needed_reviews(project, study_ids),
    )
    unscreened = StudyStatus.UNSCREENED
    return {study: states[study].status if study in states else unscreened for study in study_ids}


def _reason_labels(project: Project, stage: Stage) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """Reason codes as the protocol's labels (memoised: a project has few reason lists)."""
    names = {r.code: r.label for r in project.protocol.stages[stage].reasons}

    @cache
    def labels(codes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(names.get(code, code) for code in codes)

    return labels


Outcome = tuple[StudyStatus, tuple[str, ...]]  # status, reason codes


def _stage_outcomes(
    stage: Stage,
    study_ids: Sequence[int],
    events: Sequence[tuple[int, str, str, str]],
    study_map: Mapping[int, int],
    resolutions: Mapping[tuple[int, Stage], Resolution],
    needed: Mapping[int, int],
) -> dict[int, Outcome]:
    """Each study's (status, reasons) at ``stage`` from plain event tuples (record,
    reviewer, verdict, reasons JSON) in event order. The latest event per (study,
    reviewer) is in force; then :func:`screening.stage_state` decides, run once per
    distinct signature (the verdicts and reasons in force in event order, the resolution,
    the reviewers needed) with stand-in decisions: no Decision object per event, and one
    set of rules (as prisma_stages does for the counts)."""
    latest: dict[int, dict[str, int]] = {}  # study -> reviewer -> index of the latest event
    study_get, latest_get = study_map.get, latest.get
    for index, (record_id, reviewer, _, _) in enumerate(events):  # the hot loop
        study = study_get(record_id, record_id)
        mine = latest_get(study)
        if mine is None:
            latest[study] = {reviewer: index}
        else:
            mine[reviewer] = index
    memo: dict[tuple[object, ...], Outcome] = {}
    outcomes: dict[int, Outcome] = {}
    nothing: dict[str, int] = {}
    for study in study_ids:
        made = sorted(latest_get(study, nothing).values())  # in event order
        resolution = resolutions.get((study, stage))
        key = (
            tuple(events[i][1:] for i in made),
            (resolution.verdict, resolution.reasons) if resolution else None,
            needed.get(study, 1),
        )
        outcome = memo.get(key)
        if outcome is None:
            outcome = memo[key] = _decide(stage, key[0], resolution, key[2])
        outcomes[study] = outcome
    return outcomes


_STAND_IN_TIME = datetime.min.replace(tzinfo=UTC)


def _decide(
    stage: Stage,
    made: tuple[tuple[str, str, str], ...],
    resolution: Resolution | None,
    needed: int,
) -> Outcome:
    """screening.stage_state on stand-ins for the decisions in force ((reviewer, verdict,
    reasons JSON) in event order; an undo leaves its reviewer undecided)."""
    stand_ins = [
        Decision(
            position, 0, stage, reviewer, Verdict(verdict), _codes(reasons), {}, "", _STAND_IN_TIME
        )
        for position, (reviewer, verdict, reasons) in enumerate(made)
        if verdict != Verdict.UNDO
    ]
    state = stage_state(0, stage, stand_ins, resolution, needed)
    return state.status, state.reasons


@cache
def _codes(reasons: str) -> tuple[str, ...]:
    return tuple(json.loads(reasons))


# Fields of the representative record that its duplicates may fill when it lacks them.
_FILLABLE = (
    "abstract",
    "authors",
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "start_page",
    "end_page",
    "doi",
    "pmid",
    "issn",
    "keywords",
    "type",
    "language",
    "url",
)


def study_citations(project: Project, study_ids: Iterable[int]) -> dict[int, Record]:
    """Each study's citation: its representative record (the study's own, first-imported
    record), with any field it lacks taken from its duplicates in import order."""
    wanted = set(study_ids)
    store = project.store
    members: dict[int, list[int]] = {}
    for member, study in store.links.study_map().items():
        if study in wanted:
            members.setdefault(study, []).append(member)
    everything = len(wanted) > store.records.count() // 2  # one scan beats many lookups
    needed = None if everything else wanted | {r for ids in members.values() for r in ids}
    records = dict(store.records.citations(needed))
    citations: dict[int, Record] = {}
    for study in sorted(wanted):
        if study not in records:
            continue
        record = records[study]
        others = [records[r] for r in sorted(members.get(study, ())) if r in records]
        if others:
            record = _filled(record, others)
        citations[study] = record
    return citations


def _filled(record: Record, others: list[Record]) -> Record:
    gaps = {}
    for name in _FILLABLE:
        if getattr(record, name) in ("", (), None):
            for other in others:
                value = getattr(other, name)
                if value not in ("", (), None):
                    gaps[name] = value
                    break
    return dataclasses.replace(record, **gaps) if gaps else record
