"""Duplicate links derived from the link event log: pair states, studies, merged study views."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screener.dedup.kinds import RelatedKind
from screener.dedup.rule_names import related_kind_of
from screener.importers.fields import fold
from screener.models import DedupEvent, LinkMethod, LinkVerdict, Record, StoredRecord

# What a reviewer event does to the pair's stack; UNDO pops instead.
_REVIEWER_PUSHES = frozenset({LinkVerdict.SAME, LinkVerdict.DIFFERENT, LinkVerdict.SKIP})
_AUTOMATIC_METHODS = (LinkMethod.EXACT_ID, LinkMethod.RULE)


@dataclass(frozen=True, slots=True)
class PairState:
    """The verdict in force on a pair of records (``a < b``).

    ``verdict`` is SAME, RELATED, REVIEW or DIFFERENT; ``reviewer`` is '' when the verdict is
    automatic; ``skipped`` marks an automatic REVIEW verdict a reviewer has put off.
    ``score``, ``reason`` and ``rule`` are those of the automatic judgement (0 and '' without
    one).
    """

    a: int
    b: int
    verdict: LinkVerdict
    method: LinkMethod
    score: float = 0.0
    reason: str = ""
    reviewer: str = ""
    skipped: bool = False
    rule: str = ""


def reviewer_stacks(events: Iterable[DedupEvent]) -> dict[tuple[int, int], list[DedupEvent]]:
    """The reviewer events still in force per pair, oldest first: SAME, DIFFERENT and SKIP
    push; a reviewer's UNDO removes that reviewer's latest event still on the pair's stack."""
    stacks: dict[tuple[int, int], list[DedupEvent]] = defaultdict(list)
    for event in sorted(events, key=lambda e: e.id):
        if event.method is not LinkMethod.REVIEWER:
            continue
        stack = stacks[(event.record_a, event.record_b)]
        if event.verdict in _REVIEWER_PUSHES:
            stack.append(event)
        elif event.verdict is LinkVerdict.UNDO:
            for index in range(len(stack) - 1, -1, -1):
                if stack[index].reviewer == event.reviewer:
                    del stack[index]
                    break
    return {pair: stack for pair, stack in stacks.items() if stack}


def latest_reviewer_decision(events: Iterable[DedupEvent], reviewer: str) -> DedupEvent | None:
    """The reviewer's most recent pair decision that has not been undone."""
    mine = [
        event
        for stack in reviewer_stacks(events).values()
        for event in stack
        if event.reviewer == reviewer
    ]
    return max(mine, key=lambda e: e.id) if mine else None


def pair_states(events: Iterable[DedupEvent]) -> dict[tuple[int, int], PairState]:
    """The verdict in force per pair. A reviewer's SAME or DIFFERENT in force wins over any
    automatic event, so a later automatic run never overturns a person's decision; a SKIP
    leaves the automatic verdict in force, marked skipped; otherwise the latest automatic
    event counts. Pairs with nothing in force are left out (they are different)."""
    ordered = sorted(events, key=lambda e: e.id)
    automatic: dict[tuple[int, int], DedupEvent] = {}
    for event in ordered:
        if event.method in _AUTOMATIC_METHODS:
            automatic[(event.record_a, event.record_b)] = event
    stacks = reviewer_stacks(ordered)
    states: dict[tuple[int, int], PairState] = {}
    for pair in sorted(automatic.keys() | stacks.keys()):
        auto = automatic.get(pair)
        top = stacks[pair][-1] if pair in stacks else None
        score, reason, rule = (auto.score, auto.reason, auto.rule) if auto else (0.0, "", "")
        if top is not None and top.verdict is not LinkVerdict.SKIP:
            states[pair] = PairState(
                *pair, top.verdict, LinkMethod.REVIEWER, score, reason, top.reviewer, rule=rule
            )
        elif auto is not None:
            skipped = top is not None  # the top of the stack can only be a SKIP here
            states[pair] = PairState(
                *pair, auto.verdict, auto.method, score, reason, "", skipped, rule
            )
    return states


@dataclass(frozen=True, slots=True)
class Clustering:
    """Which records are one study.

    ``study_of`` maps each record that is not its own study to its study id (the smallest
    record id in its cluster). ``removed_automatic`` and ``removed_by_reviewer`` count the
    unions made by automatic and reviewer links: each removes one duplicate. ``blocked``
    holds the links not applied because they would join two records a reviewer declared
    different.
    """

    study_of: dict[int, int]
    removed_automatic: int
    removed_by_reviewer: int
    blocked: tuple[PairState, ...]
    records: int

    @property
    def studies(self) -> int:
        return self.records - len(self.study_of)

    @property
    def removed(self) -> int:
        return self.removed_automatic + self.removed_by_reviewer

    def study(self, record_id: int) -> int:
        return self.study_of.get(record_id, record_id)

    def same_study(self, a: int, b: int) -> bool:
        return self.study(a) == self.study(b)


def _link_order(state: PairState) -> tuple[int, float, int, int]:
    rank = {LinkMethod.EXACT_ID: 0, LinkMethod.RULE: 1, LinkMethod.REVIEWER: 2}[state.method]
    return rank, -state.score if state.method is LinkMethod.RULE else 0.0, state.a, state.b


def _joins(state: PairState, merge_preprints: bool) -> bool:
    if state.verdict is LinkVerdict.SAME:
        return True
    # [dedup] merge_preprints joins a preprint to its journal version; other related items
    # (a correction, a reply, a registry entry) are never one study with their article
    return (
        merge_preprints
        and state.verdict is LinkVerdict.RELATED
        and related_kind_of(state.rule) is RelatedKind.PREPRINT
    )


def merging_links(
    states: dict[tuple[int, int], PairState], *, merge_preprints: bool = False
) -> list[PairState]:
    """The links that join records into one study, in the order they are applied: exact id,
    then rule links by descending score, then reviewer links."""
    return sorted((s for s in states.values() if _joins(s, merge_preprints)), key=_link_order)


def cluster(
    record_ids: Iterable[int],
    states: dict[tuple[int, int], PairState],
    *,
    merge_preprints: bool = False,
) -> Clustering:
    """Union-find over the joining links (see :func:`merging_links`) with reviewer DIFFERENT
    verdicts as cannot-links: a union that would put two such records in one study is not
    made and is reported in ``blocked``."""
    parent: dict[int, int] = {}  # a record absent from it is its own root
    links = merging_links(states, merge_preprints=merge_preprints)
    all_ids = set(record_ids)
    all_ids.update(record for state in states.values() for record in (state.a, state.b))

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    # Per cluster root: the records its members were declared different from.
    cannot: dict[int, set[int]] = defaultdict(set)
    for state in states.values():
        if state.verdict is LinkVerdict.DIFFERENT and state.method is LinkMethod.REVIEWER:
            cannot[state.a].add(state.b)
            cannot[state.b].add(state.a)

    removed = {"automatic": 0, "reviewer": 0}
    blocked: list[PairState] = []
    for link in links:
        root_a, root_b = find(link.a), find(link.b)
        if root_a == root_b:
            continue
        if any(find(other) == root_b for other in cannot.get(root_a, ())):
            blocked.append(link)
            continue
        # The smaller id becomes the root, so each root is its cluster's smallest id.
        keep, join = min(root_a, root_b), max(root_a, root_b)
        parent[join] = keep
        if join in cannot:
            cannot[keep] |= cannot.pop(join)
        removed["reviewer" if link.method is LinkMethod.REVIEWER else "automatic"] += 1

    study_of = {record: root for record in list(parent) if (root := find(record)) != record}
    return Clustering(
        study_of=study_of,
        removed_automatic=removed["automatic"],
        removed_by_reviewer=removed["reviewer"],
        blocked=tuple(blocked),
        records=len(all_ids),
    )


def links_in_force(clustering: Clustering, links: Iterable[PairState]) -> list[PairState]:
    """The joining links that hold: both records ended up in one study (not blocked)."""
    return [link for link in links if clustering.same_study(link.a, link.b)]


# -- merged view of a study -------------------------------------------------------------

_MERGED_FIELDS = (
    "title",
    "abstract",
    "authors",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
)
_LONGEST = ("title", "abstract", "journal", "authors")  # longest text / most authors wins
_COMPLETENESS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "issn",
    "keywords",
    "type",
    "language",
)


@dataclass(frozen=True, slots=True)
class MergedStudy:
    """A study as one citation: the most complete value of each field from its records;
    ``supplied_by`` names the record each non-empty field was taken from."""

    study_id: int
    record_ids: tuple[int, ...]
    title: str
    abstract: str
    authors: tuple[str, ...]
    journal: str
    year: int | None
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    supplied_by: dict[str, int]


def completeness(record: Record) -> int:
    """How many of a record's descriptive fields are filled."""
    return sum(1 for name in _COMPLETENESS if getattr(record, name) not in ("", (), None))


def merged_study(records: Sequence[StoredRecord]) -> MergedStudy:
    """Merge a study's records (at least one): the longest title, abstract and journal, the
    longest author list, and DOI, PMID, year, volume, issue and pages from a record that has
    them; ties go to the most complete record, then to the smallest id."""
    if not records:
        raise ValueError("a study has at least one record")
    # Most complete first, then smallest id: the tie-break for every field.
    ranked = sorted(records, key=lambda r: (-completeness(r.record), r.id))
    values: dict[str, object] = {}
    supplied_by: dict[str, int] = {}
    for name in _MERGED_FIELDS:
        having = [r for r in ranked if getattr(r.record, name) not in ("", (), None)]
        if not having:
            values[name] = getattr(ranked[0].record, name)
            continue
        if name in _LONGEST:  # max() keeps the first of equals: the best-ranked record
            chosen = max(having, key=lambda r: len(getattr(r.record, name)))
        else:
            chosen = having[0]
        values[name] = getattr(chosen.record, name)
        supplied_by[name] = chosen.id
    return MergedStudy(
        study_id=min(r.id for r in records),
        record_ids=tuple(sorted(r.id for r in records)),
        supplied_by=supplied_by,
        **values,  # type: ignore[arg-type]
    )


# -- side-by-side comparison for the review screen --------------------------------------


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """One field of two records side by side; ``same`` after light normalisation (case,
    accents, punctuation and spacing ignored)."""

    field: str
    label: str
    value_a: str
    value_b: str
    same: bool


_NOT_WORD = re.compile(r"[\W_]+")


def _light(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def _author_key(author: str) -> str:
    """Family name and first initial: 'Smith, John A.' and 'Smith, J' compare equal."""
    family, _, given = author.partition(",")
    initial = _light(given)[:1]
    return f"{_light(family)} {initial}".strip()


def _pages(record: Record) -> str:
    if record.start_page and record.end_page and record.end_page != record.start_page:
        return f"{record.start_page}-{record.end_page}"
    return record.start_page or record.pages


def _journal_same(a: Record, b: Record) -> bool:
    names_a = {_light(n) for n in (a.journal, a.journal_abbrev) if n}
    names_b = {_light(n) for n in (b.journal, b.journal_abbrev) if n}
    return names_a == names_b if not (names_a and names_b) else bool(names_a & names_b)


def compare_records(a: Record, b: Record) -> tuple[FieldComparison, ...]:
    """The fields a reviewer compares to decide whether two records are one study."""

    def text(name: str, label: str, value_a: str, value_b: str) -> FieldComparison:
        return FieldComparison(name, label, value_a, value_b, _light(value_a) == _light(value_b))

    authors_same = [_author_key(x) for x in a.authors] == [_author_key(x) for x in b.authors]
    year_a = "" if a.year is None else str(a.year)
    year_b = "" if b.year is None else str(b.year)
    journal_a, journal_b = a.journal or a.journal_abbrev, b.journal or b.journal_abbrev
    return (
        text("title", "Title", a.title, b.title),
        FieldComparison(
            "authors", "Authors", "; ".join(a.authors), "; ".join(b.authors), authors_same
        ),
        text("year", "Year", year_a, year_b),
        FieldComparison("journal", "Journal", journal_a, journal_b, _journal_same(a, b)),
        text("volume", "Volume", a.volume, b.volume),
        text("issue", "Issue", a.issue, b.issue),
        text("pages", "Pages", _pages(a), _pages(b)),
        FieldComparison("doi", "DOI", a.doi, b.doi, a.doi.casefold() == b.doi.casefold()),
        FieldComparison("pmid", "PMID", a.pmid, b.pmid, a.pmid == b.pmid),
        text("type", "Type", a.type, b.type),
        text("abstract", "Abstract", a.abstract, b.abstract),
    )
