"""Where each study ended up in screening, and its citation, for the reference-list exports."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from screener.errors import ScreenerError
from screener.models import Record, Resolution, RetrievalStatus, Stage, Verdict
from screener.project import Project
from screener.review import StudyOfMap, current_retrievals, needed_reviews
from screener.screening import StudyStatus, resolutions_in_force


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
    order. The same outcomes as :func:`screener.review.review_state` (tests compare them),
    from light reads: at 100,000 records that takes seconds, too slow for an export."""
    store = project.store
    study_map = store.study_map()
    lookup = StudyOfMap(study_map)
    resolutions = resolutions_in_force(store.resolutions(), lookup)
    full_text_events = store.screening_events(Stage.FULL_TEXT)
    if studies is StudySet.INCLUDED:
        # Only a study with a full-text decision or resolution can be included there: read
        # the title/abstract events of those studies' records only.
        decided = {lookup(event[0]) for event in full_text_events}
        decided |= {study for study, stage in resolutions if stage is Stage.FULL_TEXT}
        study_ids = [s for s in store.study_ids() if s in decided]
        members = [*study_ids, *(r for r, s in study_map.items() if s in decided)]
        screening_events = store.screening_events(Stage.TITLE_ABSTRACT, members)
    else:
        study_ids = store.study_ids()
        screening_events = store.screening_events(Stage.TITLE_ABSTRACT)
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
        s for s, (status, _) in screened.items()
        if status is StudyStatus.INCLUDED and s not in not_retrieved
    ]  # fmt: skip
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
    from screener.prisma_stages import title_abstract_states

    store = project.store
    study_map = store.study_map()
    resolutions = resolutions_in_force(
        store.resolutions(stage=Stage.TITLE_ABSTRACT), StudyOfMap(study_map)
    )
    study_ids = store.study_ids()
    states = title_abstract_states(
        store.decision_verdicts(Stage.TITLE_ABSTRACT), resolutions, study_map,
        needed_reviews(project, study_ids),
    )  # fmt: skip
    unscreened = StudyStatus.UNSCREENED
    return {study: states[study].status if study in states else unscreened for study in study_ids}


def _reason_labels(
    project: Project, stage: Stage
) -> Callable[[str | tuple[str, ...]], tuple[str, ...]]:
    """Reasons (JSON text or codes) as the protocol's labels; memoised: a project has few
    distinct reason lists, and decoding 100,000 JSON texts would cost a tenth of a second."""
    names = {r.code: r.label for r in project.protocol.stages[stage].reasons}

    @cache
    def labels(reasons: str | tuple[str, ...]) -> tuple[str, ...]:
        codes = json.loads(reasons) if isinstance(reasons, str) else reasons
        return tuple(names.get(code, code) for code in codes)

    return labels


Outcome = tuple[StudyStatus, str | tuple[str, ...]]  # status, reasons (JSON text or codes)


def _stage_outcomes(
    stage: Stage,
    study_ids: Sequence[int],
    events: Sequence[tuple[int, str, str, str]],
    study_map: Mapping[int, int],
    resolutions: Mapping[tuple[int, Stage], Resolution],
    needed: Mapping[int, int],
) -> dict[int, Outcome]:
    """screening.stage_state's rules on plain event tuples (record, reviewer, verdict,
    reasons JSON) in event order: the latest event per (study, reviewer) is in force
    unless it is an undo; a resolution decides; too few reviewers: awaiting; include
    against exclude (at full text also exclusions for different reasons): conflict;
    otherwise the earliest decision in force gives the outcome and its reasons."""
    undo, exclude = str(Verdict.UNDO), str(Verdict.EXCLUDE)  # plain str compares fastest
    latest: dict[tuple[int, str], int] = {}
    mapped = study_map.get
    for index, (record_id, reviewer, verdict, _) in enumerate(events):
        key = (mapped(record_id, record_id), reviewer)
        if verdict == undo:
            latest.pop(key, None)
        else:
            latest[key] = index
    by_study: dict[int, list[int]] = {}
    for (study, _), index in latest.items():
        if study in by_study:
            by_study[study].append(index)
        else:
            by_study[study] = [index]
    unscreened = (StudyStatus.UNSCREENED, ())
    awaiting = (StudyStatus.AWAITING, ())
    conflict = (StudyStatus.CONFLICT, ())
    included = (StudyStatus.INCLUDED, ())
    full_text = stage is Stage.FULL_TEXT
    outcomes: dict[int, Outcome] = {}
    for study in study_ids:
        resolution = resolutions.get((study, stage))
        if resolution is not None:
            outcomes[study] = (
                (StudyStatus.EXCLUDED, resolution.reasons)
                if resolution.verdict is Verdict.EXCLUDE
                else included
            )
            continue
        made = by_study.get(study)
        if not made:
            outcomes[study] = unscreened
            continue
        if len(made) < needed.get(study, 1):
            outcomes[study] = awaiting
            continue
        made.sort()  # event order: the earliest decision in force gives the outcome
        first = events[made[0]]
        first_includes = first[2] != exclude
        if any((events[i][2] != exclude) != first_includes for i in made[1:]):
            outcomes[study] = conflict
        elif first_includes:
            outcomes[study] = included
        elif full_text and len({_codes(events[i][3]) for i in made}) > 1:
            outcomes[study] = conflict  # excluded for different reasons
        else:
            outcomes[study] = (StudyStatus.EXCLUDED, first[3])
    return outcomes


@cache
def _codes(reasons: str) -> tuple[str, ...]:
    return tuple(sorted(json.loads(reasons)))


# Fields of the representative record that its duplicates may fill when it lacks them.
_FILLABLE = ("abstract", "authors", "year", "journal", "journal_abbrev", "volume", "issue",
             "pages", "start_page", "end_page", "doi", "pmid", "issn", "keywords", "type",
             "language", "url")  # fmt: skip


def study_citations(project: Project, study_ids: Iterable[int]) -> dict[int, Record]:
    """Each study's citation: its representative record (the study's own, first-imported
    record), with any field it lacks taken from its duplicates in import order."""
    wanted = set(study_ids)
    store = project.store
    members: dict[int, list[int]] = {}
    for member, study in store.study_map().items():
        if study in wanted:
            members.setdefault(study, []).append(member)
    everything = len(wanted) > store.record_count() // 2  # one scan beats many lookups
    needed = None if everything else wanted | {r for ids in members.values() for r in ids}
    records = dict(store.citations(needed))
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
