"""Importer for Web of Science tagged exports (.ciw, .txt, .isi): "PT J" ... "ER" records."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from screener.errors import ImportFormatError
from screener.importers.records import first_value as _one
from screener.importers.records import first_values as _many
from screener.importers.records import make_record
from screener.models import Record

FORMAT = "wos"
LABEL = "Web of Science tagged"

# Written by hand: no dependency we ship reads this layout (rispy is RIS only), and it is
# a short loop over lines that also gives the line numbers our messages need.

_HEAD = 65536  # detect() looks only at the start of the text, to stay cheap on big files
_FN_HEADER_RE = re.compile(r"\s*FN [^\n]*\n\s*(?:VR|PT) ")
_PT_RE = re.compile(r"^PT [A-Z]", re.MULTILINE)
_ER_RE = re.compile(r"^ER[ \t]*$", re.MULTILINE)
_OTHER_TAGGED_RE = re.compile(r"^(?:TY  - |PMID- )", re.MULTILINE)  # RIS and MEDLINE
_EMAIL_RE = re.compile(r"\s*\([^()]*@[^()]*\)")  # Zoological Record: "Name (a@b.org)"

# Tags whose continuation lines are new items (one author or cited reference a line);
# for every other tag a continuation line goes on with the text of the line before.
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1"})
# Known field tags, used only to recover a line whose tag lost its space ("AUGilles, H").
_KNOWN_TAG_NAMES = (
    "AB AF AN AR AU BA BD BE BF BN BP BS C1 C3 CA CL CR CT CY D2 DA DE DI DL DT EA ED EI EM "
    "EP EY FP FU FX GA GP HC HO HP ID IS J9 JI LA MA NR OA OI OR PA PD PG PI PM PN PS PT PU "
    "PY RI RP SC SE SI SN SO SP ST SU TC TI TN U1 U2 UT VL WC WE Z8 Z9 ZA ZB ZR ZS"
)
_KNOWN_TAGS = frozenset(_KNOWN_TAG_NAMES.split())


def detect(text: str) -> bool:
    """An "FN " header followed by "VR"/"PT", or a "PT " line plus an "ER" line; never
    RIS ("TY  - ", whose "ER  -" must not count) or MEDLINE ("PMID- ") text."""
    try:
        head = text[:_HEAD].lstrip("\ufeff")
        if _OTHER_TAGGED_RE.search(head):
            return False
        if _FN_HEADER_RE.match(head):
            return True
        return bool(_PT_RE.search(head)) and bool(_ER_RE.search(text))
    except Exception:  # detect must never raise
        return False


def _valid_tag(tag: str) -> bool:
    return len(tag) == 2 and tag.isascii() and tag.isalnum() and tag.isupper()


def parse(text: str) -> list[Record]:
    """Every record in ``text`` (see :func:`read`)."""
    if not isinstance(text, str):
        raise ImportFormatError("the input is not text")
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return list(read(text.split("\n")))


def read(lines: Iterable[str]) -> Iterator[Record]:
    """Every record in the lines of a file, one at a time. A record that is still open (no
    "ER") at the end of the text, at an "EF" line or at the next "PT" line raises
    ImportFormatError naming the line where it starts; a missing "EF" alone is fine."""
    return _records(lines)


def _unfinished(position: int, start: int, where: str) -> ImportFormatError:
    return ImportFormatError(f"record {position} has no end tag 'ER' {where}", line=start)


def _records(lines: Iterable[str]) -> Iterator[Record]:
    count = 0
    fields: dict[str, list[str]] | None = None  # None between records
    start = 0
    tag = ""
    last: list[str] | None = None  # the values of the latest tag, for continuation lines
    known: set[str] = set()  # tags already checked, so each distinct tag is checked once
    for number, line in enumerate(lines, 1):
        first = line[:1]
        if first == " " or first == "\t":
            value = line.strip()
            if not value:
                continue
            if last is None:
                raise ImportFormatError(
                    "an indented continuation line with no Web of Science tag before it",
                    line=number,
                )
            if tag in _LIST_TAGS:
                last.append(value)
            else:
                last[-1] = f"{last[-1]} {value}" if last[-1] else value
            continue
        name, sep = line[:2], line[2:3]
        if not sep or sep.isspace():
            value = line[3:].strip()
        elif fields is not None and name in _KNOWN_TAGS:
            value = line[2:].strip()  # a tag glued to its value, e.g. "AUGilles, H"
        else:
            name = ""  # not a tag line: reported below unless the line is blank
        if name not in known:
            if not _valid_tag(name):
                if not line.strip():
                    continue  # a blank line: keeps the tag a continuation goes on with
                raise ImportFormatError(
                    f"not a Web of Science tag line (expected 'TG value' or an indented "
                    f"continuation): {line[:60]!r}",
                    line=number,
                )
            known.add(name)
        tag = name
        if fields is None:
            if tag in ("FN", "VR", "EF", "ER"):  # file header and end markers
                last = None
                continue
            fields, start = {}, number
        elif tag == "ER":
            count += 1
            yield _build(fields, count, start)
            fields, last = None, None
            continue
        elif tag in ("PT", "EF", "FN", "VR"):
            what = "end-of-file tag 'EF'" if tag == "EF" else "next record"
            raise _unfinished(count + 1, start, f"before the {what} at line {number}")
        last = fields.get(tag)
        if last is None:
            last = fields[tag] = []
        last.append(value)
    if fields is not None:
        raise _unfinished(count + 1, start, "(the file seems cut off)")


def _split(fields: dict[str, list[str]], tag: str) -> list[str]:
    """A "; "-separated field (DE, ID) as a list of items."""
    return [item for value in fields.get(tag, ()) for item in value.split(";")]


def _build(fields: dict[str, list[str]], position: int, line: int) -> Record:
    authors = _many(fields, "AF", "AU", "BF", "BA", "CA", "GP")
    if any("@" in name for name in authors):
        authors = [_EMAIL_RE.sub("", name) for name in authors]
    get = fields.get
    return make_record(
        position=position,
        line=line,
        source_record_id=_one(fields, "UT", "AN"),
        raw=fields,
        title=_one(fields, "TI"),
        abstract=_one(fields, "AB"),
        authors=authors,
        year=_one(fields, "PY", "EY", "PD", "EA"),
        journal=_one(fields, "SO"),
        journal_abbrev=_one(fields, "JI", "J9"),
        volume=_one(fields, "VL"),
        issue=_one(fields, "IS"),
        start_page=_one(fields, "BP", "AR"),
        end_page=_one(fields, "EP"),
        doi=_one(fields, "DI"),
        pmid=_one(fields, "PM"),
        issn=get("SN", []) + get("EI", []),
        keywords=_split(fields, "DE") + _split(fields, "ID"),
        type=_one(fields, "DT"),
        language=_one(fields, "LA"),
    )
