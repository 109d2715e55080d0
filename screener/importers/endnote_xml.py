"""EndNote XML importer (EndNote, Zotero and Mendeley "EndNote XML" exports) on defusedxml."""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from screener.importers.fields import clean_text, normalise_author
from screener.importers.records import ImportFormatError, make_record
from screener.models import Record

FORMAT = "endnote_xml"
LABEL = "EndNote XML"

_PROLOGUE = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*", re.DOTALL)
_RECORD_START = re.compile(r"<record[\s>]")
_DETECT_WINDOW = 4096
# A keyword element may hold a whole list, one keyword a line (EndNote's own exports).
_KEYWORD_SPLIT = re.compile(r"[\r\n]+")
# PubMed ids have at most 8 digits; Embase (9-10 digits) and Web of Science ("WOS:...")
# accession numbers are not PMIDs.
_PMID = re.compile(r"\s*\d{1,8}\s*")


def detect(text: str) -> bool:
    """``<xml>`` as the root element, or ``<records><record>`` near the start."""
    try:
        head = text[:_DETECT_WINDOW]
        prologue = _PROLOGUE.match(head)
        rest = head[prologue.end() if prologue else 0 :]
        if rest[:5].lower() == "<xml>" or rest[:5].lower() == "<xml ":
            return True
        return "<records>" in head and "<record>" in head
    except Exception:  # detect() must never raise
        return False


def parse(text: str) -> list[Record]:
    """Every ``<record>`` of an EndNote XML export, in file order."""
    return _parse(text)


def _parse(text: str) -> list[Record]:
    root = _parse_xml(text)
    records = list(root.iter("record"))
    if not records and root.tag not in ("xml", "records"):
        raise ImportFormatError(
            f"this XML is not an EndNote export: it has no <records><record> elements "
            f"(its root element is <{root.tag}>)",
            line=1,
        )
    return [_record(element, position) for position, element in enumerate(records, 1)]


def _parse_xml(text: str) -> Element:
    try:
        return fromstring(text)
    except DefusedXmlException as exc:
        # Entity declarations are how "billion laughs" and external-file attacks work;
        # EndNote never writes them, so such a file is refused rather than expanded.
        name = getattr(exc, "name", None)
        declared = f" (<!ENTITY {name} ...>)" if name else ""
        raise ImportFormatError(
            f"refused: the XML declares entities{declared}, which EndNote exports never "
            "contain and which can be used to attack the program reading the file"
        ) from None
    except ParseError as exc:
        raise _syntax_error(text, exc) from None
    except Exception as exc:  # anything else the parser raises, e.g. LookupError
        raise ImportFormatError(f"the XML could not be read ({exc})") from None


def _syntax_error(text: str, exc: ParseError) -> ImportFormatError:
    line, column = getattr(exc, "position", (0, 0))
    reason = str(exc).split(":", 1)[0]
    lines = text.split("\n")
    offset = sum(len(x) + 1 for x in lines[: max(line - 1, 0)]) + column
    if text[offset:].strip():
        return ImportFormatError(
            f"the XML is malformed at column {column + 1} ({reason})", line=line or None
        )
    # The parser reached the end of the text with elements still open: the file was cut
    # off. Name the record that was being read, where it starts.
    starts = list(_RECORD_START.finditer(text))
    if starts and "</record>" not in text[starts[-1].start() :]:
        start = starts[-1].start()
        return ImportFormatError(
            f"record {len(starts)} has no end tag </record> (the file seems cut off)",
            line=text.count("\n", 0, start) + 1,
            record=len(starts),
        )
    return ImportFormatError(
        f"the XML ends before its closing tags (the file seems cut off after "
        f"{len(starts)} record(s))",
        line=line or None,
    )


def _text(element: Element | None) -> str:
    """An element's text, plain or split into <style> runs, which are concatenated."""
    if element is None:
        return ""
    if not len(element):  # the common plain value: no need to walk the subtree
        return element.text or ""
    return "".join(element.itertext())


def _leaves(record: Element) -> dict[str, list[str]]:
    """The non-empty text of every leaf element, by ``parent/tag`` (``titles/title``,
    ``authors/author``; ``record/pages`` for a record's own children), in file order.
    One walk instead of a path search per field: this is the hot loop of a large import."""
    leaves: dict[str, list[str]] = {}

    def walk(element: Element) -> None:
        for child in element:
            tag = child.tag
            if tag == "style":
                continue
            if any(grandchild.tag != "style" for grandchild in child):
                walk(child)
                continue
            # <ref-type name="Journal Article">17</ref-type>: the name is what people read.
            value = (child.get("name") if tag == "ref-type" else None) or _text(child)
            value = value.strip()
            if value:
                leaves.setdefault(f"{element.tag}/{tag}", []).append(value)

    walk(record)
    return leaves


def _raw(leaves: dict[str, list[str]]) -> dict[str, Any]:
    """The leaves by tag alone (``author``, ``title``): a string, or a list where it repeats."""
    raw: dict[str, Any] = {}
    for path, values in leaves.items():
        tag = path.rsplit("/", 1)[1]
        if tag in raw:
            previous = raw[tag] if isinstance(raw[tag], list) else [raw[tag]]
            raw[tag] = previous + values
        else:
            raw[tag] = values[0] if len(values) == 1 else list(values)
    return raw


def _keywords(values: list[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        parts = [p for p in _KEYWORD_SPLIT.split(value) if p.strip()]
        # One <keyword> holding "a; b; c" is a list; several <keyword>s keep their ";".
        if len(values) == 1 and len(parts) == 1 and ";" in value:
            parts = value.split(";")
        found.extend(parts)
    return found


def _record(record: Element, position: int) -> Record:
    leaves = _leaves(record)

    def first(*paths: str) -> str:
        return next((leaves[p][0] for p in paths if p in leaves), "")

    accession = first("record/accession-num")
    authors = leaves.get("authors/author", [])
    built = make_record(
        position=position,
        line=0,
        source_record_id=first("record/rec-number"),
        raw=_raw(leaves),
        title=first("titles/title"),
        abstract=first("record/abstract"),
        authors=authors,
        year=first("dates/year", "pub-dates/date"),
        journal=first("titles/secondary-title", "periodical/full-title"),
        journal_abbrev=first("periodical/abbr-1", "alt-periodical/abbr-1", "titles/alt-title"),
        volume=first("record/volume"),
        issue=first("record/number", "record/issue"),
        pages=first("record/pages"),
        doi=first("record/electronic-resource-num"),
        pmid=accession if _PMID.fullmatch(accession) else "",
        issn=leaves.get("record/isbn", []),
        keywords=_keywords(leaves.get("keywords/keyword", [])),
        type=first("record/ref-type"),
        language=first("record/language"),
        url=first("related-urls/url", "web-urls/url", "pdf-urls/url"),
    )
    if any(a.endswith(",") for a in authors):
        # EndNote marks a corporate author with a trailing comma ("World Health
        # Organization,"); normalise_author would make it "Organization, World Health".
        kept = (
            clean_text(a).rstrip(",") if a.endswith(",") else normalise_author(a) for a in authors
        )
        built = dataclasses.replace(built, authors=tuple(a for a in kept if a))
    return built
