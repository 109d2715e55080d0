"""The RIS reference list (Zotero, EndNote, Mendeley), written with rispy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rispy.writer import RisWriter

from screener.exports.kinds import ExportKind, Progress
from screener.exports.references import (
    STUDIES,
    Reference,
    ReferenceType,
    chunks,
    pages_of,
    reference_type,
    reference_writer,
    write_references,
)
from screener.exports.study_outcomes import StudySet
from screener.project import Project

RIS_TYPES = {
    ReferenceType.JOURNAL: "JOUR",
    ReferenceType.CONFERENCE: "CPAPER",
    ReferenceType.BOOK: "BOOK",
    ReferenceType.CHAPTER: "CHAP",
    ReferenceType.THESIS: "THES",
    ReferenceType.REPORT: "RPRT",
    ReferenceType.PREPRINT: "UNPB",
    ReferenceType.DATASET: "DATA",
    ReferenceType.WEB: "ELEC",
    ReferenceType.GENERIC: "GEN",
}


class _Writer(RisWriter):
    """rispy's RIS writer without its "1." line before each reference, which is not RIS:
    EndNote reads it as junk."""

    def set_header(self, count: int) -> str:
        return ""


def _line(value: str) -> str:
    # A value is one line: a line break would start a line that is not a tag.
    return " ".join(value.split()) if "\n" in value or "\r" in value else value.strip()


def ris_entry(reference: Reference) -> dict[str, Any]:
    """One reference as rispy's field names (tags in the comments)."""
    r = reference.record
    start, end = pages_of(r)
    fields: dict[str, Any] = {
        "type_of_reference": RIS_TYPES[reference_type(r)],  # TY
        "title": r.title,  # TI
        "authors": list(r.authors),  # AU, one per author
        "year": str(r.year) if r.year else "",  # PY
        "secondary_title": r.journal,  # T2: the journal (Zotero's and EndNote's reading)
        "alternate_title1": r.journal_abbrev,  # J2
        "volume": r.volume,  # VL
        "number": r.issue,  # IS
        "start_page": start,  # SP
        "end_page": end,  # EP
        "issn": "; ".join(r.issn),  # SN
        "doi": r.doi,  # DO
        # AN with DP "NLM" is how PubMed's own RIS names the PMID (EndNote reads it so).
        "accession_number": r.pmid,  # AN
        "database_provider": "NLM" if r.pmid else "",  # DP
        "abstract": r.abstract,  # AB
        "keywords": list(r.keywords),  # KW, one per keyword
        "language": r.language,  # LA
        "urls": [r.url] if r.url else [],  # UR
        "notes": [reference.note],  # N1
        "id": f"screener-{reference.study_id}",  # ID
    }
    return {
        key: [_line(v) for v in value if v.strip()] if isinstance(value, list) else _line(value)
        for key, value in fields.items()
        if value
    }


def ris_pieces(entries: Sequence[Reference], progress: Progress | None = None) -> Iterator[str]:
    """The RIS text of ``entries``, a chunk at a time (the same text as in one go)."""
    writer = _Writer()
    for n, chunk in enumerate(chunks(entries, progress)):
        text = writer.formats([ris_entry(reference) for reference in chunk])
        yield "\n" + text if n else text  # the blank line rispy puts between references


def ris_text(entries: Sequence[Reference]) -> str:
    return "".join(ris_pieces(entries))


def write_ris(
    project: Project,
    target: Path,
    studies: StudySet = StudySet.INCLUDED,
    progress: Progress | None = None,
) -> int:
    """Write the studies of ``studies`` to ``target`` as RIS; returns how many."""
    return write_references(project, target, ris_pieces, "RIS file", studies, progress)


KINDS = (
    ExportKind(
        "ris",
        "Included studies as RIS, for Zotero, EndNote and Mendeley",
        "{studies}.ris",
        reference_writer(ris_pieces, "RIS file"),
        "One reference per study (duplicates merged: the first-imported record, gaps filled "
        "from its duplicates), with its screening outcome and reasons in the notes (N1).",
        (STUDIES,),
    ),
)
