"""Field-by-field evidence on a pair of records: Fellegi-Sunter agreement weights with
term-frequency adjustment, as in Splink.

Each field is compared at one of a few levels. A level's weight is log2(m / u), where m is
the chance that two copies of one paper compare at that level and u the chance that two
different papers do. For values that are more or less common (titles, first authors,
journals, years, volumes, issues, pages, identifiers) u is the value's frequency among the
project's records, so that a rare value says much and a common one little. The weights
add up to the pair's score; with the prior that a record has about one duplicate among the
project's n records, the posterior log-odds are ``score - log2(n)``. docs/dedup.md lists
every m and u with the reason for it.

Fields that every item of a recurring title shares (the journal, editor and year of an
editorial series) are not independent of the title, so their agreement counts for nothing
when the title is a recurring one (see Frequencies.blind).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils

from screener.dedup.frequencies import GENERIC_WORDS, Frequencies, pages_close
from screener.dedup.normalise import journals_agree
from screener.dedup.prepared import Prepared

AGREEING = 1.0  # bits: a field whose weight reaches this counts as agreeing evidence

# Title levels: (m, u as a multiple of the exact title's frequency). A near-identical
# title is more often another paper by the same team than an identical one is.
TITLE_LEVELS = {
    "exact": (0.85, 1),
    "near": (0.10, 8),
    "partial": (0.03, 32),
    "fuzzy": (0.015, 128),
}
TITLE_DIFFERENT = (0.005, 0.999)
TITLE_NUMBERS = (0.002, 0.01)  # "Part 1" / "Part 2": copies almost never differ so
NEAR, FUZZY = 0.95, 0.85  # similarity (rapidfuzz ratio / 100) of the near and fuzzy levels
MIN_ABSTRACT = 80  # characters: shorter abstracts are notes ("No abstract available")


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """One field of a pair: the level it compares at, its weight in bits, why, and whether it
    is a conflict (a disagreement reliable enough to forbid an automatic merge)."""

    field: str
    level: str
    weight: float = 0.0
    note: str = ""
    conflict: bool = False

    @property
    def agrees(self) -> bool:
        return self.weight >= AGREEING


@dataclass(frozen=True, slots=True)
class Evidence:
    """All fields of a pair, the prior log-odds and the title similarity."""

    fields: tuple[FieldEvidence, ...]
    prior: float
    title_similarity: float
    recurring: bool
    by_field: dict[str, FieldEvidence] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_field.update((f.field, f) for f in self.fields)

    @property
    def score(self) -> float:
        return sum(f.weight for f in self.fields)

    @property
    def posterior(self) -> float:
        """Log2-odds that the two records are one paper."""
        return self.prior + self.score

    @property
    def probability(self) -> float:
        return 1 / (1 + 2 ** min(-self.posterior, 1000))

    def get(self, name: str) -> FieldEvidence:
        return self.by_field[name]

    def level(self, name: str) -> str:
        return self.by_field[name].level

    def without(self, *names: str) -> float:
        """The posterior log-odds leaving out some fields."""
        return self.prior + sum(f.weight for f in self.fields if f.field not in names)

    @property
    def conflicts(self) -> tuple[FieldEvidence, ...]:
        return tuple(f for f in self.fields if f.conflict)

    @property
    def agreeing(self) -> tuple[FieldEvidence, ...]:
        return tuple(f for f in self.fields if f.agrees)


def _bits(m: float, u: float) -> float:
    return math.log2(m / min(max(u, 1e-12), 1.0))


def _missing(name: str) -> FieldEvidence:
    return FieldEvidence(name, "missing")


def title_level(x: Prepared, y: Prepared) -> tuple[str, float]:
    """(level, similarity) of two titles (notices compare the title they are about)."""
    if not x.core or not y.core:
        return "missing", 0.0
    if x.core_key == y.core_key:  # the same words, hyphens and spaces aside
        return ("exact" if x.numbers == y.numbers else "numbers"), 1.0
    similarity = fuzz.ratio(x.core, y.core) / 100
    level = "near" if similarity >= NEAR else "fuzzy" if similarity >= FUZZY else "different"
    if level != "near":
        shorter, longer = (x, y) if len(x.core) <= len(y.core) else (y, x)
        if shorter.significant >= GENERIC_WORDS:
            # A subtitle dropped, text run on after the title, a main title dropped before
            # the subtitle ("Thrombotic microangiopathy: can ..."), a heading put before it
            # ("MEDICAL PROGRESS Atypical ..."); a generic title is inside too many others.
            size = len(shorter.core)
            head = fuzz.ratio(shorter.core, longer.core[:size])
            tail = fuzz.ratio(shorter.core, longer.core[-size:])
            part = max(head, tail) / 100
            if part >= NEAR:
                level, similarity = "partial", part
    if level != "different" and x.numbers != y.numbers:
        level = "numbers"
    return level, similarity


def _title(x: Prepared, y: Prepared, freq: Frequencies) -> tuple[FieldEvidence, float]:
    level, similarity = title_level(x, y)
    if level == "missing":
        return _missing("title"), similarity
    if level == "different":
        m, u = TITLE_DIFFERENT
        return FieldEvidence("title", level, _bits(m, u), f"{similarity:.2f} alike"), similarity
    if level == "numbers":
        m, u = TITLE_NUMBERS
        note = "the numbers in the titles differ (Part 1 / Part 2, type 1 / type 2)"
        return FieldEvidence("title", level, _bits(m, u), note, conflict=True), similarity
    items = max(freq.items(x.title_key), freq.items(y.title_key))
    m, multiple = TITLE_LEVELS[level]
    # u: the other items carrying the title (the pair's own item is no evidence of them)
    weight = _bits(m, multiple * max(items - 1, 1) / freq.n)
    note = f"{similarity:.2f} alike" + (f"; {items} different items carry it" if items > 1 else "")
    return FieldEvidence("title", level, weight, note), similarity


def first_authors_agree(x: Prepared, y: Prepared) -> bool | None:
    """Whether the first authors are one person as far as names tell (None without one)."""
    if not x.authors or not y.authors:
        return None
    (fx, ix), (fy, iy) = x.authors[0], y.authors[0]
    if fx == fy:
        return not ix or not iy or ix == iy
    if len(fx) > 3 and len(fy) > 3 and (fx in fy or fy in fx):
        return True  # "vanderberg" / "berg", "garcia" / "garciamarquez"
    if (len(fx) > 3 and fx in x.first_author_letters and fx in y.first_author_letters) or (
        len(fy) > 3 and fy in x.first_author_letters
    ):
        return True  # "Le, Quintrec M." / "Le Quintrec, M."
    return fuzz.ratio(fx, fy) >= 85 and (not ix or not iy or ix == iy)


def authors_similarity(x: Prepared, y: Prepared) -> float:
    """How alike the author lists are (0-100); a list cut short ("et al.") still matches."""
    shorter = min(len(x.authors), len(y.authors))
    a = " ".join(f"{f} {i}" for f, i in x.authors[:shorter])
    b = " ".join(f"{f} {i}" for f, i in y.authors[:shorter])
    return fuzz.ratio(a, b)


_BLIND = "shared by the items of a recurring title"


def _authors(x: Prepared, y: Prepared, freq: Frequencies, blind: bool) -> FieldEvidence:
    first = first_authors_agree(x, y)
    if first is None:
        return _missing("authors")
    if not first:
        return FieldEvidence("authors", "different", _bits(0.08, 0.98), "first authors differ")
    tf = freq.tf_others("author", x.authors[0][0], y.authors[0][0])
    if min(len(x.authors), len(y.authors)) >= 2 and authors_similarity(x, y) >= 90:
        level, m, u = "list", 0.75, tf / 10
    else:
        level, m, u = "first", 0.17, tf
    if blind:
        return FieldEvidence("authors", level, 0.0, _BLIND)
    return FieldEvidence("authors", level, _bits(m, u), f"first author in {tf:.2%} of records")


def _venue(x: Prepared, y: Prepared, freq: Frequencies, blind: bool) -> FieldEvidence:
    if journals_agree(x.journal, y.journal) or (x.issn & y.issn):
        if blind:
            return FieldEvidence("journal", "agree", 0.0, _BLIND)
        tf = freq.tf_others("venue", x.venue, y.venue)
        return FieldEvidence("journal", "agree", _bits(0.85, tf), f"in {tf:.2%} of records")
    if x.journal and y.journal and x.meeting != y.meeting:
        # a meeting's abstracts go by the meeting's name in one database, by the journal
        # that printed them in another
        return FieldEvidence("journal", "unlike", 0.0, "a meeting's name and a journal's")
    if x.journal and y.journal:
        m = freq.m("journal")
        note = f"names do not match (copies' journals match in {m:.0%})"
        return FieldEvidence("journal", "differ", _bits(1 - m, 0.97), note)
    return _missing("journal")


def _year(x: Prepared, y: Prepared, freq: Frequencies, blind: bool) -> FieldEvidence:
    if not x.year or not y.year:
        return _missing("year")
    gap = abs(x.year - y.year)
    if gap > 1:
        note = f"{x.year} and {y.year}"
        return FieldEvidence("year", "differ", _bits(0.02, 0.85), note, conflict=True)
    level = "equal" if gap == 0 else "adjacent"
    if blind:
        return FieldEvidence("year", level, 0.0, _BLIND)
    tf = freq.tf_others("year", str(x.year), str(y.year))
    m, u = (0.90, tf) if gap == 0 else (0.08, 2 * tf)
    return FieldEvidence("year", level, _bits(m, u), f"{x.year} in {tf:.1%} of records")


def _position(
    name: str, x: Prepared, y: Prepared, freq: Frequencies, blind: bool, implied: bool
) -> FieldEvidence:
    """Volume or issue: equal, different or missing, weighed by the value's frequency and by
    how reliably this project's exports record the field."""
    a, b = getattr(x, name), getattr(y, name)
    if not a or not b:
        return _missing(name)
    m, tf = freq.m(name), freq.tf_others(name, a, b)
    if a != b:
        if a == y.supplement or b == x.supplement:  # "61 (Suppl 1)" exported as volume 1
            return FieldEvidence(name, "close", 0.0, f"{a} vs {b}: a supplement's number")
        reliable = freq.reliable(name)
        note = f"{a} vs {b}" + ("" if reliable else f" (copies agree on it in {m:.0%})")
        return FieldEvidence(name, "differ", _bits(1 - m, 1 - tf), note, conflict=reliable)
    if implied:
        return FieldEvidence(name, "equal", 0.0, "follows from the journal and year")
    if blind:
        return FieldEvidence(name, "equal", 0.0, _BLIND)
    return FieldEvidence(name, "equal", _bits(m, tf), f"{a} in {tf:.1%} of records")


def _pages(x: Prepared, y: Prepared, freq: Frequencies, blind: bool) -> FieldEvidence:
    if not x.page or not y.page:
        return _missing("pages")
    tf = freq.tf_others("page", x.page, y.page)
    if x.page == y.page:
        both_ends = bool(x.last_page) and x.last_page == y.last_page
        level, m, u = ("range", 0.55, tf / 10) if both_ends else ("first", 0.30, tf)
        if blind:
            return FieldEvidence("pages", level, 0.0, _BLIND)
        return FieldEvidence("pages", level, _bits(m, u), f"page {x.page} in {tf:.2%} of records")
    if x.page_plain and y.page_plain and pages_close(x.page, y.page):
        # one article counted from its cover page in one database: 5 first pages are this
        # close to a given one
        weight = 0.0 if blind else _bits(0.05, 5 * tf)
        note = f"first pages {x.page} and {y.page}"
        return FieldEvidence("pages", "near", weight, note)
    if (
        pages_close(x.page, y.page)
        or (x.last_page and x.last_page == y.last_page)  # a typo in the first page
        or x.page == y.last_page
        or y.page == x.last_page
    ):
        return FieldEvidence("pages", "close", 0.0, f"{x.page} and {y.page}: may be one article")
    if not (x.page_plain and y.page_plain):  # "e12724" and 1, "S12" and 403: unlike forms
        return FieldEvidence("pages", "unlike", 0.0, f"{x.page} and {y.page}: not comparable")
    m = freq.m("page")
    note = f"first pages {x.page} and {y.page}"
    return FieldEvidence(
        "pages", "differ", _bits(1 - m, 0.97), note, conflict=freq.reliable("page")
    )


def _abstract(x: Prepared, y: Prepared) -> FieldEvidence:
    if len(x.abstract) < MIN_ABSTRACT or len(y.abstract) < MIN_ABSTRACT:
        return _missing("abstract")
    # rapidfuzz's own processor (lower case, punctuation dropped) in C: fold_text per pair
    # would cost more than every other field together
    similarity = fuzz.ratio(x.abstract, y.abstract, processor=utils.default_process)
    if similarity >= 90:
        return FieldEvidence("abstract", "same", _bits(0.7, 1e-4), f"{similarity:.0f}% alike")
    # one database truncates, labels or translates an abstract: weak evidence against
    return FieldEvidence("abstract", "differ", _bits(0.3, 1.0), f"{similarity:.0f}% alike")


def _identifier(name: str, a: str, b: str, freq: Frequencies) -> FieldEvidence:
    if not a or not b:
        return _missing(name)
    if a == b:
        tf = freq.tf_others(name, a, b)
        note = f"{freq.counts[name][a]} records carry it"
        return FieldEvidence(name, "equal", _bits(0.98, tf), note)
    return FieldEvidence(name, "differ", _bits(0.02, 0.99), f"{a} vs {b}", conflict=True)


def compare(x: Prepared, y: Prepared, freq: Frequencies) -> Evidence:
    """The evidence of every field on whether ``x`` and ``y`` are one paper."""
    recurring = freq.recurring(x) or freq.recurring(y)
    blind = freq.blind(x, y)
    title, similarity = _title(x, y, freq)
    venue = _venue(x, y, freq, "journal" in blind)
    year = _year(x, y, freq, "year" in blind)
    implied = venue.level == "agree" and year.level in ("equal", "adjacent")
    fields = (
        title,
        _authors(x, y, freq, "authors" in blind),
        venue,
        year,
        _position("volume", x, y, freq, "volume" in blind, implied),
        _position("issue", x, y, freq, "issue" in blind, False),
        _pages(x, y, freq, "pages" in blind),
        _abstract(x, y),
        _identifier("doi", x.doi, y.doi, freq),
        _identifier("pmid", x.pmid, y.pmid, freq),
    )
    return Evidence(fields, -math.log2(freq.n), similarity, recurring)
