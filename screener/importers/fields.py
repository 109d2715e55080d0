"""Field normalisation shared by every importer: DOI, PMID, year, pages, authors, text."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

# Inline markup that publishers leave in titles and abstracts; other '<' stay as data.
_TAGS = re.compile(
    r"</?(?:i|b|em|strong|sup|sub|u|sc|span|p|br|inf|scp|mml:[a-z]+|jats:[a-z]+)\b[^<>]*>",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Whitespace other than the space that exports commonly hold: line breaks of multi-line
# values, tabs, no-break and thin spaces. Replaced directly (a fast search for each) before
# the general and slower treatment of what remains.
_COMMON_SPACES = ("\n", "\t", "\xa0", "\u2009", "\u202f", "\u2002", "\u2003")


def _printable(text: str) -> str:
    """Whitespace of any kind as spaces, control characters removed."""
    for space in _COMMON_SPACES:
        if space in text:
            text = text.replace(space, " ")
    if text.isprintable():
        return text
    return " ".join(_CONTROL.sub("", text).split())


def clean_text(value: object) -> str:
    """Unescape HTML entities, drop inline markup and control characters, collapse spaces."""
    if not value:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAGS.sub("", text)
    if not text.isprintable():  # tabs, line breaks, no-break spaces, control characters
        text = _printable(text)
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        return " ".join(text.split())
    return text


_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{3,9}/\S+")


def normalise_doi(value: object) -> str:
    """Lower-case DOI without URL or ``doi:`` prefix; '' when there is no DOI in ``value``."""
    if not value:
        return ""
    text = clean_text(value)
    text = _DOI_PREFIX.sub("", text)
    if "%" in text:  # DOIs copied from URLs are percent-encoded
        text = unquote(text)
    match = _DOI.search(text)
    if not match:
        return ""
    doi = match.group(0).rstrip(".,;)]}>\"'").lower()
    # "10.1000/xyz [doi]" (MEDLINE) is handled by the \S+ stop; trailing tags need no more work.
    return doi


_PMID = re.compile(r"\b(\d{1,9})\b")


def normalise_pmid(value: object) -> str:
    """Digits of a PubMed id (``PMID: 123``, ``123 [pmid]``); '' when there is none."""
    if not value:
        return ""
    text = str(value).strip()
    if "pubmed" in text.lower() and "/" in text:  # https://pubmed.ncbi.nlm.nih.gov/123/
        text = text.rstrip("/").rsplit("/", 1)[-1]
    match = _PMID.search(text)
    return match.group(1).lstrip("0") if match and match.group(1).strip("0") else ""


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_COMPACT_DATE = re.compile(r"\s*(1[5-9]\d\d|20\d\d|21\d\d)(?:0[1-9]|1[0-2])(?:\d\d)?\s*")


def parse_year(value: object) -> int | None:
    """The year from any date form: ``2016``, ``2016/09//``, ``2016 Sep 12``, ``12/09/2016``,
    ``20160912`` (EBSCO)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2199 else None
    text = str(value)
    match = _YEAR.search(text) or _COMPACT_DATE.fullmatch(text)
    return int(match.group(1)) if match else None


_PAGE_SPLIT = re.compile(r"\s*(?:-|–|—|‐|‑|−|\bto\b)+\s*")


def split_pages(value: object) -> tuple[str, str, str]:
    """``(pages, start, end)``; ``1535-41`` gives start 1535 and end 1541 (digits borrowed)."""
    pages = clean_text(value)
    if not pages:
        return "", "", ""
    parts = [p for p in _PAGE_SPLIT.split(pages, maxsplit=1) if p]
    start = parts[0] if parts else ""
    end = parts[1] if len(parts) > 1 else ""
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return pages, start, end


_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")  # JA, J.A., J.-A.
_GROUP = re.compile(
    r"\b(group|consortium|collaborat\w*|committee|network|investigators|society|association"
    r"|team|trialists|working party|organi[sz]ation|institute|council|foundation)\b",
    re.IGNORECASE,
)


def normalise_author(value: object) -> str:
    """An author as ``Family, Given``: accepts ``Family, Given``, ``Family GA`` (MEDLINE ``AU``)
    and ``Given Family``; group names and single words are kept as they are."""
    name = clean_text(value).strip(" ;,")
    if not name:
        return ""
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), given.strip(" ,")
        return f"{family}, {given}" if given else family
    words = name.split(" ")
    if len(words) == 1 or _GROUP.search(name):  # a collective author keeps its word order
        return name
    if _INITIALS.match(words[-1]):  # "Smith JA" -> "Smith, JA"
        return f"{' '.join(words[:-1])}, {words[-1]}"
    if len(words) > 4:  # more likely a collective name ("The XYZ Study Group ...")
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def split_list(value: object, separators: str = ";") -> tuple[str, ...]:
    """Split a joined field (keywords, authors) on any of ``separators``; drop empty items."""
    if not value:
        return ()
    text = str(value)
    pattern = "|".join(re.escape(s) for s in separators)
    items = (clean_text(part) for part in re.split(pattern, text))
    return tuple(item for item in items if item)


def normalise_issn(value: object) -> tuple[str, ...]:
    """ISSNs as ``1234-567X``; a field may hold several (print and electronic)."""
    found = re.findall(r"\b(\d{4})-?(\d{3}[\dXx])\b", str(value or ""))
    seen: dict[str, None] = {}
    for a, b in found:
        seen[f"{a}-{b.upper()}"] = None
    return tuple(seen)


def fold(text: str) -> str:
    """Lower-case ASCII-folded text for comparing header names and tags."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
