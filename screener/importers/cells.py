"""Reading the cells of a tabular export: lists of authors and keywords, screening labels,
and the fields hidden in compound cells (a citation, a link resolver's address, notes)."""

from __future__ import annotations

import ast
import re
from urllib.parse import parse_qs, urlsplit

from screener.importers.columns import database_named

# R and pandas write these for blanks; Scopus writes the last one for records without authors.
MISSING = frozenset({"NA", "N/A", "NaN", "nan", "None", "NULL", "[No author name available]"})
_YES = frozenset({"1", "1.0", "yes", "y", "true", "t", "include", "included", "relevant"})
_NO = frozenset({"0", "0.0", "no", "n", "false", "f", "exclude", "excluded", "irrelevant"})

_INITIAL = r"(?:[A-Z][a-z]?\.-?|[A-Z]-?){1,4}"  # "J", "JA", "D.G.", "Ch.", "J.-P."
_INITIALS = re.compile(rf"^{_INITIAL}$")
_FAMILY_INITIALS = re.compile(rf"^([^,]*?\S)\s+({_INITIAL}(?:\s+{_INITIAL})*)\s*$")
_GLUED = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z])")  # "Adeli K.Lewis G. F." (lost separators)
_COMMA_OUTSIDE_PARENS = re.compile(r",\s*(?![^()]*\))")  # Emtree "cyst (diagnosis, surgery)"

# Citations in one cell: Embase "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of
# Publication: 2014"; Ovid "Journal of Nothing. 12(3):45-67, 2020 Mar."; PubMed
# "Nature. 2020 Jan;577(7788):123-130. doi: ...".
_EMBASE_CITATION = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<volume>[^\s:()]+)?(?::(?P<issue>[^\s()]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_OVID_CITATION = re.compile(
    r"^(?P<journal>[^.]+?)\.\s+(?P<volume>[^\s():,]+)(?:\((?P<issue>[^)]*)\))?"
    r":(?P<pages>[^,\s]+),\s*(?P<year>\d{4})\b"
)
_PUBMED_CITATION = re.compile(
    r";\s*(?P<volume>[^();:\s]+)?(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^.;\s]+)"
)
_NOTES_PMID = re.compile(r"\bPMID:\s*(\d+)")


def literal_list(value: str) -> list[str] | None:
    """ASReview writes lists as Python literals: "['Marx, Karl', 'Lindgren, Astrid']"."""
    if not (value.startswith("[") and value.endswith("]")):
        return None
    try:
        items = ast.literal_eval(value)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return [str(i) for i in items] if isinstance(items, list | tuple) else None


def _family_initials(name: str) -> str:
    """ "Adler D.G." -> "Adler, D.G." (normalise_author would read "D.G." as a given name)."""
    match = _FAMILY_INITIALS.match(name)
    return f"{match[1]}, {match[2]}" if match else name


def _comma_list(value: str) -> list[str] | None:
    """A comma-separated list of names with initials, or None: Scopus 2016 / Embase "Smith
    J., Doe A.B."; PubMed "Smith J, Doe A." (final dot); Google Scholar "W Chen, A Müller"
    (initials first). "Doe, Jane" is one name, not two."""
    parts = [p.strip() for p in value.split(",") if p.strip() not in ("", "et al", "et al.")]
    if len(parts) < 2 or not all(len(p.split()) > 1 for p in parts):
        return None
    if all(_INITIALS.match(p.split()[0]) for p in parts):
        return parts  # "W Chen": normalise_author turns it into "Chen, W"
    if not all(_INITIALS.match(p.split()[-1]) for p in parts):
        return None
    if parts[-1].endswith(".") and not any("." in p for p in parts[:-1]):
        parts[-1] = parts[-1][:-1]
    return [_family_initials(p) for p in parts]


def split_authors(value: str) -> list[str]:
    """One cell of authors as a list of names, whatever the exporting tool joined them with."""
    listed = literal_list(value)
    if listed is not None:
        return listed
    for separator in ("\n", ";", "|", "//"):
        if separator in value:
            return [_family_initials(p.strip()) for p in value.split(separator)]
    if " and " in value and "," in value:  # BibTeX and Rayyan: "Doe, Jane and Roe, Richard"
        return value.split(" and ")
    listed = _comma_list(value)
    if listed is not None:
        return listed
    if _GLUED.search(value):
        return [_family_initials(p) for p in _GLUED.split(value)]
    return [_family_initials(value)]


def split_keywords(value: str) -> list[str]:
    listed = literal_list(value)
    if listed is not None:
        return listed
    for separator in ("\n", ";", "|"):
        if separator in value:
            return value.split(separator)
    return _COMMA_OUTSIDE_PARENS.split(value)


def label(value: str) -> int | None:
    """A screening label: 1 for include, 0 for exclude, None for anything else."""
    text = value.strip().lower()
    return 1 if text in _YES else 0 if text in _NO else None


def citation_fields(value: str) -> dict[str, str]:
    """The journal, year, volume, issue and pages a one-cell citation gives (those found)."""
    for pattern in (_EMBASE_CITATION, _OVID_CITATION):
        match = pattern.match(value)
        if match:
            return {k: v for k, v in match.groupdict().items() if v}
    match = _PUBMED_CITATION.search(value)
    return {k: v for k, v in match.groupdict().items() if v} if match else {}


def venue_or_citation(value: str) -> dict[str, str]:
    """A "Source" cell: a citation to take apart, a database's name (no venue), or the
    venue itself."""
    found = citation_fields(value)
    if found:
        found.setdefault("journal", value.split(".", 1)[0].strip())
        return found
    if len(value.split()) <= 3 and database_named(value) is not None:
        return {}
    return {"journal": value}


def openurl_fields(value: str) -> dict[str, str]:
    """The DOI and ISSN in a link resolver's address (Embase's "Open URL Link")."""
    query = parse_qs(urlsplit(value).query)
    found = {}
    for item in query.get("id", [])[:1]:
        if item.lower().startswith("doi:"):
            found["doi"] = item[4:]
    for item in query.get("issn", [])[:1]:
        found["issn"] = item
    return found


def notes_fields(value: str) -> dict[str, str]:
    """A PubMed id in free-text notes ("PMID: 123" in Zotero's "Extra")."""
    match = _NOTES_PMID.search(value)
    return {"pmid": match[1]} if match else {}


COMPOUND_READERS = {
    "citation": citation_fields,
    "openurl": openurl_fields,
    "notes": notes_fields,
    "venue": venue_or_citation,
}
