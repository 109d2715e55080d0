"""What the project's own records say about its values: how common each value is (for
term-frequency adjusted weights), which titles several different items share, and how
reliably the project's exports record volumes, issues and pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import attrgetter

from screener.dedup.normalise import journals_agree
from screener.dedup.prepared import Prepared

# A title with fewer significant words names a subject or a recurring section ("Editorial",
# "Remarks from the editor", "Book reviews", "Reply") rather than one paper: many unrelated
# items carry it, however few of them this project holds.
GENERIC_WORDS = 4
# Copies of one paper exported by different databases: a group of more records with one
# title is not a set of copies, and cannot teach how copies differ.
MAX_COPIES = 6
# How often copies agree on a field when nothing is known about the project's exports
# (prior of the estimate below, worth PRIOR_PAIRS pairs).
DEFAULT_AGREEMENT = {"journal": 0.85, "volume": 0.95, "issue": 0.92, "page": 0.93}
PRIOR_PAIRS = 10
# A field on which copies agree less often than this is recorded too unreliably by this
# project's exports for a disagreement to tell two papers apart.
RELIABLE = 0.8
PAGE_SLACK = 2  # first pages this close may be one article (a cover page counted)
MAX_ITEMS = 64  # different items of one title worth counting (see _title_group)


@dataclass(frozen=True, slots=True)
class Reliability:
    """How often copies of one paper agree on ``field``: ``agree`` of ``compared`` pairs of
    near-certain copies (same distinctive title, first author and year) in this project,
    and the estimate ``m`` that also weighs in the default."""

    field: str
    agree: int
    compared: int
    m: float

    @property
    def reliable(self) -> bool:
        return self.m >= RELIABLE


# The fields a series shares (its journal, editor, year and volume): for a generic title
# they cannot tell one item from another however few items the project holds.
CONTEXT = frozenset({"authors", "journal", "year", "volume"})
# The values counted for term frequencies (a year as text, as tf() is asked for it).
_COUNTED: dict[str, Callable[[Prepared], str]] = {
    "author": lambda r: r.authors[0][0] if r.authors else "",
    "venue": attrgetter("venue"),
    "year": lambda r: str(r.year) if r.year else "",
    "volume": attrgetter("volume"),
    "issue": attrgetter("issue"),
    "page": attrgetter("page"),
    "doi": attrgetter("doi"),
    "pmid": attrgetter("pmid"),
}
# Evidence field names of the values a title group is checked for.
_GROUP_FIELDS = {
    "authors": lambda r: r.authors[0][0] if r.authors else "",
    "journal": lambda r: r.venue,
    "year": lambda r: r.year or 0,
    "volume": lambda r: r.volume,
    "issue": lambda r: r.issue,
    "pages": lambda r: r.page,
}


@dataclass(frozen=True, slots=True)
class TitleGroup:
    """Records that share one folded title. ``items`` estimates how many different items
    they are (see _title_group); ``constant`` names the fields on which all of the records
    that have them agree (years within one), which therefore cannot tell those items apart."""

    records: int
    items: int
    constant: frozenset[str]


class Frequencies:
    """Counts of the values of a project's records, its recurring titles and its fields'
    reliability; every weight that depends on the project reads it from here."""

    def __init__(self, records: Sequence[Prepared]) -> None:
        self.n = max(1, len(records))
        self.counts: dict[str, Counter[str]] = {
            name: Counter(v for v in map(value, records) if v) for name, value in _COUNTED.items()
        }
        # lists only for the titles several records share: one per record would cost the
        # collector more than the counting
        titles = Counter(r.title_key for r in records if r.title_key)
        shared: dict[str, list[Prepared]] = defaultdict(list)
        for record in records:
            if titles[record.title_key] > 1:
                shared[record.title_key].append(record)
        self.reliability = _reliability(shared.values())
        reliable = frozenset(f for f, r in self.reliability.items() if r.reliable)
        self.groups = {title: _title_group(group, reliable) for title, group in shared.items()}

    def tf(self, name: str, value: str) -> float:
        """How common ``value`` is among the project's records (at least one record's worth):
        the chance that an unrelated record has it (Splink's term frequency)."""
        return max(self.counts[name][value], 1) / self.n

    def tf_others(self, name: str, a: str, b: str) -> float:
        """How common a pair's values are among the other records (the commoner of the two
        when they differ): the pair's own copies are no evidence that other papers share
        a value (Splink counts them, which understates a rare value)."""
        counts = self.counts[name]
        if a == b:
            return max(counts[a] - 2, 1) / self.n
        return max(counts[a] - 1, counts[b] - 1, 1) / self.n

    def items(self, title: str) -> int:
        """How many different items carry this title (a ``title_key``) in the project (at
        least 1: the record's own)."""
        group = self.groups.get(title)
        return group.items if group else 1

    def recurring(self, record: Prepared) -> bool:
        """Whether the record's title is one several different items carry: shared by
        items this project shows to be different, or too short to name one paper."""
        return record.significant < GENERIC_WORDS or self.items(record.title_key) > 1

    def blind(self, x: Prepared, y: Prepared) -> frozenset[str]:
        """The fields whose agreement cannot tell the items of the pair's titles apart: the
        series fields of a generic title, and any field all the items of a title shared by
        several share (the first page of an editorial series, the journal of a reprint)."""
        blind = CONTEXT if min(x.significant, y.significant) < GENERIC_WORDS else frozenset()
        for title in {x.title_key, y.title_key}:
            group = self.groups.get(title)
            if group is not None and group.items > 1:
                blind |= group.constant
        return blind

    def reliable(self, field: str) -> bool:
        """Whether a difference in ``field`` tells two papers apart in this project."""
        return self.reliability[field].reliable

    def m(self, field: str) -> float:
        """How often copies of one paper agree on ``field`` in this project."""
        return self.reliability[field].m


def pages_close(a: str, b: str) -> bool:
    """Two plain first pages at most PAGE_SLACK apart."""
    return a.isdigit() and b.isdigit() and abs(int(a) - int(b)) <= PAGE_SLACK


def _anchor_pairs(groups: Iterable[list[Prepared]]) -> Iterable[tuple[Prepared, Prepared]]:
    """Pairs that are copies of one paper beyond reasonable doubt without looking at volume,
    issue or pages: the same distinctive title (not a notice), the same first author and
    years at most one apart, in a group small enough to be a set of copies."""
    for group in groups:
        if len(group) > MAX_COPIES or group[0].significant < GENERIC_WORDS or group[0].kinds:
            continue
        for x, y in combinations(group, 2):
            if (
                x.channel is y.channel
                and x.authors
                and y.authors
                and x.authors[0][0] == y.authors[0][0]
                and x.year
                and y.year
                and abs(x.year - y.year) <= 1
            ):
                yield x, y


def _reliability(groups: Iterable[list[Prepared]]) -> dict[str, Reliability]:
    agree: Counter[str] = Counter()
    compared: Counter[str] = Counter()
    for x, y in _anchor_pairs(groups):
        if x.journal and y.journal:
            compared["journal"] += 1
            agree["journal"] += journals_agree(x.journal, y.journal) or bool(x.issn & y.issn)
        for name in ("volume", "issue", "page"):
            a, b = getattr(x, name), getattr(y, name)
            if a and b:
                compared[name] += 1
                agree[name] += a == b or (name == "page" and pages_close(a, b))
    return {
        name: Reliability(
            name,
            agree[name],
            compared[name],
            (agree[name] + PRIOR_PAIRS * prior) / (compared[name] + PRIOR_PAIRS),
        )
        for name, prior in DEFAULT_AGREEMENT.items()
    }


def _differences(x: Prepared, y: Prepared, reliable: frozenset[str]) -> int:
    """On how many identifying fields two records of one title differ: DOI, year (more
    than one apart) and the reliable ones of volume, issue and first page. A value that is
    the other record's supplement number is an export's slip, not a difference."""
    count = int(bool(x.doi and y.doi and x.doi != y.doi))
    count += bool(x.year and y.year and abs(x.year - y.year) > 1)
    for name in ("volume", "issue"):
        a, b = getattr(x, name), getattr(y, name)
        count += (
            name in reliable
            and bool(a and b and a != b)
            and a != y.supplement
            and b != x.supplement
        )
    a, b = x.page, y.page
    count += "page" in reliable and bool(a and b and a != b) and not pages_close(a, b)
    return count


def _title_group(group: list[Prepared], reliable: frozenset[str]) -> TitleGroup:
    """The group's items: each record joins the first item whose first record it does not
    differ from on two identifying fields or more (one slip is an export's, two are another
    item's); on one field for a generic title, which a series repeats in every issue. Past
    MAX_ITEMS items the title says so little that counting more would change nothing but
    the time taken (a project of 100,000 records may hold a thousand "Editorial")."""
    items: list[Prepared] = []  # each item's first record
    apart = 1 if group[0].significant < GENERIC_WORDS else 2
    for record in group:
        if len(items) == MAX_ITEMS:
            break
        if all(_differences(record, first, reliable) >= apart for first in items):
            items.append(record)
    constant: set[str] = set()
    for name, value in _GROUP_FIELDS.items() if len(items) > 1 else ():  # only items differ
        values = [v for v in map(value, group) if v]
        if len(values) > 1 and (
            max(values) - min(values) <= 1 if name == "year" else len(set(values)) == 1
        ):
            constant.add(name)
    return TitleGroup(records=len(group), items=len(items), constant=frozenset(constant))
