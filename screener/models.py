"""Frozen dataclasses and StrEnums shared by every layer of the core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"


class Verdict(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"
    UNDO = "undo"  # an undo is an event too: it withdraws the reviewer's latest decision


@dataclass(frozen=True, slots=True)
class Record:
    """One citation as parsed from a file, with normalised fields and the raw tagged fields.

    ``position`` is the record's ordinal in its file (1-based) and ``line`` the line on which
    it starts (0 where the format has no lines, e.g. XML), both used in messages.
    ``source_record_id`` is the record's own identifier in its file: RIS ``ID``/``AN``,
    PMID, BibTeX key, CSV id column, or the ordinal as a string.
    ``raw`` keeps the original tagged values (tag -> list of strings) untouched.
    """

    position: int
    line: int
    source_record_id: str
    title: str = ""
    abstract: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    journal_abbrev: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    start_page: str = ""
    end_page: str = ""
    doi: str = ""
    pmid: str = ""
    issn: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    type: str = ""
    language: str = ""
    url: str = ""
    label: int | None = None  # a screening label carried by the file (ASReview-style CSV/RIS)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def has_content(self) -> bool:
        """Whether there is anything to screen: a title, an abstract, a DOI or a PMID."""
        return bool(self.title or self.abstract or self.doi or self.pmid)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as kept in a project, with its database id and source."""

    id: int
    source_id: int
    record: Record


class SourceMethod(StrEnum):
    """How a source was found: the PRISMA 2020 identification boxes. Databases and
    registers are the left column; websites, organisations and citation searching are
    "other methods"."""

    DATABASE = "database"
    REGISTER = "register"
    WEBSITE = "website"
    ORGANISATION = "organisation"
    CITATION = "citation"


@dataclass(frozen=True, slots=True)
class Source:
    """One imported file = one search (PRISMA-S)."""

    id: int
    database: str
    platform: str
    query: str
    searched_on: str
    file_name: str
    sha256: str
    format: str
    encoding: str
    record_count: int
    skipped_count: int
    imported_at: datetime
    method: SourceMethod = SourceMethod.DATABASE
    sheet: str = ""  # the sheet of a workbook that was read
    database_from: str = ""  # given, records, format, file name, unknown ('' before schema 7)
    unused_columns: tuple[str, ...] = ()  # a table's columns kept in raw but not used
    empty_fields: tuple[str, ...] = ()  # fields whose columns were empty in every record


@dataclass(frozen=True, slots=True)
class Decision:
    """One event of the append-only screening log; the latest event per reviewer counts."""

    id: int
    record_id: int
    stage: Stage
    reviewer: str
    verdict: Verdict
    reasons: tuple[str, ...]
    tags: dict[str, tuple[str, ...]]
    note: str
    created_at: datetime
    uid: str = ""  # unique across copies of a project: what sync merges on


@dataclass(frozen=True, slots=True)
class NewDecision:
    """A reviewer's decision on a study at a stage, as a face gathers it, before it is
    checked against the protocol and recorded."""

    record_id: int
    stage: Stage
    reviewer: str
    verdict: Verdict
    reasons: Sequence[str] = ()
    tags: Mapping[str, Sequence[str]] = field(default_factory=dict)
    note: str = ""


class RetrievalStatus(StrEnum):
    """Where a report stands in full-text retrieval (PRISMA: sought / not retrieved)."""

    SOUGHT = "sought"
    NOT_RETRIEVED = "not_retrieved"
    RETRIEVED = "retrieved"


@dataclass(frozen=True, slots=True)
class Resolution:
    """A conflict resolved: the final decision on a record at a stage, by whom and why.
    A later resolution of the same record and stage replaces it; UNDO withdraws it."""

    id: int
    record_id: int
    stage: Stage
    resolver: str
    verdict: Verdict
    reasons: tuple[str, ...]
    note: str
    created_at: datetime
    uid: str = ""


@dataclass(frozen=True, slots=True)
class TagResolution:
    """The consensus tags of a study at a stage, set by a resolver when the reviewers' tags
    disagree. A later tag resolution of the same study and stage replaces it."""

    id: int
    record_id: int
    stage: Stage
    resolver: str
    tags: dict[str, tuple[str, ...]]
    note: str
    created_at: datetime
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Retrieval:
    """One full-text retrieval event; the latest per record is in force."""

    id: int
    record_id: int
    status: RetrievalStatus
    reason: str
    pdf_path: str
    reviewer: str
    created_at: datetime
    uid: str = ""


@dataclass(frozen=True, slots=True)
class VocabularyTerm:
    """A term a reviewer added to an open vocabulary while tagging."""

    id: int
    vocabulary: str
    term: str
    reviewer: str
    created_at: datetime
    uid: str = ""


class ExtractionKind(StrEnum):
    """A reviewer's own value, or the value agreed after comparing two extractions."""

    VALUE = "value"
    CONSENSUS = "consensus"


# An extracted value as stored (JSON): a term or text (str), a number (float), several terms
# (list of str), a number with its unit ({"value": x, "unit": u}), or None for a cleared field.
ExtractedValue = str | float | list[str] | dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Extraction:
    """One event of the append-only extraction log: a value of one field of one study by one
    reviewer (or a consensus value by its resolver). The latest event per key is in force."""

    id: int
    record_id: int
    field: str
    value: ExtractedValue
    kind: ExtractionKind
    reviewer: str
    created_at: datetime
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """What a reference list or evidence table shows of a record."""

    id: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    journal: str
    doi: str
    pmid: str


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What a list of records shows: id, year, first author, title."""

    id: int
    title: str
    first_author: str
    year: int | None
    journal: str


class LinkVerdict(StrEnum):
    """What an event says about a pair of records.

    Automatic runs write SAME (one study), RELATED (related items never merged: a preprint
    or a correction and its article, see screener.dedup.kinds) or REVIEW (uncertain: a
    reviewer must decide). Reviewers write SAME, DIFFERENT or SKIP, and
    UNDO withdraws their latest event on the pair.
    """

    SAME = "same"
    RELATED = "related"
    REVIEW = "review"
    DIFFERENT = "different"
    SKIP = "skip"
    UNDO = "undo"


class LinkMethod(StrEnum):
    """How a pair's verdict was reached."""

    EXACT_ID = "exact_id"  # the same DOI or PMID, nothing conflicting
    RULE = "rule"  # field-by-field scoring and decision rules
    REVIEWER = "reviewer"  # a person decided


@dataclass(frozen=True, slots=True)
class DedupEvent:
    """One event of the append-only duplicate-link log (``record_a < record_b``); ``rule``
    names the matching rule behind an automatic event ('' for a reviewer's)."""

    id: int
    record_a: int
    record_b: int
    verdict: LinkVerdict
    method: LinkMethod
    score: float
    reason: str
    reviewer: str
    run_id: int | None
    created_at: datetime
    rule: str = ""


@dataclass(frozen=True, slots=True)
class MatchInput:
    """The fields of a stored record that duplicate detection compares (no raw fields)."""

    id: int
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    journal_abbrev: str = ""
    volume: str = ""
    issue: str = ""
    start_page: str = ""
    end_page: str = ""
    doi: str = ""
    pmid: str = ""
    issn: tuple[str, ...] = ()
    type: str = ""
    abstract: str = ""  # the first few hundred characters are enough
