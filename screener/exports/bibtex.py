"""The BibTeX reference list, written with bibtexparser 2; values LaTeX-escaped (pylatexenc)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

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

ENTRY_TYPES = {
    ReferenceType.JOURNAL: "article",
    ReferenceType.CONFERENCE: "inproceedings",
    ReferenceType.BOOK: "book",
    ReferenceType.CHAPTER: "incollection",
    ReferenceType.THESIS: "phdthesis",
    ReferenceType.REPORT: "techreport",
    ReferenceType.PREPRINT: "unpublished",
    ReferenceType.DATASET: "misc",
    ReferenceType.WEB: "misc",
    ReferenceType.GENERIC: "misc",
}
# Where each entry type keeps the name of the journal, proceedings, school or institution.
_VENUE_FIELD = {
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "phdthesis": "school",
    "techreport": "institution",
    "book": "publisher",
}

# Printable ASCII with nothing LaTeX treats specially needs no encoding (most values).
_PLAIN = re.compile(r"[ !\"'()*+,\-./0-9:;=?@A-Z\[\]`a-z|]*")
_STOP_WORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "to",
        "with",
        "from",
        "by",
        "at",
        "is",
        "are",
    )
)


@cache
def _encoder() -> object:
    from pylatexenc.latexencode import (
        RULE_DICT,
        UnicodeToLatexConversionRule,
        UnicodeToLatexEncoder,
    )

    # < and > as text macros (our importer and Zotero read them); the default would be
    # math mode, which a plain-text reader shows as "\ensuremath{<}".
    text_macros = {ord("<"): r"\textless", ord(">"): r"\textgreater"}
    rules = [UnicodeToLatexConversionRule(RULE_DICT, text_macros), "defaults"]
    return UnicodeToLatexEncoder(
        conversion_rules=rules,
        non_ascii_only=False,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",  # e.g. CJK characters: UTF-8 as they are
        unknown_char_warning=False,
    )


# What pylatexenc would change: LaTeX's special characters and anything not ASCII.
_SPECIAL = re.compile(r"[&%$#_{}~^\\<>]|[^\x00-\x7f]")


@cache
def _latex_char(char: str) -> str:
    return str(_encoder().unicode_to_latex(char))  # type: ignore[attr-defined]


def latex(value: str) -> str:
    """Text as LaTeX: special characters (& % $ # _ { } ~ ^ \\ < >) and accented letters
    as macros, so that BibTeX and biber read the value back as it was. Character by
    character through a memo of pylatexenc's encoding: pylatexenc on a whole abstract
    takes milliseconds, too slow for thousands of references."""
    value = " ".join(value.split())
    if _PLAIN.fullmatch(value):
        return value
    text = unicodedata.normalize("NFC", value)  # "e" + combining accent -> "é": one macro
    return _SPECIAL.sub(lambda match: _latex_char(match[0]), text)


def _name(author: str) -> str:
    # A name without a comma ("World Health Organization") is an institution's: braces
    # keep BibTeX from taking its last word for a family name.
    encoded = latex(author)
    return encoded if "," in author or " " not in author.strip() else "{" + encoded + "}"


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def citation_key_base(reference: Reference) -> str:
    """first author's family name + year + first word of the title, e.g. smith2020mesenchymal."""
    r = reference.record
    family = _ascii_word(r.authors[0].split(",")[0]) if r.authors else ""
    words = (_ascii_word(w) for w in r.title.split())
    first = next((w for w in words if w and w not in _STOP_WORDS), "")
    base = f"{family or 'anon'}{r.year or ''}{first}"
    return base if base != "anon" else f"study{reference.study_id}"


def _suffix(n: int) -> str:
    """a, b, …, z, aa, ab, …: the n-th (1-based) repeat of a key."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citation_keys(entries: Iterable[Reference]) -> list[str]:
    """Unique keys in order: a repeated key gets a, b, … (smith2020x, smith2020xa, …)."""
    seen: dict[str, int] = {}
    taken: set[str] = set()
    keys = []
    for reference in entries:
        base = citation_key_base(reference)
        key = base
        while key in taken:
            seen[base] = seen.get(base, 0) + 1
            key = base + _suffix(seen[base])
        taken.add(key)
        keys.append(key)
    return keys


def _verbatim(value: str) -> str:
    """An identifier as it is (biber and screener's importer read doi and url verbatim),
    unless unbalanced braces would break the entry: then escaped like any value."""
    value = " ".join(value.split())
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    return value if depth == 0 else latex(value)


def bibtex_entry(reference: Reference, key: str) -> Entry:
    r = reference.record
    entry_type = ENTRY_TYPES[reference_type(r)]
    start, end = pages_of(r)
    pages = f"{start}--{end}" if start and end else start or end
    separator = "; " if any("," in k for k in r.keywords) else ", "
    values = {
        "author": " and ".join(_name(a) for a in r.authors),
        "title": latex(r.title),
        _VENUE_FIELD.get(entry_type, "journal"): latex(r.journal),
        "year": str(r.year or ""),
        "volume": latex(r.volume),
        "number": latex(r.issue),
        "pages": latex(pages),
        "issn": latex(", ".join(r.issn)),
        "doi": _verbatim(r.doi),
        "pmid": r.pmid,
        "url": _verbatim(r.url),
        "abstract": latex(r.abstract),
        "keywords": latex(separator.join(r.keywords)),
        "language": latex(r.language),
        "note": latex(reference.note),
    }
    fields = [Field(name, "{" + value + "}") for name, value in values.items() if value]
    return Entry(entry_type, key, fields)


def bibtex_pieces(entries: Sequence[Reference], progress: Progress | None = None) -> Iterator[str]:
    """The BibTeX text of ``entries``, a chunk at a time (the same text as in one go)."""
    keys = dict(zip((r.study_id for r in entries), citation_keys(entries), strict=True))
    for n, chunk in enumerate(chunks(entries, progress)):
        library = Library()
        for reference in chunk:
            library.add(bibtex_entry(reference, keys[reference.study_id]))
        text = str(bibtexparser.write_string(library, unparse_stack=[]))
        yield "\n\n" + text if n else text  # bibtexparser's separator between blocks


def bibtex_text(entries: Sequence[Reference]) -> str:
    return "".join(bibtex_pieces(entries))


def write_bibtex(
    project: Project,
    target: Path,
    studies: StudySet = StudySet.INCLUDED,
    progress: Progress | None = None,
) -> int:
    """Write the studies of ``studies`` to ``target`` as BibTeX; returns how many."""
    return write_references(project, target, bibtex_pieces, "BibTeX file", studies, progress)


KINDS = (
    ExportKind(
        "bibtex",
        "Included studies as BibTeX, for LaTeX and reference managers",
        "{studies}.bib",
        reference_writer(bibtex_pieces, "BibTeX file"),
        "One entry per study with a unique key (first author, year, first word of the title; "
        "a, b, … on repeats), LaTeX special characters escaped, and the screening outcome in "
        "the note field.",
        (STUDIES,),
    ),
)
