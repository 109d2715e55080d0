"""Deduplication of a project: runs, the review of uncertain pairs, studies and the map."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from screener.dedup.kinds import RelatedKind
from screener.dedup.links import (
    Clustering,
    FieldComparison,
    PairState,
    cluster,
    compare_records,
    latest_reviewer_decision,
    links_in_force,
    merging_links,
    pair_states,
)
from screener.dedup.rule_names import related_kind_of
from screener.errors import ScreenerError
from screener.models import DedupEvent, LinkMethod, LinkVerdict, StoredRecord
from screener.project import Project
from screener.store import NewDedupEvent

if TYPE_CHECKING:
    from screener.dedup import matching as dedup

REVIEWER_VERDICTS = (LinkVerdict.SAME, LinkVerdict.DIFFERENT, LinkVerdict.SKIP)


@dataclass(frozen=True, slots=True)
class DedupReport:
    """Deduplication figures: after a run (``new_records_compared`` and ``candidates_found``
    set) or of the project as it stands (both None). ``studies_outdated``: the stored studies
    differ from what the link log gives under the protocol's current [dedup] settings (edited
    since the last write); the next run stores them. ``related_by_kind`` splits the RELATED
    links (never merged) by what relates the two records (preprint, correction, ...)."""

    records: int
    studies: int
    duplicates_removed_automatic: int
    duplicates_removed_by_reviewer: int
    related_links: int
    pairs_awaiting_review: int
    blocked_links: int
    records_not_compared: int
    new_records_compared: int | None = None
    candidates_found: int | None = None
    dry_run: bool = False
    studies_outdated: bool = False
    related_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def duplicates_removed(self) -> int:
        return self.duplicates_removed_automatic + self.duplicates_removed_by_reviewer

    def as_dict(self) -> dict[str, Any]:
        """The JSON object `screener dedup --json` prints (keys documented in the README)."""
        return {
            "records": self.records,
            "studies": self.studies,
            "duplicates_removed": {
                "total": self.duplicates_removed,
                "automatic": self.duplicates_removed_automatic,
                "by_reviewer": self.duplicates_removed_by_reviewer,
            },
            "related_links": self.related_links,
            "related_links_by_kind": dict(self.related_by_kind),
            "pairs_awaiting_review": self.pairs_awaiting_review,
            "blocked_links": self.blocked_links,
            "records_not_compared": self.records_not_compared,
            "new_records_compared": self.new_records_compared,
            "candidates_found": self.candidates_found,
            "dry_run": self.dry_run,
            "studies_outdated": self.studies_outdated,
        }


@dataclass(frozen=True, slots=True)
class _Links:
    """The link state of a project, derived from its events."""

    states: dict[tuple[int, int], PairState]
    clustering: Clustering
    merge_preprints: bool

    def pending(self) -> list[PairState]:
        """Pairs awaiting a reviewer, skipped ones last. One pair stands for each two studies
        (the most alike): a decision on it settles the others. Pairs whose records are one
        study through other links, or whose studies a reviewer declared different, need none."""
        study = self.clustering.study
        declared_different = {
            frozenset((study(s.a), study(s.b)))
            for s in self.states.values()
            if s.verdict is LinkVerdict.DIFFERENT
        }
        waiting = sorted(
            (s for s in self.states.values() if s.verdict is LinkVerdict.REVIEW),
            key=lambda s: (s.skipped, -s.score, s.a, s.b),
        )
        chosen: dict[frozenset[int], PairState] = {}
        for s in waiting:
            studies = frozenset((study(s.a), study(s.b)))
            if len(studies) == 2 and studies not in declared_different:
                chosen.setdefault(studies, s)
        return list(chosen.values())

    def joining(self) -> list[PairState]:
        return merging_links(self.states, merge_preprints=self.merge_preprints)


def _links(project: Project, events: Sequence[DedupEvent], record_ids: Iterable[int]) -> _Links:
    states = pair_states(events)
    merge_preprints = project.protocol.merge_preprints
    return _Links(
        states, cluster(record_ids, states, merge_preprints=merge_preprints), merge_preprints
    )


def _current_links(project: Project) -> _Links:
    store = project.store
    return _links(project, store.links.events(), store.records.ids())


def _rederive(project: Project) -> _Links:
    """Re-derive the studies cache from the events; call inside the writing transaction."""
    links = _current_links(project)
    project.store.links.replace_study_map(links.clustering.study_of)
    return links


def _report(
    links: _Links,
    *,
    records_not_compared: int,
    new_records_compared: int | None = None,
    candidates_found: int | None = None,
    dry_run: bool = False,
    studies_outdated: bool = False,
) -> DedupReport:
    clustering = links.clustering
    related = Counter(
        related_kind_of(s.rule) for s in links.states.values() if s.verdict is LinkVerdict.RELATED
    )
    return DedupReport(
        records=clustering.records,
        studies=clustering.studies,
        duplicates_removed_automatic=clustering.removed_automatic,
        duplicates_removed_by_reviewer=clustering.removed_by_reviewer,
        related_links=sum(related.values()),
        related_by_kind={str(kind): related[kind] for kind in RelatedKind},
        pairs_awaiting_review=len(links.pending()),
        blocked_links=len(clustering.blocked),
        records_not_compared=records_not_compared,
        new_records_compared=new_records_compared,
        candidates_found=candidates_found,
        dry_run=dry_run,
        studies_outdated=studies_outdated,
    )


# -- runs --------------------------------------------------------------------------------


def _new_events(
    candidates: Iterable[dedup.Candidate], events: Iterable[DedupEvent]
) -> list[NewDedupEvent]:
    """One automatic event per candidate pair that has no event yet: a pair is judged once,
    so a later run never adds a second opinion to a pair already decided or reviewed."""
    judged = {(e.record_a, e.record_b) for e in events}
    new: list[NewDedupEvent] = []
    for c in candidates:
        pair = (min(c.a, c.b), max(c.a, c.b))
        if pair[0] == pair[1] or pair in judged:
            continue
        judged.add(pair)
        new.append(NewDedupEvent(*pair, c.verdict, c.method, c.score, c.reason, rule=c.rule))
    return new


def run_dedup(
    project: Project,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DedupReport:
    """Find duplicates among the records imported since the last run (against all records),
    store one automatic event per newly judged pair, record the run and re-derive the
    studies, all in one transaction. ``dry_run`` reports the same figures, writing nothing.

    Matching runs before the write lock is taken, so reviewers are not held up meanwhile;
    records imported during it have higher ids and are compared by the next run.
    """
    store = project.store
    last = store.links.last_run()
    compared_before = last.compared_up_to if last else 0
    inputs = store.records.match_inputs()
    from screener.dedup import (
        matching as dedup,
    )  # numpy and rapidfuzz: only runs that match need them

    candidates = dedup.find_candidates(inputs, compared_up_to=compared_before, progress=progress)
    compared_up_to = max([compared_before, *(r.id for r in inputs)])
    new_records = _not_compared((r.id for r in inputs), compared_before)
    if dry_run:
        return _dry_run_report(project, candidates, compared_up_to, new_records)
    with store.transaction():
        # Read inside the write lock: the pairs judged by now, whoever judged them.
        new = _new_events(candidates, store.links.events())
        saved = store.links.add_run(
            compared_up_to=compared_up_to, records=len(inputs), candidates=len(candidates)
        )
        store.links.add_events(new, run_id=saved.id)
        links = _rederive(project)
        not_compared = _not_compared(store.records.ids(), compared_up_to)
    return _report(
        links,
        records_not_compared=not_compared,
        new_records_compared=new_records,
        candidates_found=len(candidates),
    )


def _dry_run_report(
    project: Project,
    candidates: Sequence[dedup.Candidate],
    compared_up_to: int,
    new_records: int,
) -> DedupReport:
    """The figures a run would give: the events it would write are added in memory only."""
    store = project.store
    events = store.links.events()
    next_id = max((e.id for e in events), default=0) + 1
    now = datetime.now(UTC)
    simulated = [
        DedupEvent(
            next_id + i,
            e.record_a,
            e.record_b,
            e.verdict,
            e.method,
            e.score,
            e.reason,
            e.reviewer,
            None,
            now,
            e.rule,
        )
        for i, e in enumerate(_new_events(candidates, events))
    ]
    record_ids = store.records.ids()
    stored_now = _links(project, events, record_ids).clustering.study_of
    return _report(
        _links(project, [*events, *simulated], record_ids),
        records_not_compared=_not_compared(record_ids, compared_up_to),
        new_records_compared=new_records,
        candidates_found=len(candidates),
        dry_run=True,
        studies_outdated=stored_now != store.links.study_map(),
    )


def _not_compared(record_ids: Iterable[int], compared_up_to: int) -> int:
    return sum(1 for record_id in record_ids if record_id > compared_up_to)


def dedup_summary(project: Project) -> DedupReport:
    """The project's deduplication figures as they stand (no run)."""
    store = project.store
    record_ids = store.records.ids()
    last = store.links.last_run()
    links = _links(project, store.links.events(), record_ids)
    return _report(
        links,
        records_not_compared=_not_compared(record_ids, last.compared_up_to if last else 0),
        studies_outdated=links.clustering.study_of != store.links.study_map(),
    )


# -- reviewing uncertain pairs -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewPair:
    """A pair of records awaiting a reviewer, with their fields side by side."""

    a: StoredRecord
    b: StoredRecord
    fields: tuple[FieldComparison, ...]
    score: float
    reason: str
    skipped: bool


@dataclass(frozen=True, slots=True)
class RelatedPair:
    """Two records linked as related items (never merged) and what relates them."""

    a: StoredRecord
    b: StoredRecord
    kind: RelatedKind
    reason: str


def related_pairs(project: Project) -> list[RelatedPair]:
    """The RELATED links in force (a reviewer may have overruled some), in record order."""
    states = _current_links(project).states
    related = [s for s in states.values() if s.verdict is LinkVerdict.RELATED]
    records = project.store.records.by_id(r for s in related for r in (s.a, s.b))
    return [
        RelatedPair(records[s.a], records[s.b], related_kind_of(s.rule), s.reason) for s in related
    ]


def pending_pairs(project: Project) -> list[ReviewPair]:
    """Pairs a reviewer must decide, the most alike first and skipped pairs last."""
    pending = _current_links(project).pending()
    records = project.store.records.by_id(r for s in pending for r in (s.a, s.b))
    return [
        ReviewPair(
            a=records[s.a],
            b=records[s.b],
            fields=compare_records(records[s.a].record, records[s.b].record),
            score=s.score,
            reason=s.reason,
            skipped=s.skipped,
        )
        for s in pending
    ]


def _pair(a: int, b: int) -> tuple[int, int]:
    if a == b:
        raise ScreenerError(f"record {a} cannot be paired with itself")
    return (a, b) if a < b else (b, a)


def _reviewer(name: str) -> str:
    if not name.strip():
        raise ScreenerError("a reviewer name is needed for a duplicate decision")
    return name.strip()


def _check_records(project: Project, *record_ids: int) -> None:
    found = project.store.records.by_id(record_ids)
    missing = sorted(set(record_ids) - found.keys())
    if missing:
        raise ScreenerError(f"no record {', '.join(map(str, missing))} in this project")


def decide_pair(
    project: Project, a: int, b: int, verdict: LinkVerdict, reviewer: str
) -> PairState | None:
    """Record a reviewer's SAME, DIFFERENT or SKIP on a pair (any pair: a reviewer may also
    link records the automatic run missed) and re-derive the studies. SKIP is only for pairs
    awaiting review. Returns the pair's state now in force."""
    if verdict not in REVIEWER_VERDICTS:
        raise ScreenerError(f"a pair decision is same, different or skip, not {verdict}")
    pair, name = _pair(a, b), _reviewer(reviewer)
    store = project.store
    with store.transaction():
        _check_records(project, *pair)
        state = pair_states(store.links.events()).get(pair)
        awaiting = state is not None and state.verdict is LinkVerdict.REVIEW
        if verdict is LinkVerdict.SKIP and not awaiting:
            raise ScreenerError(
                f"records {pair[0]} and {pair[1]} are not awaiting review; only such pairs "
                "can be skipped"
            )
        event = NewDedupEvent(*pair, verdict, LinkMethod.REVIEWER, reviewer=name)
        store.links.add_events([event])
        links = _rederive(project)
    return links.states.get(pair)


def undo_pair_decision(project: Project, reviewer: str) -> tuple[int, int] | None:
    """Withdraw the reviewer's latest pair decision still in force; returns its pair, or None
    when the reviewer has nothing left to undo."""
    name = _reviewer(reviewer)
    store = project.store
    with store.transaction():
        latest = latest_reviewer_decision(store.links.events(), name)
        if latest is None:
            return None
        pair = (latest.record_a, latest.record_b)
        store.links.add_events(
            [NewDedupEvent(*pair, LinkVerdict.UNDO, LinkMethod.REVIEWER, reviewer=name)]
        )
        _rederive(project)
    return pair


def split_record(project: Project, record_id: int, reviewer: str) -> tuple[tuple[int, int], ...]:
    """Make a record its own study again: a reviewer DIFFERENT on every link in force that
    joins it to another record. Returns the pairs so marked (none: it was already alone)."""
    name = _reviewer(reviewer)
    store = project.store
    with store.transaction():
        _check_records(project, record_id)
        links = _current_links(project)
        touching = [(s.a, s.b) for s in links.joining() if record_id in (s.a, s.b)]
        if not touching:
            return ()
        store.links.add_events(
            NewDedupEvent(a, b, LinkVerdict.DIFFERENT, LinkMethod.REVIEWER, reviewer=name)
            for a, b in touching
        )
        _rederive(project)
    return tuple(touching)


def study_of(project: Project, record_id: int) -> int:
    """The study a record belongs to: the smallest record id among its duplicates."""
    _check_records(project, record_id)
    return project.store.links.study_of(record_id)


def study_records(project: Project, study_id: int) -> list[StoredRecord]:
    """The records of a study, in import order; any member's id names its study."""
    _check_records(project, study_id)
    store = project.store
    ids = store.links.members(store.links.study_of(study_id))
    records = store.records.by_id(ids)
    return [records[i] for i in ids]


# -- the record -> study map -------------------------------------------------------------

DEDUP_MAP_COLUMNS = (
    "source_file",
    "source_id",
    "source_record_id",
    "record_id",
    "study_id",
    "link_method",
    "link_rule",
)
_METHOD_ORDER = (LinkMethod.EXACT_ID, LinkMethod.RULE, LinkMethod.REVIEWER)


@dataclass(frozen=True, slots=True)
class DedupMapRow:
    """One record of the dedup map: where it came from and which study it belongs to.
    ``link_method`` lists how the links in force that join it were made and ``link_rule``
    the matching rules behind the automatic ones (each ';'-separated, in a fixed order)."""

    source_file: str
    source_id: int
    source_record_id: str
    record_id: int
    study_id: int
    link_method: str = ""
    link_rule: str = ""

    def values(self) -> tuple[str | int, ...]:
        return (
            self.source_file,
            self.source_id,
            self.source_record_id,
            self.record_id,
            self.study_id,
            self.link_method,
            self.link_rule,
        )


def dedup_map_rows(project: Project) -> list[DedupMapRow]:
    """One row per record in import order (see :data:`DEDUP_MAP_COLUMNS`)."""
    store = project.store
    links = _current_links(project)
    methods: dict[int, set[LinkMethod]] = defaultdict(set)
    rules: dict[int, set[str]] = defaultdict(set)
    for link in links_in_force(links.clustering, links.joining()):
        methods[link.a].add(link.method)
        methods[link.b].add(link.method)
        if link.method is not LinkMethod.REVIEWER and link.rule:
            rules[link.a].add(link.rule)
            rules[link.b].add(link.rule)
    return [
        DedupMapRow(
            source_file=origin.source_file,
            source_id=origin.source_id,
            source_record_id=origin.source_record_id,
            record_id=origin.record_id,
            study_id=links.clustering.study(origin.record_id),
            link_method=";".join(m for m in _METHOD_ORDER if m in methods[origin.record_id]),
            link_rule=";".join(sorted(rules[origin.record_id])),
        )
        for origin in store.records.origins()
    ]
