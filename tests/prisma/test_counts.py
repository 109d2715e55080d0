"""PRISMA 2020 counts: hand-made histories with known counts, the flow's arithmetic on
hypothesis-generated histories, and an independent oracle for what is awaiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.models import (
    Decision,
    Resolution,
    Retrieval,
    RetrievalStatus,
    SourceMethod,
    Stage,
    Verdict,
)
from screener.prisma.counts import (
    ColumnCounts,
    PrismaCounts,
    PrismaInputs,
    SourceFigures,
    prisma_counts,
)
from screener.prisma.inputs import project_prisma
from screener.prisma.stages import VerdictEvent, light_verdicts
from screener.project import open_project
from screener.screening.state import StudyStatus
from screener.screening.studies import review_state
from tests.prisma.helpers import screened_demo

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
T0 = datetime(2026, 1, 1, tzinfo=UTC)
REASONS = {"design": "Not primary research", "outcome": "No outcome"}


class Log:
    """Builds event lists with increasing times."""

    def __init__(self) -> None:
        self.decisions: list[Decision] = []
        self.resolutions: list[Resolution] = []
        self.retrievals: list[Retrieval] = []
        self.clock = 0

    def _next(self) -> tuple[int, datetime, str]:
        self.clock += 1
        return self.clock, T0 + timedelta(seconds=self.clock), f"u{self.clock:05d}"

    def split(self) -> tuple[list[VerdictEvent], list[Decision]]:
        """The decisions as PrismaInputs takes them: light at title/abstract."""
        return light_verdicts(self.decisions), [d for d in self.decisions if d.stage is FT]

    def decide(
        self, record: int, stage: Stage, who: str, verdict: Verdict, reasons: tuple[str, ...] = ()
    ) -> None:
        i, t, uid = self._next()
        self.decisions.append(Decision(i, record, stage, who, verdict, reasons, {}, "", t, uid))

    def resolve(
        self, record: int, stage: Stage, verdict: Verdict, reasons: tuple[str, ...] = ()
    ) -> None:
        i, t, uid = self._next()
        self.resolutions.append(Resolution(i, record, stage, "carol", verdict, reasons, "", t, uid))

    def retrieve(self, record: int, status: RetrievalStatus) -> None:
        i, t, uid = self._next()
        reason = "no access" if status is RetrievalStatus.NOT_RETRIEVED else ""
        self.retrievals.append(Retrieval(i, record, status, reason, "", "alice", t, uid))


def _inputs(
    sources: list[SourceFigures],
    record_sources: dict[int, int],
    log: Log,
    study_of: dict[int, int] | None = None,
    report_of: dict[int, int] | None = None,
    needed: int = 1,
) -> PrismaInputs:
    study_of = study_of or {}
    studies = {study_of.get(r, r) for r in record_sources}
    return PrismaInputs(
        sources,
        record_sources,
        study_of,
        study_of if report_of is None else report_of,
        *log.split(),
        log.resolutions,
        log.retrievals,
        dict.fromkeys(studies, needed),
        REASONS,
    )


def test_a_small_single_reviewer_history_has_the_counts_worked_out_by_hand() -> None:
    # Two PubMed files and one Embase file (12 records stored, 2 skipped); records 2 and
    # 3 are duplicates of 1, record 9 of 8.
    sources = [
        SourceFigures(1, "PubMed", SourceMethod.DATABASE, 5, 1),
        SourceFigures(2, "Embase", SourceMethod.DATABASE, 4, 0),
        SourceFigures(3, "PubMed", SourceMethod.DATABASE, 3, 1),
    ]
    record_sources = {r: 1 for r in range(1, 6)} | {r: 2 for r in range(6, 10)}
    record_sources |= {r: 3 for r in range(10, 13)}
    study_of = {2: 1, 3: 1, 9: 8}
    log = Log()
    # 9 studies: 1 4 5 6 7 8 10 11 12. Excluded at title/abstract: 4, 5. Unscreened: 12.
    for study in (1, 6, 7, 8, 10, 11):
        log.decide(study, TA, "alice", Verdict.INCLUDE)
    log.decide(4, TA, "alice", Verdict.EXCLUDE)
    log.decide(5, TA, "alice", Verdict.EXCLUDE)
    log.decide(12, TA, "alice", Verdict.INCLUDE)
    log.decide(12, TA, "alice", Verdict.UNDO)  # undone: unscreened again
    log.decide(2, TA, "alice", Verdict.MAYBE)  # record 2 is study 1: maybe replaces include
    log.retrieve(6, RetrievalStatus.NOT_RETRIEVED)
    log.retrieve(7, RetrievalStatus.SOUGHT)  # sought, no decision yet: awaiting retrieval
    log.decide(1, FT, "alice", Verdict.INCLUDE)
    log.decide(9, FT, "alice", Verdict.EXCLUDE, ("outcome",))  # study 8
    log.decide(10, FT, "alice", Verdict.EXCLUDE, ("design",))
    # study 11: at full text, not decided: awaiting assessment
    counts = prisma_counts(_inputs(sources, record_sources, log, study_of))
    assert counts.databases == (("PubMed", 10), ("Embase", 4))
    assert (counts.duplicates, counts.excluded_automatic, counts.excluded_other) == (3, 0, 2)
    assert counts.main == ColumnCounts(
        records_screened=8,
        records_excluded=2,
        records_awaiting_screening=1,
        reports_sought=6,
        reports_not_retrieved=1,
        reports_awaiting_retrieval=1,
        reports_assessed=3,
        reports_awaiting_assessment=1,
        reports_excluded=(("Not primary research", 1), ("No outcome", 1)),
        reports_included=1,
        screening_pending=(("unscreened", 1),),
        assessment_pending=(("unscreened", 2),),
    )
    assert (counts.studies_included, counts.reports_of_included_studies) == (1, 1)
    assert not counts.has_other_methods


def test_dual_screening_awaiting_and_conflicts_are_never_excluded() -> None:
    sources = [SourceFigures(1, "Scopus", SourceMethod.DATABASE, 4, 0)]
    record_sources = dict.fromkeys(range(1, 5), 1)
    log = Log()
    log.decide(1, TA, "alice", Verdict.EXCLUDE)  # awaiting bob
    log.decide(2, TA, "alice", Verdict.EXCLUDE)
    log.decide(2, TA, "bob", Verdict.INCLUDE)  # conflict
    log.decide(3, TA, "alice", Verdict.EXCLUDE)
    log.decide(3, TA, "bob", Verdict.EXCLUDE)  # excluded
    log.decide(4, TA, "alice", Verdict.INCLUDE)
    log.decide(4, TA, "bob", Verdict.EXCLUDE)
    log.resolve(4, TA, Verdict.INCLUDE)  # resolved: included
    log.decide(4, FT, "alice", Verdict.EXCLUDE, ("design",))
    log.decide(4, FT, "bob", Verdict.EXCLUDE, ("outcome",))  # conflict on the reason
    counts = prisma_counts(_inputs(sources, record_sources, log, needed=2))
    main = counts.main
    assert (main.records_screened, main.records_excluded, main.records_awaiting_screening) == (
        2,
        1,
        2,
    )
    assert (main.reports_assessed, main.reports_awaiting_assessment) == (0, 1)
    assert main.screening_pending == (("awaiting", 1), ("conflict", 1))
    assert main.assessment_pending == (("conflict", 1),)
    assert main.reports_excluded == ()
    log.resolve(4, FT, Verdict.EXCLUDE, ("outcome",))
    counts = prisma_counts(_inputs(sources, record_sources, log, needed=2))
    assert counts.main.reports_excluded == (("No outcome", 1),)
    log.resolve(4, FT, Verdict.UNDO)  # the resolution withdrawn: in conflict again
    assert prisma_counts(_inputs(sources, record_sources, log, needed=2)).main.reports_assessed == 0


def test_preprint_and_journal_version_are_two_reports_of_one_study() -> None:
    sources = [
        SourceFigures(1, "medRxiv", SourceMethod.DATABASE, 1, 0),
        SourceFigures(2, "PubMed", SourceMethod.DATABASE, 2, 0),
    ]
    record_sources = {1: 1, 2: 2, 3: 2}
    # Study 1 = records 1, 2, 3; record 3 duplicates record 2 (one report), 1 is a preprint.
    log = Log()
    for who in ("alice",):
        log.decide(1, TA, who, Verdict.INCLUDE)
        log.decide(1, FT, who, Verdict.INCLUDE)
    counts = prisma_counts(
        _inputs(sources, record_sources, log, study_of={2: 1, 3: 1}, report_of={3: 2})
    )
    assert counts.duplicates == 1
    assert (counts.main.records_screened, counts.main.reports_assessed) == (2, 2)
    assert (counts.studies_included, counts.reports_of_included_studies) == (1, 2)


def test_other_methods_have_their_own_column_and_a_shared_included_box() -> None:
    sources = [
        SourceFigures(1, "PubMed", SourceMethod.DATABASE, 2, 0),
        SourceFigures(2, "Citation searching", SourceMethod.CITATION, 3, 1),
        SourceFigures(3, "WHO", SourceMethod.WEBSITE, 1, 0),
    ]
    record_sources = {1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 3}
    study_of = {3: 1}  # a citation found again: a duplicate of a database record
    log = Log()
    for study in (1, 4, 5, 6):
        log.decide(study, TA, "alice", Verdict.INCLUDE)
    log.decide(2, TA, "alice", Verdict.EXCLUDE)
    log.retrieve(6, RetrievalStatus.NOT_RETRIEVED)
    log.decide(1, FT, "alice", Verdict.INCLUDE)
    log.decide(4, FT, "alice", Verdict.INCLUDE)
    log.decide(5, FT, "alice", Verdict.EXCLUDE, ("design",))
    counts = prisma_counts(_inputs(sources, record_sources, log, study_of))
    assert (counts.citations, counts.websites, counts.organisations) == (4, 1, 0)
    assert counts.other_records == 5 and counts.other_duplicates == 1
    assert counts.main.records_screened == 2 and counts.duplicates == 0
    other = counts.other
    assert (other.reports_sought, other.reports_not_retrieved, other.reports_assessed) == (3, 1, 2)
    assert other.reports_excluded == (("Not primary research", 1),)
    assert (counts.studies_included, counts.reports_of_included_studies) == (2, 2)


# -- hypothesis: any history keeps the arithmetic and never counts awaiting as excluded ------

METHODS = list(SourceMethod)
VERDICTS = [Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE, Verdict.UNDO]


History = tuple[PrismaInputs, dict[int, int], list[Decision]]


@st.composite
def histories(draw: st.DrawFn) -> History:
    sources, record_sources = [], {}
    next_id = 1
    for source_id in range(1, draw(st.integers(1, 4)) + 1):
        stored, skipped = draw(st.integers(0, 6)), draw(st.integers(0, 2))
        sources.append(
            SourceFigures(
                source_id,
                draw(st.sampled_from(["PubMed", "Embase", "X"])),
                draw(st.sampled_from(METHODS)),
                stored,
                skipped,
            )
        )
        for _ in range(stored):
            record_sources[next_id] = source_id
            next_id += 1
    records = sorted(record_sources)
    study_of: dict[int, int] = {}
    report_of: dict[int, int] = {}
    for i, record in enumerate(records):
        if i and draw(st.booleans()):
            other = draw(st.sampled_from(records[:i]))
            study_of[record] = study_of.get(other, other)
            if draw(st.booleans()):
                report_of[record] = report_of.get(other, other)
    # A report lies within a study: a report's first record is in the same study.
    report_of = {
        r: root for r, root in report_of.items() if study_of.get(root, root) == study_of.get(r, r)
    }
    log = Log()
    if records:
        for _ in range(draw(st.integers(0, 40))):
            record = draw(st.sampled_from(records))
            action = draw(st.sampled_from(["decide", "decide", "decide", "resolve", "retrieve"]))
            stage = draw(st.sampled_from([TA, FT]))
            if action == "decide":
                verdict = draw(st.sampled_from(VERDICTS))
                reasons = (
                    (draw(st.sampled_from(["design", "outcome", "gone"])),)
                    if (verdict is Verdict.EXCLUDE and stage is FT)
                    else ()
                )
                log.decide(
                    record, stage, draw(st.sampled_from(["alice", "bob", "carl"])), verdict, reasons
                )
            elif action == "resolve":
                verdict = draw(st.sampled_from([Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.UNDO]))
                log.resolve(
                    record, stage, verdict, ("design",) if verdict is Verdict.EXCLUDE else ()
                )
            else:
                log.retrieve(record, draw(st.sampled_from(list(RetrievalStatus))))
    studies = {study_of.get(r, r) for r in records}
    needed = {s: draw(st.integers(1, 3)) for s in studies}
    inputs = PrismaInputs(
        sources,
        record_sources,
        study_of,
        report_of,
        *log.split(),
        log.resolutions,
        log.retrievals,
        needed,
        REASONS,
    )
    return inputs, needed, log.decisions


def _column_arithmetic(column: ColumnCounts) -> None:
    assert column.records_screened - column.records_excluded == column.reports_sought
    assert (
        column.reports_sought - column.reports_not_retrieved - column.reports_awaiting_retrieval
        == column.reports_assessed + column.reports_awaiting_assessment
    )
    assert column.reports_assessed - column.reports_excluded_total == column.reports_included


@given(histories())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_flow_adds_up_for_any_history(history: History) -> None:
    inputs, _, _ = history
    counts = prisma_counts(inputs)
    main, other = counts.main, counts.other
    assert (
        counts.identified - counts.removed_before_screening
        == main.records_screened + main.records_awaiting_screening
    )
    _column_arithmetic(main)
    _column_arithmetic(other)
    for column in (main, other):
        assert sum(n for _, n in column.screening_pending) == column.records_awaiting_screening
        assert sum(n for _, n in column.assessment_pending) == (
            column.reports_awaiting_retrieval + column.reports_awaiting_assessment
        )
    other_reports = other.records_screened + other.records_awaiting_screening
    assert counts.other_records - counts.other_skipped - counts.other_duplicates == other_reports
    assert counts.reports_of_included_studies == main.reports_included + other.reports_included
    assert counts.studies_included <= counts.reports_of_included_studies
    awaiting = (
        main.records_awaiting_screening
        + main.reports_awaiting_retrieval
        + main.reports_awaiting_assessment
    )
    if not awaiting:  # the four equations, exactly
        assert counts.identified - counts.removed_before_screening == main.records_screened
        assert main.records_screened - main.records_excluded == main.reports_sought
        assert main.reports_sought - main.reports_not_retrieved == main.reports_assessed
        assert main.reports_assessed - main.reports_excluded_total == main.reports_included


def _oracle(
    inputs: PrismaInputs, needed: dict[int, int], decisions: list[Decision]
) -> dict[int, str]:
    """Where each study stands, worked out afresh from the events (a test oracle written
    independently of screening.py): 'awaiting' for anything not final."""

    def study(record: int) -> int:
        return inputs.study_of.get(record, record)

    def outcome(stage: Stage, s: int) -> str:
        latest: dict[str, Decision] = {}
        for d in decisions:  # already in time order
            if d.stage is stage and study(d.record_id) == s:
                latest[d.reviewer] = d
        made = sorted(
            (d for d in latest.values() if d.verdict is not Verdict.UNDO), key=lambda d: d.id
        )
        resolution = None
        for r in inputs.resolutions:
            if r.stage is stage and study(r.record_id) == s:
                resolution = r
        if resolution is not None and resolution.verdict is not Verdict.UNDO:
            return "in" if resolution.verdict is Verdict.INCLUDE else "out"
        if len(made) < needed.get(s, 1) or not made:
            return "awaiting"
        kinds = {d.verdict is Verdict.EXCLUDE for d in made}
        if len(kinds) > 1 or (stage is FT and len({d.reasons for d in made}) > 1 and True in kinds):
            return "awaiting"
        return "out" if True in kinds else "in"

    result = {}
    for s in {study(r) for r in inputs.record_sources}:
        first = outcome(TA, s)
        marks = [r for r in inputs.retrievals if study(r.record_id) == s]
        if first != "in":
            result[s] = "ta_" + first
        elif marks and marks[-1].status is RetrievalStatus.NOT_RETRIEVED:
            result[s] = "not_retrieved"
        else:
            result[s] = "ft_" + outcome(FT, s)
    return result


@given(histories())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_each_report_is_counted_where_its_study_stands(
    history: History,
) -> None:
    inputs, needed, decisions = history
    counts = prisma_counts(inputs)
    where = _oracle(inputs, needed, decisions)
    reports = {
        (inputs.study_of.get(r, r), inputs.report_of.get(r, r)) for r in inputs.record_sources
    }
    tally: dict[str, int] = {}
    for study, _ in reports:
        tally[where[study]] = tally.get(where[study], 0) + 1
    both = [counts.main, counts.other]
    assert sum(c.records_awaiting_screening for c in both) == tally.get("ta_awaiting", 0)
    assert sum(c.records_excluded for c in both) == tally.get("ta_out", 0)
    assert sum(c.reports_not_retrieved for c in both) == tally.get("not_retrieved", 0)
    assert sum(c.reports_excluded_total for c in both) == tally.get("ft_out", 0)
    assert sum(c.reports_included for c in both) == tally.get("ft_in", 0)
    assert sum(
        c.reports_awaiting_retrieval + c.reports_awaiting_assessment for c in both
    ) == tally.get("ft_awaiting", 0)
    assert counts.studies_included == sum(1 for w in where.values() if w == "ft_in")


# -- the project-level function ------------------------------------------------------------


def test_project_counts_agree_with_the_review_state(tmp_path: Path) -> None:
    project_dir = screened_demo(tmp_path / "demo")
    with open_project(project_dir) as project:
        counts: PrismaCounts = project_prisma(project)
        state = review_state(project)
    title = state.states[TA]
    final = sum(1 for s in title.values() if s.final)
    assert counts.main.records_screened == final == 17
    assert counts.main.records_excluded == state.count(TA, StudyStatus.EXCLUDED) == 4
    assert counts.main.records_awaiting_screening == len(title) - final == 4
    assert counts.main.reports_included == state.count(FT, StudyStatus.INCLUDED) == 5
    assert counts.main.reports_excluded_total == state.count(FT, StudyStatus.EXCLUDED) == 4
    assert counts.duplicates == 9 and counts.database_results == 30
