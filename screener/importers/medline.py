"""Importer for PubMed MEDLINE / .nbib text (and the PMC MEDLARS variant of the same layout)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import ImportFormatError
from screener.importers.records import first_value as _one
from screener.importers.records import first_values as _many
from screener.importers.records import make_record
from screener.models import Record

FORMAT = "medline"
LABEL = "PubMed MEDLINE/nbib"

# Written by hand: the layout is a few lines of logic, no dependency we ship parses it
# (Biopython's Bio.Medline would be a large install and reports no line numbers), and a
# plain loop over lines is what keeps 100,000 records within a few seconds.

_HEAD = 65536  # detect() looks only at the start of the text, to stay cheap on big files
# A tag is 2-4 upper-case letters/digits padded with spaces to 4 characters, then "- ".
_TAG_LINE_RE = re.compile(r"^[A-Z][A-Z0-9 ]{3}-(?: |$)", re.MULTILINE)
_LONG_TAG_RE = re.compile(r"^(?:[A-Z][A-Z0-9]{2} |[A-Z][A-Z0-9]{3})- ", re.MULTILINE)
_RIS_RE = re.compile(r"^TY  - ", re.MULTILINE)
_PMID_RE = re.compile(r"^PMID- ", re.MULTILINE)
_MARKER_RE = re.compile(r"\s*\[([A-Za-z-]+)\]\s*$")  # "10.1000/x [doi]", "S0140-... [pii]"
_SO_DOI_RE = re.compile(r"\bdoi:\s*(10\.\S+)", re.IGNORECASE)


def detect(text: str) -> bool:
    """A "PMID- " line, or a first line in the 4-character tag layout plus a 3-4 letter tag
    (PMC, FAU, OWN...), which RIS -- whose tags are always 2 characters -- never has."""
    try:
        head = text[:_HEAD].lstrip("\ufeff")
        if _RIS_RE.search(head):
            return False
        if _PMID_RE.search(head):
            return True
        first = head.lstrip().split("\n", 1)[0]
        return bool(_TAG_LINE_RE.match(first)) and bool(_LONG_TAG_RE.search(head))
    except Exception:  # detect must never raise
        return False


def _valid_tag(tag: str) -> bool:
    return 2 <= len(tag) <= 4 and tag.isascii() and tag.isalnum() and tag.isupper()


def parse(text: str) -> list[Record]:
    """Every record in ``text`` (see :func:`read`)."""
    if not isinstance(text, str):
        raise ImportFormatError("the input is not text")
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return list(read(text.split("\n")))


def read(lines: Iterable[str]) -> Iterator[Record]:
    """Every record in the lines of a file, one at a time; records are separated by blank
    lines.

    A record cut off at the end of the file cannot be told apart from a short record
    (MEDLINE has no end tag, and a tag may legally be empty, e.g. ``AB  - ``), so it is
    returned as it is. Only a line that is neither a tag line nor an indented
    continuation, or a continuation with no tag before it, raises ImportFormatError.
    """
    # A plain loop over lines: measured faster than doing the per-line work with regular
    # expressions (finditer/findall restart too often on short lines).
    count = 0
    fields: dict[str, list[str]] = {}
    start = 0
    last: list[str] | None = None  # the values of the latest tag, for continuation lines
    known: set[str] = set()  # tags already checked, so each distinct tag is checked once
    for number, line in enumerate(lines, 1):
        if line[4:6] == "- " or line[4:] == "-":  # most lines are tag lines: test them first
            tag = line[:4].rstrip()
            if tag in known or _valid_tag(tag):
                known.add(tag)
                if not fields:
                    start = number
                last = fields.get(tag)
                if last is None:
                    last = fields[tag] = []
                last.append(line[6:].strip())
                continue
        first = line[:1]
        if first == " " or first == "\t":
            value = line.strip()
            if value:
                if last is None:
                    raise ImportFormatError(
                        "an indented continuation line with no MEDLINE tag before it",
                        line=number,
                    )
                last[-1] = f"{last[-1]} {value}" if last[-1] else value
                continue
        if line.strip():
            raise ImportFormatError(
                f"not a MEDLINE tag line (expected 'TAG - value' or an indented "
                f"continuation): {line[:60]!r}",
                line=number,
            )
        # A blank line (or one of spaces only) ends the record.
        if fields:
            count += 1
            yield _build(fields, count, start)
            fields, last = {}, None
    if fields:
        yield _build(fields, count + 1, start)


def _marked(values: list[str]) -> tuple[list[str], list[str]]:
    """Split LID/AID values into DOIs (marked [doi], or unmarked and DOI-like) and other
    unmarked ids (article numbers such as "e5082"); [pii] and other marked ids are dropped."""
    dois: list[str] = []
    plain: list[str] = []
    for value in values:
        match = _MARKER_RE.search(value)
        if match:
            if match.group(1).lower() == "doi":
                dois.append(value[: match.start()])
        elif value.startswith("10."):
            dois.append(value)
        elif value:
            plain.append(value)
    return dois, plain


def _mesh(heading: str) -> str:
    """MeSH "*Neoplasms/*therapy/drug effects" -> "Neoplasms" (the heading, no stars)."""
    return heading.split("/", 1)[0].strip().lstrip("*").strip()


def _build(fields: dict[str, list[str]], position: int, line: int) -> Record:
    get = fields.get
    dois, plain = _marked(get("LID", []) + get("AID", []))
    if not dois and "SO" in fields:  # the citation line carries "doi: 10..." too
        match = _SO_DOI_RE.search(" ".join(fields["SO"]))
        if match:
            dois.append(match.group(1))
    keywords = get("OT", [])
    if "MH" in fields:
        keywords = keywords + [_mesh(m) for m in fields["MH"]]
    pages = _one(fields, "PG") or (plain[0] if plain else "")  # else an article number
    return make_record(
        position=position,
        line=line,
        source_record_id=_one(fields, "PMID", "PMC"),
        raw=fields,
        title=_one(fields, "TI", "BTI", "TT"),
        abstract=_one(fields, "AB"),
        authors=_many(fields, "FAU", "AU", "CN"),
        year=_one(fields, "DP", "DEP"),
        journal=_one(fields, "JT"),
        journal_abbrev=_one(fields, "TA"),
        volume=_one(fields, "VI"),
        issue=_one(fields, "IP"),
        pages=pages,
        doi=dois,
        pmid=_one(fields, "PMID"),
        issn=get("IS", []),
        keywords=keywords,
        type=_one(fields, "PT"),
        language=_one(fields, "LA"),
    )
