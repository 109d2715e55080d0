"""Where each study ended up in screening, and its citation, for the reference-list exports."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from screener.errors import ScreenerError
from screener.models import Record, RetrievalStatus, Stage
from screener.project import Project
from screener.review import review_state
from screener.screening import StageState, StudyStatus


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


def study_outcomes(project: Project) -> dict[int, StudyOutcome]:
    """Every study's outcome, by study id in import order."""
    state = review_state(project)
    labels = {
        stage: {r.code: r.label for r in project.protocol.stages[stage].reasons} for stage in Stage
    }
    screened = state.states[Stage.TITLE_ABSTRACT]
    full_text = state.states[Stage.FULL_TEXT]
    outcomes: dict[int, StudyOutcome] = {}
    for study in state.study_ids:
        at_full_text = full_text.get(study)
        chosen: StageState = at_full_text or screened[study]
        retrieval = state.retrievals.get(study)
        not_retrieved = None
        if (
            at_full_text is None
            and chosen.status is StudyStatus.INCLUDED
            and retrieval is not None
            and retrieval.status is RetrievalStatus.NOT_RETRIEVED
        ):
            not_retrieved = retrieval.reason
        names = labels[chosen.stage]
        outcomes[study] = StudyOutcome(
            study,
            chosen.stage,
            chosen.status,
            tuple(names.get(code, code) for code in chosen.reasons),
            not_retrieved,
        )
    return outcomes


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
