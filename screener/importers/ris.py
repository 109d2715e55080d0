"""RIS importer: a tolerant line reader for the RIS dialects of PubMed, Scopus, Embase, Ovid..."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from string import ascii_uppercase, digits

from rispy.config import TAG_KEY_MAPPING

from screener.errors import ImportFormatError
from screener.importers.fields import parse_year
from screener.importers.records import make_record
from screener.models import Record

FORMAT = "ris"
LABEL = "RIS"

# Why not rispy.loads(): it gives no line numbers (needed in every error message), silently
# drops a record cut off before its "ER  -", needs exactly "XX  - " (so the tab-separated
# tags of some EndNote exports become text of the previous tag) and skips records that have
# no TY line. The splitter below is one loop over the lines; rispy's tag table tells real
# RIS tags from stray ones.
_RIS_TAGS = frozenset(TAG_KEY_MAPPING) - {"UK"}
_KNOWN_TAGS = _RIS_TAGS - {"ER", "TY"}  # a block with one of these is a record, even sans TY
_TAG_NAMES = frozenset(a + b for a in ascii_uppercase for b in ascii_uppercase + digits)
# Variants of "XX  - value": tabs instead of spaces ("A1\t- x", "ID \t- x"), three spaces,
# one space ("TY - JOUR") -- the latter only for RIS tags, as text lines like "IV - ..." exist.
_LOOSE_TAG = re.compile(r"([A-Z][A-Z0-9])([ \t]{1,4})-(?:[ \t]+(.*)|$)")
_DETECT = re.compile(r"^\ufeff?(?:(?:TY|ER)(?:  | ?\t ?)|TY )-(?:[ \t]|$)", re.MULTILINE)
_DETECT_CHARS = 200_000

_Fields = dict[str, list[str]]


def detect(text: str) -> bool:
    """True for text with RIS tag lines: a ``TY  -`` or ``ER  -`` line (tag, two spaces, dash).

    WoS tagged ("PT J" ... "ER") and MEDLINE ("PMID- ", no TY/ER) never match."""
    try:
        if _DETECT.search(text, 0, _DETECT_CHARS):
            return True
        # a very long first record may push its TY/ER past the sampled head
        return len(text) > _DETECT_CHARS and bool(_DETECT.search(text, len(text) - 20_000))
    except Exception:  # detect must never raise, whatever it is given
        return False


def _split(lines: Iterable[str]) -> Iterator[tuple[int, _Fields]]:
    """(start line, tag -> values) for every record, in file order.

    A record runs from "TY  -" to "ER  -". Lines without a tag continue the previous tag's
    value (joined with "\\n"). Text outside records (Ovid's "1." / "<1>" numbers, "Record #1
    of 2" headers, Ovid's "NL  -" and "Link to..." lines after ER) is ignored -- except that
    a block of real RIS tags closed by "ER  -" but lacking a TY line is kept as a record.
    """
    count = 0
    untyped_records = False
    fields: _Fields | None = None  # the open record (or TY-less block), if any
    has_ty = False
    start = 0
    last: list[str] | None = None  # values of the last tag seen, for continuation lines
    more: list[str] = []  # continuation lines of last[-1], joined once (long texts stay linear)
    for number, line in enumerate(lines, 1):
        # Most lines are "XX  - value": two slices and a set lookup tell them, no regex.
        if line[2:5] == "  -" and line[:2] in _TAG_NAMES:
            tag, value = line[:2], line[5:].strip()
        else:
            match = _LOOSE_TAG.match(line)
            if match is None or (match[2] == " " and match[1] not in _RIS_TAGS):
                if last is not None:
                    extra = line.strip()
                    if extra:
                        more.append(extra)
                continue
            tag, value = match[1], (match[3] or "").strip()
        if more and last is not None:
            last[-1] = "\n".join([last[-1], *more] if last[-1] else more)
            more = []
        if tag == "TY":
            if fields is not None and has_ty:  # the previous record lacks its ER: close it
                count += 1
                yield start, fields
            fields, has_ty, start = {"TY": [value]}, True, number
            last = fields["TY"]
        elif tag == "ER":
            if fields is not None and (has_ty or not _KNOWN_TAGS.isdisjoint(fields)):
                count += 1
                untyped_records = untyped_records or not has_ty
                yield start, fields
            fields, has_ty, last = None, False, None
        elif fields is None:  # a tag outside a record: maybe a record without TY
            fields, has_ty, start = {tag: [value]}, False, number
            last = fields[tag]
        elif tag in fields:
            last = fields[tag]
            last.append(value)
        else:
            last = fields[tag] = [value]
    unfinished = has_ty or (untyped_records and not _KNOWN_TAGS.isdisjoint(fields or {}))
    if fields is not None and unfinished:
        raise ImportFormatError(
            f"record {count + 1} has no end tag 'ER  -' (the file seems cut off)",
            line=start,
        )


def parse(text: str) -> list[Record]:
    """Every record in ``text`` (RIS), in file order."""
    if not isinstance(text, str):
        raise ImportFormatError("the input is not text")
    if "\ufeff" in text:  # a BOM, also mid-file where exports were concatenated
        text = text.replace("\ufeff", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(read(text.split("\n")))


def read(lines: Iterable[str]) -> Iterator[Record]:
    """Every record in the lines of a RIS file, one at a time, in file order."""
    for position, (line, fields) in enumerate(_split(lines), 1):
        try:
            record = _record(position, line, fields)
        except Exception as exc:  # a bug or absurd value must not escape as a traceback
            raise ImportFormatError(
                f"record {position} could not be read ({exc})", line=line
            ) from None
        yield record


_NULLS = frozenset({"", "nan", "NaN", "NAN"})  # ASReview's pandas exports write "nan"


def _values(fields: _Fields, *tags: str) -> list[str]:
    return [v for t in tags if t in fields for v in fields[t] if v not in _NULLS]


def _one(fields: _Fields, *tags: str) -> str:
    """The first usable value of the first of ``tags`` present (most fields are single)."""
    for tag in tags:
        if tag in fields:
            for value in fields[tag]:
                if value not in _NULLS:
                    return value
    return ""


def _items(fields: _Fields, *tags: str) -> list[str]:
    """Values split into items: one per line (EndNote puts each keyword/author/URL on its
    own continuation line) and per ';' (Ovid, Zotero and ProQuest join them)."""
    items = []
    for value in _values(fields, *tags):
        if ";" in value or "\n" in value:
            items += [p for p in (p.strip() for p in _ITEM_SPLIT.split(value)) if p]
        else:
            items.append(value)
    return items


_ITEM_SPLIT = re.compile(r"[;\n]")
_DOI_IN_NOTE = re.compile(r"(?:\bdoi\b:?\s*|doi\.org/)(10\.\d{3,9}/\S+)", re.IGNORECASE)
_PMID_IN_TEXT = re.compile(r"\bPMID\b\s*:?\s*(?:NLM)?(\d{1,9})\b", re.IGNORECASE)
_PUBMED_URL = re.compile(r"ncbi\.nlm\.nih\.gov/(?:pubmed/)?(\d{1,9})\b", re.IGNORECASE)
_ASREVIEW_LABEL = re.compile(r"ASReview_(relevant|irrelevant)")
_ISBN = re.compile(r"\b97[89](?:[- ]?\d){10}\b|\bISBN\b", re.IGNORECASE)
_URL_START = ("http://", "https://", "ftp://", "www.")
_URL_TAGS = frozenset({"UR", "L2", "L1", "L3"})
_PMID_TAGS = frozenset({"AN", "C5", "C2", "M1", "N1", "DB", "DP"}) | _URL_TAGS
# "Liu R.", "Adler D.G." (Embase, Scopus): family name then dotted initials, no comma.
_DOTTED_INITIALS = re.compile(r"(\S.*?) ((?:[A-Z]\.-?){1,4})")


def _dois(fields: _Fields) -> list[str]:
    """DOI candidates, best first. DO/DI hold the DOI itself (sometimes as a doi.org URL);
    Ovid's M3, EBSCO's L3 and link fields may carry it; notes only when marked "doi:".
    Other URLs are left out: Scopus and link-resolver URLs embed DOIs of any quality."""
    found = _values(fields, "DO", "DI")
    if any("10." in value for value in found):
        return found
    for value in _values(fields, "M3", "L3", "UR", "L2", "L1", "LK"):
        for part in value.split():
            if part.startswith("10.") or "doi.org/" in part.lower():
                found.append(part)
    for value in _values(fields, "N1"):
        match = _DOI_IN_NOTE.search(value)
        if match:
            found.append(match[1])
    return found


def _pmid(fields: _Fields) -> str:
    """A PubMed id: "PMID: 123" in AN/C5/C2/M1/N1; AN from PubMed (EndNote: DP NLM, DB
    PubMed/MEDLINE); C5 from Embase (its PMID); C2 from Scopus (its PMID); or a PubMed URL."""
    if _PMID_TAGS.isdisjoint(fields):  # most records: nothing to look at
        return ""
    for value in _values(fields, "AN", "C5", "C2", "M1", "N1"):
        match = _PMID_IN_TEXT.search(value)
        if match:
            return match[1]
    source = " ".join(_values(fields, "DB", "DP")).lower()
    candidates: list[str] = []
    if "pubmed" in source or "medline" in source or "nlm" in source:
        candidates += _values(fields, "AN", "C5")
    if "embase" in source:
        candidates += _values(fields, "C5")
    if "scopus" in source:
        candidates += _values(fields, "C2")
    for value in candidates:
        if value.isdigit() and len(value) <= 9:
            return value
    for value in _values(fields, "UR", "L2", "L1"):
        if "ncbi" in value.lower():
            match = _PUBMED_URL.search(value)
            if match:
                return match[1]
    return ""


def _year(fields: _Fields) -> str:
    """The first of PY, Y1, DA that holds a year: PY can be junk ("10 15")."""
    for tag in ("PY", "Y1", "DA"):
        for value in fields.get(tag, ()):
            if parse_year(value) is not None:
                return value
    return ""


def _pages(fields: _Fields) -> tuple[str, str]:
    start, end = _one(fields, "SP"), _one(fields, "EP")
    if "pecified" in start or "pecified" in end:  # Ovid: SP "No", EP "Specified"
        return "", ""
    if end == "+":  # WoS: the article continues on unnumbered pages
        end = ""
    if not start:  # Scopus and WoS give an article number (C7) instead of pages
        start = _one(fields, "C7")
    return start, end


def _authors(fields: _Fields) -> list[str]:
    """AU and A1 are both primary authors; A2 (editors), A3 and A4 are not authors.
    normalise_author reads "Liu R." as given name "Liu": put the comma in for it."""
    authors = _items(fields, "A1", "AU")
    for i, name in enumerate(authors):
        if "," not in name and "." in name:
            match = _DOTTED_INITIALS.fullmatch(name)
            if match:
                authors[i] = f"{match[1]}, {match[2]}"
    return authors


def _url(fields: _Fields) -> str:
    """The first link that is a web address (else the first link)."""
    if _URL_TAGS.isdisjoint(fields):
        return ""
    first = ""
    for value in _values(fields, "UR", "L2", "L1", "L3"):
        for url in _ITEM_SPLIT.split(value) if ";" in value or "\n" in value else (value,):
            url = url.strip()
            if url.lower().startswith(_URL_START):
                return url
            first = first or url
    return first


def _label(fields: _Fields) -> int | None:
    """ASReview exports write its screening decision into the notes."""
    if "N1" not in fields:
        return None
    for value in _values(fields, "N1"):
        match = _ASREVIEW_LABEL.search(value)
        if match:
            return 1 if match[1] == "relevant" else 0
    return None


def _record(position: int, line: int, fields: _Fields) -> Record:
    start_page, end_page = _pages(fields)
    issn = [_ISBN.sub(" ", v) for v in _values(fields, "SN")]  # books put ISBNs in SN
    return make_record(
        position=position,
        line=line,
        source_record_id=_one(fields, "ID", "AN"),
        raw=fields,
        title=_one(fields, "TI", "T1", "CT", "BT", "ST"),
        abstract=_one(fields, "AB", "N2"),
        authors=_authors(fields),
        year=_year(fields),
        # JF/JO/T2 hold the full name (T2 is Zotero's and EndNote's), JA/J2/JI the abbreviation.
        journal=_one(fields, "JF", "JO", "T2", "T3", "JA", "J2", "JI"),
        journal_abbrev=_one(fields, "JA", "J2", "JI", "J1", "J9"),
        volume=_one(fields, "VL", "VO"),
        issue=_one(fields, "IS"),  # not M1: Embase and Ovid put affiliations there
        start_page=start_page,
        end_page=end_page,
        doi=_dois(fields),
        pmid=_pmid(fields),
        issn=issn,
        keywords=_items(fields, "KW"),
        type=_one(fields, "TY"),
        language=_one(fields, "LA"),
        url=_url(fields),
        label=_label(fields),
    )
