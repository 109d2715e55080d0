"""PRISMA 2020 flow counts from a project's screening history: pure, no database access.

Units (see docs/prisma.md):

- a *record* is one row of an imported file, stored or skipped at import for having nothing
  to screen (no title, abstract, DOI or PMID);
- a *report* is a record after duplicates are removed: the records that dedup joined with a
  ``same`` link are one report. With ``[dedup] merge_preprints`` a preprint and its journal
  version (a ``related`` link) are two reports of one *study*; otherwise each report is a
  study of its own;
- decisions, resolutions and retrieval marks are made on studies (screening.py's rules), so
  every report of a study follows its study.

A report is in the databases-and-registers column when one of its records came from a
database or register search, otherwise in the other-methods column (found only on
websites, through organisations or by citation searching). Records, reports and studies
that are still unscreened, awaiting a second reviewer or in conflict are counted as
awaiting, never as excluded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from screener.models import (
    Decision,
    Resolution,
    Retrieval,
    RetrievalStatus,
    SourceMethod,
    Stage,
)
from screener.prisma.figures import DATABASE_METHODS, ColumnCounts, PrismaCounts
from screener.prisma.stages import VerdictEvent, title_abstract_states
from screener.screening.state import (
    StageState,
    StudyStatus,
    full_text_eligible,
    resolutions_in_force,
    retrievals_in_force,
    stage_states,
    study_decisions,
)

NO_REASON = "No reason given"
_FINAL = (StudyStatus.INCLUDED, StudyStatus.EXCLUDED)
__all__ = ["ColumnCounts", "PrismaCounts", "PrismaInputs", "SourceFigures", "prisma_counts"]


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """What PRISMA needs of one imported file."""

    id: int
    database: str
    method: SourceMethod
    stored: int
    skipped: int

    @property
    def identified(self) -> int:
        return self.stored + self.skipped


@dataclass(frozen=True, slots=True)
class PrismaInputs:
    """Everything the counts are derived from, as plain data.

    ``study_of`` and ``report_of`` map a record to its study and to its report's first
    record, for the records that are not their own (as ``Store.study_map``).
    ``title_abstract`` holds the title/abstract decision events as (record, reviewer,
    verdict) in event order (:func:`screener.prisma.stages.light_verdicts` makes them from
    Decisions); ``full_text`` the full-text decisions, whose reasons are counted.
    ``reviews_needed`` gives the reviewers each study needs (1 when missing).
    ``full_text_reasons`` maps the protocol's full-text reason codes to their labels."""

    sources: Sequence[SourceFigures]
    record_sources: Mapping[int, int]  # every stored record id -> its source id
    study_of: Mapping[int, int]
    report_of: Mapping[int, int]
    title_abstract: Sequence[VerdictEvent]
    full_text: Sequence[Decision]
    resolutions: Sequence[Resolution]
    retrievals: Sequence[Retrieval]
    reviews_needed: Mapping[int, int] = field(default_factory=dict)
    full_text_reasons: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Tally:
    """Reports of one column by where their study stands (mutable while counting)."""

    screened: int = 0
    excluded: int = 0
    awaiting_screening: int = 0
    sought: int = 0
    not_retrieved: int = 0
    awaiting_retrieval: int = 0
    assessed: int = 0
    awaiting_assessment: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    included: int = 0
    screening_pending: Counter[str] = field(default_factory=Counter)
    assessment_pending: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        first: StageState | None,
        mark: Retrieval | None,
        second: StageState | None,
        labels: Mapping[str, str],
    ) -> None:
        """Count one report by where its study stands: ``first`` and ``second`` its states
        at title/abstract and full text, ``mark`` its retrieval mark in force."""
        if first is None or first.status not in _FINAL:
            self.awaiting_screening += 1
            self.screening_pending[first.status if first else StudyStatus.UNSCREENED] += 1
            return
        self.screened += 1
        if first.status is StudyStatus.EXCLUDED:
            self.excluded += 1
            return
        self.sought += 1
        if mark is not None and mark.status is RetrievalStatus.NOT_RETRIEVED:
            self.not_retrieved += 1
            return
        assert second is not None  # included at title/abstract and not "not retrieved"
        if second.status not in _FINAL:
            self.assessment_pending[second.status] += 1
            if mark is not None and mark.status is RetrievalStatus.SOUGHT:
                self.awaiting_retrieval += 1
            else:
                self.awaiting_assessment += 1
            return
        self.assessed += 1
        if second.status is StudyStatus.EXCLUDED:
            code = second.reasons[0] if second.reasons else ""
            self.reasons[labels.get(code, code) if code else NO_REASON] += 1
        else:
            self.included += 1

    def frozen(self, reason_order: Sequence[str]) -> ColumnCounts:
        rank = {label: i for i, label in enumerate(reason_order)}
        reasons = sorted(self.reasons.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
        return ColumnCounts(
            self.screened,
            self.excluded,
            self.awaiting_screening,
            self.sought,
            self.not_retrieved,
            self.awaiting_retrieval,
            self.assessed,
            self.awaiting_assessment,
            tuple(reasons),
            self.included,
            _by_status(self.screening_pending),
            _by_status(self.assessment_pending),
        )


def _by_status(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    pending = (StudyStatus.UNSCREENED, StudyStatus.AWAITING, StudyStatus.CONFLICT)
    return tuple((str(status), counter[status]) for status in pending if counter[status])


def prisma_counts(inputs: PrismaInputs) -> PrismaCounts:
    """The PRISMA 2020 counts of a screening history (see the module docstring)."""
    study_of = inputs.study_of

    def study(record_id: int) -> int:
        return study_of.get(record_id, record_id)

    # Only studies with an event can be anything but unscreened: stage_state gives every
    # other study UNSCREENED, so they are not built one by one (100,000 of them).
    resolutions = resolutions_in_force(inputs.resolutions, study)
    retrievals = retrievals_in_force(inputs.retrievals, study)
    needed = inputs.reviews_needed
    screened = title_abstract_states(inputs.title_abstract, resolutions, study_of, needed)
    eligible = full_text_eligible(screened, retrievals)
    decisions = study_decisions(inputs.full_text, study)
    assessed = stage_states(
        eligible, Stage.FULL_TEXT, decisions, resolutions, lambda s: needed.get(s, 1)
    )
    reports, main_records = _reports(inputs)
    labels = dict(inputs.full_text_reasons)
    tallies = {True: _Tally(), False: _Tally()}
    reports_per_study: Counter[int] = Counter()
    for (study_id, _), from_database in reports.items():
        reports_per_study[study_id] += 1
        tallies[from_database].add(
            screened.get(study_id), retrievals.get(study_id), assessed.get(study_id), labels
        )
    included = [s for s, state in assessed.items() if state.status is StudyStatus.INCLUDED]
    main_reports = sum(1 for from_database in reports.values() if from_database)
    order = list(labels.values())

    def identified(method: SourceMethod) -> int:
        return sum(s.identified for s in inputs.sources if s.method is method)

    other_sources = [s for s in inputs.sources if s.method not in DATABASE_METHODS]
    other_records_stored = len(inputs.record_sources) - main_records
    return PrismaCounts(
        databases=_by_name(inputs.sources, SourceMethod.DATABASE),
        registers=_by_name(inputs.sources, SourceMethod.REGISTER),
        websites=identified(SourceMethod.WEBSITE),
        organisations=identified(SourceMethod.ORGANISATION),
        citations=identified(SourceMethod.CITATION),
        duplicates=main_records - main_reports,
        excluded_automatic=0,
        excluded_other=sum(s.skipped for s in inputs.sources if s.method in DATABASE_METHODS),
        main=tallies[True].frozen(order),
        other=tallies[False].frozen(order),
        other_records=sum(s.identified for s in other_sources),
        other_duplicates=other_records_stored - (len(reports) - main_reports),
        other_skipped=sum(s.skipped for s in other_sources),
        studies_included=len(included),
        reports_of_included_studies=sum(reports_per_study[s] for s in included),
        methods=frozenset(s.method for s in inputs.sources),
    )


def _reports(inputs: PrismaInputs) -> tuple[dict[tuple[int, int], bool], int]:
    """Every report as (its study, its first record) -> whether a database or register
    record is in it, and how many stored records came from databases or registers."""
    database_sources = {s.id for s in inputs.sources if s.method in DATABASE_METHODS}
    reports: dict[tuple[int, int], bool] = {}
    main_records = 0
    study_get, report_get, report_seen = inputs.study_of.get, inputs.report_of.get, reports.get
    for record_id, source_id in inputs.record_sources.items():  # the hot loop: 100,000 times
        from_database = source_id in database_sources
        key = (study_get(record_id, record_id), report_get(record_id, record_id))
        reports[key] = report_seen(key, False) or from_database
        main_records += from_database
    return reports, main_records


def _by_name(sources: Sequence[SourceFigures], method: SourceMethod) -> tuple[tuple[str, int], ...]:
    """Records identified per database (or register) name, in import order of first file;
    several files of one database add up under its name."""
    totals: dict[str, int] = {}
    for source in sources:
        if source.method is method:
            name = source.database.strip() or "Unnamed source"
            totals[name] = totals.get(name, 0) + source.identified
    return tuple(totals.items())
