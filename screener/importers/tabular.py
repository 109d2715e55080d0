"""CSV/TSV citation tables: Scopus, Embase, PubMed, Lens, OpenAlex, Zotero, EndNote, ASReview."""

# The csv module, not pandas: it streams, keeps every cell a plain string, and its
# ``line_num`` gives the real file line of each row (quoted cells may span lines), which
# error messages and Record.line need; pandas would add a heavy import and hide both.
from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from screener.errors import ImportFormatError
from screener.importers.base import make_record
from screener.importers.fields import fold
from screener.models import Record

FORMAT = "csv"
LABEL = "CSV/TSV"

_DELIMITERS = (",", ";", "\t", "|")
_MAX_PREAMBLE_ROWS = 10  # Embase and EndNote put a few title lines above the header
_MAX_HEADER_CELL = 200

# Known header names, normalised by _key(); within a field, earlier names win.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "articletitle",
        "documenttitle",
        "primarytitle",
        "displayname",
        "ti",
        "originaltitle",
    ),
    "abstract": ("abstract", "abstractnote", "ab", "originalabstract"),
    "authors": (
        "authors",
        "author",
        "authornames",
        "firstauthors",
        "authorshipsauthordisplayname",
        "au",
        "a1",
        "af",
        "authorfullnames",
        "firstauthor",
    ),
    "year": (
        "year",
        "publicationyear",
        "pubyear",
        "py",
        "yr",
        "datepublished",
        "publicationdate",
        "date",
        "da",
    ),
    "journal": (
        "journal",
        "sourcetitle",
        "publicationtitle",
        "secondarytitle",
        "journalbook",
        "publicationname",
        "journaltitle",
        "primarylocationsourcedisplayname",
        "jo",
        "jf",
        "t2",
        "so",
    ),
    "journal_abbrev": ("abbreviatedsourcetitle", "journalabbreviation", "j2", "ja", "ji", "j9"),
    "volume": ("volume", "vol", "vl"),
    "issue": ("issue", "issuenumber", "number", "is"),
    "pages": ("pages", "page", "pagerange"),
    "start_page": ("pagestart", "startpage", "firstpage", "sp", "bp"),
    "end_page": ("pageend", "endpage", "lastpage", "ep"),
    "doi": ("doi", "do", "di"),
    "pmid": ("pmid", "pubmedid", "idspmid", "pm"),
    "issn": ("issn", "issns", "isbnissn", "eissn", "primarylocationsourceissnl", "sn", "ei"),
    "keywords": (
        "keywords",
        "authorkeywords",
        "indexkeywords",
        "manualtags",
        "automatictags",
        "meshterms",
        "emtreemedicalindexterms",
        "emtreedrugindexterms",
        "kw",
        "de",
    ),
    "type": (
        "documenttype",
        "itemtype",
        "publicationtype",
        "referencetype",
        "typeofreference",
        "type",
        "ty",
        "dt",
        "pt",
    ),
    "language": ("languageoforiginaldocument", "language", "la"),
    "url": ("url", "link", "externalurl", "ur"),
    # WoS "ID" is Keywords Plus, so WoS "UT" must come before "id".
    "id": (
        "recordid",
        "eid",
        "ut",
        "lensid",
        "accessionnumber",
        "id",
        "key",
        "customid",
        "an",
        "pmid",
    ),
    "label": (
        "labelincluded",
        "included",
        "finalincluded",
        "asreviewlabel",
        "labelabstractscreening",
        "abstractincluded",
        "label",
    ),
}
_FIELD_OF = {name: field for field, names in _COLUMNS.items() for name in names}
# A header needs one of these full names, or three known names of any kind (WoS and RIS
# tags as columns: "PT", "AU", "TI"); "type" or "date" alone prove nothing.
_STRONG = {
    n
    for f in ("title", "abstract", "authors", "doi", "journal", "pmid", "year", "keywords", "issn")
    for n in _COLUMNS[f]
    if len(n) > 2
} - {"date"}
_LIST_FIELDS = ("authors", "keywords", "issn")  # issn: print and electronic columns (WoS SN, EI)
_YES = {"1", "1.0", "yes", "y", "true", "t", "include", "included", "relevant"}
_NO = {"0", "0.0", "no", "n", "false", "f", "exclude", "excluded", "irrelevant"}
# R and pandas write these for blanks; Scopus writes the last one for records without authors.
_MISSING = {"NA", "N/A", "NaN", "nan", "None", "NULL", "[No author name available]"}

# "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014" (Embase "Source").
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<volume>[^\s:()]+)?(?::(?P<issue>[^\s()]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
# PubMed "Citation": "Nature. 2020 Jan;577(7788):123-130. doi: ..."
_PUBMED_CITATION = re.compile(
    r";\s*(?P<volume>[^();:\s]+)?(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^.;\s]+)"
)
_EXTRA_PMID = re.compile(r"\bPMID:\s*(\d+)")
_INITIAL = r"(?:[A-Z][a-z]?\.-?|[A-Z]-?){1,4}"  # "J", "JA", "D.G.", "Ch.", "J.-P."
_INITIALS = re.compile(rf"^{_INITIAL}$")
_FAMILY_INITIALS = re.compile(rf"^([^,]*?\S)\s+({_INITIAL}(?:\s+{_INITIAL})*)\s*$")
_GLUED = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z])")  # "Adeli K.Lewis G. F." (lost separators)
_COMMA_OUTSIDE_PARENS = re.compile(r",\s*(?![^()]*\))")  # Emtree "cyst (diagnosis, surgery)"
_TAGGED = re.compile(r"^(?:[A-Z][A-Z0-9]{1,3} {0,2}- |(?:FN|VR|PT) |%[0A-Z] |[<@{])")


def _key(name: str) -> str:
    """Header name for lookup: accents folded, case and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) per row; csv.reader's line_num counts real lines, newlines in
    quoted cells included."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(
                f"cannot read this row as CSV: {exc}", line=previous + 1
            ) from None
        yield previous + 1, row
        previous = reader.line_num


def _header_in(sample: str, delimiter: str) -> tuple[int, int, list[str], float]:
    """(row index, recognised names, header, consistency) of the first row that looks like a
    header; recognised is 0 when there is none."""
    rows: list[list[str]] = []
    try:
        for _, row in _rows(sample, delimiter):
            rows.append(row)
            if len(rows) >= 40:
                break
    except ImportFormatError:
        pass
    for index, row in enumerate(rows[:_MAX_PREAMBLE_ROWS]):
        cells = [c for c in row if c.strip()]
        if len(cells) < 2 or any(len(c) > _MAX_HEADER_CELL for c in cells):
            continue
        keys = [_key(c) for c in cells]
        known = sum(1 for k in keys if k in _FIELD_OF)
        if known >= 3 or any(k in _STRONG for k in keys):
            body = [r for r in rows[index + 1 : -1] if any(r)]  # the last may be truncated
            same = sum(1 for r in body if len(r) == len(row))
            return index, known, row, same / len(body) if body else 1.0
    return -1, 0, [], 0.0


def _sample(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    cut = text.rfind("\n", 0, size)
    return text[: cut + 1] if cut > 0 else text[:size]


def detect(text: str) -> bool:
    """A delimited header with a bibliographic column name among the first lines."""
    try:
        first = next((line for line in text[:4096].split("\n") if line.strip()), "")
        if _TAGGED.match(first.lstrip()):
            return False
        sample = _sample(text, 20000)
        return any(_header_in(sample, d)[1] for d in _DELIMITERS)
    except Exception:  # detect must never raise
        return False


def _choose_delimiter(text: str) -> tuple[str, int, list[str]]:
    """Score each delimiter instead of trusting csv.Sniffer, which is easily misled by
    commas inside titles: recognised header names first, then rows of the header's width."""
    sample = _sample(text, 200_000)
    best = max(
        ((_header_in(sample, d), d) for d in _DELIMITERS),
        key=lambda item: (item[0][1], item[0][3], len(item[0][2])),
    )
    (index, known, header, _), delimiter = best
    if not known:
        lines = sample.split("\n")
        number = next((n for n, line in enumerate(lines, 1) if line.strip()), 1)
        found = max(
            (next(csv.reader([lines[number - 1]], delimiter=d), []) for d in _DELIMITERS), key=len
        )
        raise ImportFormatError(f"no title column: found columns {_names(found)}", line=number)
    return delimiter, index, header


def _names(header: list[str]) -> str:
    if not any(h.strip() for h in header):
        return "none"
    shown = ", ".join(repr(h.strip()) for h in header[:20])
    return shown + (f" and {len(header) - 20} more" if len(header) > 20 else "")


def _literal_list(value: str) -> list[str] | None:
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


def _split_authors(value: str) -> list[str]:
    listed = _literal_list(value)
    if listed is not None:
        return listed
    for separator in ("\n", ";", "|", "//"):
        if separator in value:
            return [_family_initials(p.strip()) for p in value.split(separator)]
    if " and " in value and "," in value:  # BibTeX style "Doe, Jane and Roe, Richard"
        return value.split(" and ")
    parts = [p.strip() for p in value.split(",") if p.strip() not in ("", "et al", "et al.")]
    if len(parts) > 1 and all(len(p.split()) > 1 and _INITIALS.match(p.split()[-1]) for p in parts):
        # Scopus 2016 / Embase "Smith J., Doe A.B."; PubMed "Smith J, Doe A." (final dot)
        if parts[-1].endswith(".") and not any("." in p for p in parts[:-1]):
            parts[-1] = parts[-1][:-1]
        return [_family_initials(p) for p in parts]
    if _GLUED.search(value):
        return [_family_initials(p) for p in _GLUED.split(value)]
    return [_family_initials(value)]


def _split_keywords(value: str) -> list[str]:
    listed = _literal_list(value)
    if listed is not None:
        return listed
    for separator in ("\n", ";", "|"):
        if separator in value:
            return value.split(separator)
    return _COMMA_OUTSIDE_PARENS.split(value)


def _label(value: str) -> int | None:
    text = value.strip().lower()
    return 1 if text in _YES else 0 if text in _NO else None


def _raw(names: list[str], row: list[str]) -> dict[str, str | list[str]]:
    raw: dict[str, str | list[str]] = {}
    for name, value in zip(names, row, strict=True):
        if name in raw:  # a repeated header name keeps every value
            before = raw[name]
            raw[name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            raw[name] = value
    return raw


def _fallbacks(fields: dict[str, object], cells: dict[str, str]) -> None:
    """Fill gaps from compound columns: Embase Source and OpenURL, PubMed Citation, Zotero Extra."""
    found: dict[str, str] = {}
    source = _EMBASE_SOURCE.match(cells.get("source", ""))
    if source:
        found.update((k, v) for k, v in source.groupdict().items() if v)
    citation = _PUBMED_CITATION.search(cells.get("citation", ""))
    if citation:
        found.update((k, v) for k, v in citation.groupdict().items() if v)
    if cells.get("openurllink"):
        query = parse_qs(urlsplit(cells["openurllink"]).query)
        found.update(("doi", i[4:]) for i in query.get("id", [])[:1] if i.lower()[:4] == "doi:")
        found.update(("issn", i) for i in query.get("issn", [])[:1])
    extra = _EXTRA_PMID.search(cells.get("extra", ""))
    if extra:
        found["pmid"] = extra[1]
    for name, value in found.items():
        if not fields.get(name):
            fields[name] = value


def parse(text: str) -> list[Record]:
    """Every non-empty row after the header, as a Record."""
    try:
        return _parse(text.replace("\r\n", "\n").replace("\r", "\n"))
    except ImportFormatError:
        raise
    except Exception as exc:  # the contract: bad input gives ImportFormatError, nothing else
        raise ImportFormatError(f"cannot read the file as CSV/TSV: {exc}") from None


def _parse(text: str) -> list[Record]:
    # Cells can legitimately be long (author lists, full texts); raise csv's 128 KiB cap.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    delimiter, header_index, header = _choose_delimiter(text)
    width = len(header)
    keys = [_key(h) for h in header]
    # (field, column indexes in order of preference), only for fields the file has.
    plan = [
        (field, idx)
        for field, names in _COLUMNS.items()
        if (idx := [i for name in names for i, k in enumerate(keys) if k == name])
    ]
    columns = dict(plan)
    lists = [(f, columns.pop(f)) for f in _LIST_FIELDS if f in columns]
    singles = list(columns.items())
    extras = {
        k: i for i, k in enumerate(keys) if k in ("source", "citation", "openurllink", "extra")
    }
    names = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
    unique_names = len(set(names)) == len(names)
    rows = _rows(text, delimiter)
    header_line = next(line for index, (line, _) in enumerate(rows) if index == header_index)
    # Screening starts from titles: a table without one is refused (the rule), even
    # when it has abstracts, so that a wrong column mapping never goes unnoticed.
    if "title" not in columns:
        raise ImportFormatError(
            f"no title column: found columns {_names(header)}", line=header_line
        )
    records: list[Record] = []
    last_line = 0
    for line, row in rows:
        if not "".join(row).strip():
            continue  # blank rows are not records
        position = len(records) + 1
        last_line = line
        if len(row) != width:
            row = _fit(row, width, line, position, header_line)
        fields: dict[str, object] = {}
        for field, idx in singles:
            for i in idx:
                value = row[i]
                if value and value not in _MISSING and not value.isspace():
                    fields[field] = value
                    break
        for field, idx in lists:
            cells = [c for i in idx if (c := row[i].strip()) and c not in _MISSING]
            if field == "authors":  # the first usable column: "Authors", not "Author full names"
                fields[field] = _split_authors(cells[0]) if cells else []
            elif field == "keywords":
                fields[field] = [k for cell in cells for k in _split_keywords(cell)]
            else:
                fields[field] = cells
        if extras:
            _fallbacks(fields, {k: row[i] for k, i in extras.items()})
        records.append(
            make_record(
                position=position,
                line=line,
                source_record_id=fields.pop("id", ""),
                raw=dict(zip(names, row, strict=True)) if unique_names else _raw(names, row),
                label=_label(str(fields.pop("label", ""))),
                **fields,  # type: ignore[arg-type]
            )
        )
    if last_line:
        _check_closed(text, last_line, len(records), delimiter)
    return records


def _fit(row: list[str], width: int, line: int, position: int, header_line: int) -> list[str]:
    """Short rows are padded (trailing empty cells are often left out); extra cells are an
    error unless they are empty (a trailing delimiter)."""
    if len(row) < width:
        return row + [""] * (width - len(row))
    if "".join(row[width:]).strip():
        raise ImportFormatError(
            f"{len(row)} cells but the header on line {header_line} has {width} columns "
            "(an unquoted delimiter or a stray quote?)",
            line=line,
            record=position,
        )
    return row[:width]


def _check_closed(text: str, line: int, position: int, delimiter: str) -> None:
    """csv.reader silently ends a quoted cell at the end of the file; a cut-off file must not
    pass as complete. Re-read the last row with a sentinel line after it: if the sentinel is
    swallowed into a cell, the row's quote was never closed."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return
    chunk = text[start:]
    if '"' not in chunk:
        return
    sentinel = "\x00end\x00"
    rows = csv.reader(io.StringIO(f"{chunk}\n{sentinel}\n"), delimiter=delimiter)
    if not any(row == [sentinel] for row in rows):
        raise ImportFormatError(
            "a quoted cell that starts in this row is never closed (the file seems cut off)",
            line=line,
            record=position,
        )
