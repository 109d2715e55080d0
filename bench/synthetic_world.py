"""The synthetic benchmark's world: its papers' and databases' kinds, journals, people and
the identifiers handed out to papers."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import accumulate
from typing import Any, Generic, TypeVar

from synthetic_vocabulary import (
    CONTENT_WORDS,
    FUNCTION_WORDS,
    JOURNAL_COUNT,
    JOURNAL_FIELDS,
    JOURNAL_PATTERNS,
    LARGE_JOURNALS,
    MEGA_JOURNAL_DOIS,
    NAMES,
    TITLE_GLUE,
)

T = TypeVar("T")
# id, title, authors (list), year (int), journal, volume, issue, pages, doi, pmid, abstract, type
RecordDict = dict[str, Any]

FIRST_YEAR, LAST_YEAR = 1990, 2025
YEAR_GROWTH = 1.045
NEAR_MISS_SHARE = 0.02
HARD_NEGATIVE_SHARE = 0.03
MAX_DUPLICATE_SHARE = 0.7  # groups hold at most four records: a share above 0.75 cannot be met
EXTRA_COPIES_WEIGHTS = ((1, 72), (2, 20), (3, 8))  # groups of two, three and four records


class PaperKind(StrEnum):
    """What a paper is: an ordinary article, a near-miss of another paper, or a hard
    negative (synthetic_hard_negatives.py)."""

    ARTICLE = "article"
    SAME_TEAM = "same_team"  # same authors and journal, a different paper
    ERRATUM = "erratum"  # "Correction to: <title>"
    PART = "part"  # "Part 2" of a two-part paper
    PREPRINT = "preprint"  # bioRxiv/medRxiv version of a journal article
    CONFERENCE = "conference"  # meeting abstract of a later full article
    SERIES = "series"  # an editorial series' item: one title, editor, first page per issue
    REPLY = "reply"  # a comment on an article, or its authors' reply
    PROCEEDINGS = "proceedings"  # the proceedings paper an article extends
    SAME_TITLE = "same_title"  # another team's paper of the same title in another journal
    BARE = "bare"  # the same team, journal and year, a title word apart, no DOI, no pages


NEAR_MISS_KINDS = (
    PaperKind.SAME_TEAM,
    PaperKind.ERRATUM,
    PaperKind.PART,
    PaperKind.PREPRINT,
    PaperKind.CONFERENCE,
)


class Database(StrEnum):
    """The database a record was exported from, which sets how it writes every field."""

    MEDLINE = "medline"
    EMBASE = "embase"
    SCOPUS = "scopus"
    WOS = "wos"
    CINAHL = "cinahl"


DATABASE_WEIGHTS = (
    (Database.MEDLINE, 30),
    (Database.EMBASE, 25),
    (Database.SCOPUS, 20),
    (Database.WOS, 15),
    (Database.CINAHL, 10),
)


@dataclass(frozen=True, slots=True)
class Journal:
    """A journal of the catalogue (or a preprint server, or a meeting's abstract book)."""

    full: str
    abbrev: str
    doi_style: str
    slug: str
    doi_prefix: int
    first_year: int
    issues_per_year: int  # 0: the journal has no issues
    article_numbers: bool  # pages are article numbers (e0123456), not ranges


@dataclass(frozen=True, slots=True)
class Person:
    """An author as the world knows them; each database writes the name its own way."""

    family: str
    given: str
    middle: str  # a middle initial or ""
    initials: str  # of the given names and the middle one: "JP" for Jean-Pierre


@dataclass(frozen=True, slots=True)
class Paper:
    """One real-world paper, before any database has written it down."""

    kind: PaperKind
    title: str  # sentence case, no final period
    subtitle: str
    authors: tuple[Person, ...]
    group_author: str
    year: int
    journal: Journal
    volume: str
    issue: str
    first_page: str
    last_page: str
    doi: str
    pmid: str
    abstract: str
    type: str
    translated: bool  # not in English: MEDLINE gives its English title in brackets


@dataclass(frozen=True, slots=True)
class SyntheticExport:
    """What :func:`build` made: the records, the gold groups, how many of each kind, and
    for scoring each record's paper (an index into ``kinds``, each paper's kind)."""

    records: list[RecordDict]
    groups: list[list[str]]
    papers: int
    near_misses: Counter[str]
    hard_negatives: Counter[str]
    paper_of: dict[str, int]
    kinds: tuple[str, ...]


class Zipf(Generic[T]):
    """Draws items with Zipf-Mandelbrot weights 1/(rank + shift), first item most often.

    Each item is repeated in a pool in proportion to its weight, so that a draw is one
    uniform index: several times faster than random.choices with weights, which matters
    for the 20 million words of 100,000 abstracts."""

    def __init__(self, items: Sequence[T], shift: float) -> None:
        weights = [1 / (rank + shift) for rank in range(1, len(items) + 1)]
        smallest = weights[-1]
        self.pool: list[T] = [
            item
            for item, weight in zip(items, weights, strict=True)
            for _ in range(round(weight / smallest))
        ]

    def draw(self, rng: random.Random) -> T:
        return self.pool[int(rng.random() * len(self.pool))]


@dataclass(frozen=True, slots=True)
class World:
    """The fixed vocabularies and catalogues every seed draws from."""

    title_words: Zipf[str]
    title_glue: Zipf[str]
    abstract_words: list[str]
    families: dict[str, Zipf[str]]
    given_names: dict[str, tuple[str, ...]]
    regions: tuple[str, ...]
    region_cumulative_weights: tuple[float, ...]
    journals: Zipf[Journal]
    fields: tuple[tuple[str, str], ...]


@cache
def world() -> World:
    title_words = Zipf(CONTENT_WORDS, shift=10)
    # Abstracts: the same content words, with function words making up about 40% of text.
    content = title_words.pool
    glue_total = sum(weight for _, weight in FUNCTION_WORDS)
    glue_size = round(len(content) * 0.4 / 0.6)
    glue = [
        word
        for word, weight in FUNCTION_WORDS
        for _ in range(round(glue_size * weight / glue_total))
    ]
    families = {
        region: Zipf(family.split("|"), shift=1.0 if region == "china" else 3.0)
        for region, (_, family, _) in NAMES.items()
    }
    given = {region: tuple(names.split("|")) for region, (_, _, names) in NAMES.items()}
    fields = tuple(
        (full.replace("_", " "), abbrev.replace("_", " "))
        for full, abbrev in (pair.split("|") for pair in JOURNAL_FIELDS.split())
    )
    journals = _journals(fields)
    return World(
        title_words=title_words,
        title_glue=Zipf(TITLE_GLUE, shift=0.5),
        abstract_words=content + glue,
        families=families,
        given_names=given,
        regions=tuple(NAMES),
        region_cumulative_weights=tuple(accumulate(weight for weight, _, _ in NAMES.values())),
        journals=Zipf(journals, shift=5),
        fields=fields,
    )


def _journals(fields: Sequence[tuple[str, str]]) -> tuple[Journal, ...]:
    """The journal catalogue: the large journals, then pattern x field names in a fixed
    shuffled order (its own seed: the catalogue is the same whatever the run's seed)."""
    rng = random.Random(20240601)
    names = dict(LARGE_JOURNALS)
    generated = [
        (pattern.format(full), short.format(abbrev))
        for pattern, short in JOURNAL_PATTERNS
        for full, abbrev in fields
    ]
    rng.shuffle(generated)
    for full, abbrev in generated:
        if len(names) == JOURNAL_COUNT:
            break
        names.setdefault(full, abbrev)
    journals = []
    for rank, (full, abbrev) in enumerate(names.items()):
        established = rank < len(LARGE_JOURNALS)  # the large journals are old ones
        if full in MEGA_JOURNAL_DOIS:
            style = MEGA_JOURNAL_DOIS[full]
        elif full.startswith("BMC "):
            style = "bmc"
        elif full.startswith("Frontiers in "):
            style = "frontiers"
        else:
            style = rng.choice(("elsevier", "wiley", "springer", "lww", "tandf", "generic"))
        article_numbers = style in {"plos", "bmc", "frontiers"} or rng.random() < 0.12
        journals.append(
            Journal(
                full=full,
                abbrev=abbrev,
                doi_style=style,
                slug="".join(word[:4] for word in re.findall(r"[a-z]+", abbrev.lower()))[:12],
                doi_prefix=rng.randint(1000, 9999),
                first_year=rng.randint(1900, 1985) if established else rng.randint(1950, 2015),
                issues_per_year=0 if article_numbers else rng.choice((4, 6, 12, 12, 24)),
                article_numbers=article_numbers or full == "Cureus",
            )
        )
    return tuple(journals)


class Identifiers:
    """DOIs and PMIDs handed out once each: unrelated papers never share an identifier."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.dois: set[str] = set()
        self.pmids: set[str] = set()

    def doi(self, journal: Journal, year: int) -> str:
        rng = self.rng
        while True:
            doi = _doi_for(journal, year, rng)
            if doi not in self.dois:
                self.dois.add(doi)
                return doi

    def preprint_doi(self, year: int) -> str:
        while True:
            month, day, number = self.rng.randint(1, 12), self.rng.randint(1, 28), self.rng.random()
            doi = f"10.1101/{year}.{month:02d}.{day:02d}.{int(number * 1e6):06d}"
            if doi not in self.dois:
                self.dois.add(doi)
                return doi

    def pmid(self, year: int) -> str:
        # PMIDs grow with time: about a million a year from 2 million in 1990.
        while True:
            pmid = str(2_000_000 + (year - FIRST_YEAR) * 1_000_000 + self.rng.randrange(1_000_000))
            if pmid not in self.pmids:
                self.pmids.add(pmid)
                return pmid


def _doi_for(journal: Journal, year: int, rng: random.Random) -> str:
    slug, randint, journal_number = journal.slug, rng.randint, journal.doi_prefix + 10000
    match journal.doi_style:
        case "elsevier":
            return f"10.1016/j.{slug}.{year}.{randint(1, 12):02d}.{randint(1, 999):03d}"
        case "wiley":
            return f"10.1002/{slug}.{randint(10000, 99999)}"
        case "springer":
            serial = f"{year % 1000:03d}-{randint(1000, 9999)}-{randint(0, 9)}"
            return f"10.1007/s{journal_number}-{serial}"
        case "bmc":
            return (
                f"10.1186/s{journal_number}-{year % 100:02d}-{randint(1000, 9999)}-{randint(0, 9)}"
            )
        case "frontiers":
            return f"10.3389/f{slug}.{year}.{randint(100000, 999999)}"
        case "plos":
            return f"10.1371/journal.pone.{randint(0, 9999999):07d}"
        case "nature":
            return f"10.1038/s41598-{year % 100:03d}-{randint(10000, 99999)}-{randint(0, 9)}"
        case "lww":  # Wolters Kluwer DOIs are upper case, as published
            return f"10.1097/{slug[:3].upper()}.{randint(0, 10**10 - 1):010d}"
        case "tandf":
            issn = f"{journal.doi_prefix:04d}{journal.first_year % 1000:03d}"  # the journal's
            return f"10.1080/{issn}.{year}.{randint(1000000, 9999999)}"
        case _:
            return f"10.{journal.doi_prefix}/{slug}.{year}.{randint(1, 99999)}"
