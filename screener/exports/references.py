"""What the RIS and BibTeX reference lists share: choosing the studies, reference types and
writing them a chunk at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from screener.exports.files import check_target, write_lines
from screener.exports.kinds import (
    ExportOption,
    Options,
    Progress,
    Writer,
    Written,
    count_text,
)
from screener.exports.study_outcomes import (
    StudyOutcome,
    StudySet,
    study_citations,
    study_outcomes,
)
from screener.models import Record
from screener.project import Project


class ReferenceType(StrEnum):
    """The kinds of publication that reference managers tell apart."""

    JOURNAL = "journal"
    CONFERENCE = "conference"
    BOOK = "book"
    CHAPTER = "chapter"
    THESIS = "thesis"
    REPORT = "report"
    PREPRINT = "preprint"
    DATASET = "dataset"
    WEB = "web"
    GENERIC = "generic"


# Record.type holds what the source file said: an RIS TY code, a BibTeX entry type, a
# MEDLINE publication type or a Web of Science document type. Exact names first ...
_TYPE_NAMES = {
    ReferenceType.JOURNAL: (
        "jour",
        "ejour",
        "mgzn",
        "news",
        "article",
        "journal article",
        "review",
        "letter",
        "editorial",
        "comment",
        "abst",
        "inpr",
    ),
    ReferenceType.CONFERENCE: (
        "conf",
        "cpaper",
        "inproceedings",
        "conference",
        "proceedings",
        "proceedings paper",
        "conference paper",
        "meeting abstract",
        "conference proceeding",
    ),
    ReferenceType.BOOK: ("book", "ebook", "edbook"),
    ReferenceType.CHAPTER: ("chap", "echap", "incollection", "inbook", "book chapter", "chapter"),
    ReferenceType.THESIS: ("thes", "thesis", "phdthesis", "mastersthesis", "dissertation"),
    ReferenceType.REPORT: ("rprt", "report", "techreport", "govdoc", "standard"),
    ReferenceType.PREPRINT: ("preprint", "unpb", "unpublished", "manuscript", "manscpt"),
    ReferenceType.DATASET: ("data", "dataset", "dbase"),
    ReferenceType.WEB: ("elec", "web page", "webpage", "online", "blog"),
    ReferenceType.GENERIC: ("gen", "misc"),
}
_BY_NAME = {name: kind for kind, names in _TYPE_NAMES.items() for name in names}
# ... then words inside longer names ("Journal Article; Review", "Book Chapter; Article").
_BY_WORD = (
    ("preprint", ReferenceType.PREPRINT),
    ("proceeding", ReferenceType.CONFERENCE),
    ("conference", ReferenceType.CONFERENCE),
    ("chapter", ReferenceType.CHAPTER),
    ("thesis", ReferenceType.THESIS),
    ("dissertation", ReferenceType.THESIS),
    ("article", ReferenceType.JOURNAL),
    ("book", ReferenceType.BOOK),
    ("report", ReferenceType.REPORT),
)


def reference_type(record: Record) -> ReferenceType:
    """The record's kind of publication; a journal article when nothing says otherwise
    (most records of a systematic search are)."""
    name = record.type.strip().lower()
    if not name:
        return ReferenceType.JOURNAL
    if name in _BY_NAME:
        return _BY_NAME[name]
    first = name.split(";")[0].strip()
    if first in _BY_NAME:
        return _BY_NAME[first]
    for word, kind in _BY_WORD:
        if word in name:
            return kind
    return ReferenceType.JOURNAL


def pages_of(record: Record) -> tuple[str, str]:
    """(start page, end page): from the split fields, else from the pages text."""
    if record.start_page or record.end_page:
        return record.start_page, record.end_page
    start, _, end = record.pages.partition("-")
    return start.strip(), end.strip()


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a reference list: a study's citation and its screening outcome."""

    study_id: int
    record: Record
    outcome: StudyOutcome

    @property
    def note(self) -> str:
        return f"screener: {self.outcome.summary()}"


def references(project: Project, studies: StudySet) -> list[Reference]:
    """The studies of ``studies``, one entry each, in import order."""
    outcomes = study_outcomes(project, studies)
    chosen = [study for study, outcome in outcomes.items() if outcome.in_set(studies)]
    citations = study_citations(project, chosen)
    return [Reference(s, citations[s], outcomes[s]) for s in chosen if s in citations]


STUDIES = ExportOption(
    "studies",
    "included: included at full text (not studies still awaiting full-text screening or "
    "whose report was not retrieved); excluded: excluded at title/abstract or full text; "
    "all: every study.",
    StudySet.INCLUDED.value,
    tuple(s.value for s in StudySet),
)
CHUNK = 1000  # entries formatted at a time: progress steps, and no whole file in memory


def chunks(items: Sequence[Reference], progress: Progress | None) -> Iterator[Sequence[Reference]]:
    """``items`` CHUNK at a time, reporting progress after each."""
    if progress:
        progress(0, len(items))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
        if progress:
            progress(min(start + CHUNK, len(items)), len(items))


Pieces = Callable[[Sequence[Reference], Progress | None], Iterable[str]]


def write_references(
    project: Project,
    target: Path,
    pieces: Pieces,
    what: str,
    studies: StudySet = StudySet.INCLUDED,
    progress: Progress | None = None,
) -> int:
    """Write the studies of ``studies`` to ``target`` as ``pieces`` formats them (the file
    replaced only once complete); returns how many."""
    check_target(target, what)  # before the work, not after it
    chosen = references(project, studies)
    write_lines(target, pieces(chosen, progress), what)
    return len(chosen)


def reference_writer(pieces: Pieces, what: str) -> Writer:
    """The export kind's writer of a reference list: the studies of its --studies option."""

    def write(
        project: Project, target: Path, options: Options, progress: Progress | None = None
    ) -> Written:
        studies = StudySet(STUDIES.value(options))
        count = write_references(project, target, pieces, what, studies, progress)
        return Written((target,), count_text(count, "study", "studies"))

    return write
