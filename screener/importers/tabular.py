"""Citation tables: CSV/TSV files and the sheets of workbooks (Scopus, Embase, PubMed, Lens,
OpenAlex, Zotero, EndNote, Covidence, Rayyan, RefWorks, EPPI-Reviewer, ASReview...).

The header is matched against the column vocabulary (:mod:`screener.importers.columns`);
every column is kept in the record's raw fields, and the columns no field reads and the
fields that came out empty are reported through :class:`TableNotes`.
"""

# The csv module, not pandas: it streams, keeps every cell a plain string, and its
# ``line_num`` gives the real file line of each row (quoted cells may span lines), which
# error messages and Record.line need.
from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from screener.errors import ImportFormatError
from screener.importers import cells
from screener.importers.columns import (
    COLUMNS,
    COMPOUND,
    DATABASE_COLUMNS,
    LAST_RESORT,
    LIST_FIELDS,
    database_named,
    key,
)
from screener.importers.records import make_record
from screener.models import Record

FORMAT = "csv"
LABEL = "CSV/TSV"

_DELIMITERS = (",", ";", "\t", "|")
_MAX_PREAMBLE_ROWS = 10  # Embase and EndNote put a few title lines above the header
_MAX_HEADER_CELL = 200
_SAMPLE_CHARS = 200_000  # text read ahead to choose the delimiter
_SENTINEL = "\x00end\x00"  # a line after the last: swallowed into a cell if a quote is open
# The first line of a tagged export (RIS, MEDLINE, WoS, EndNote, BibTeX, XML): not a table.
_TAGGED = re.compile(r"^(?:[A-Z][A-Z0-9]{1,3} {0,2}- |(?:FN|VR|PT) |%[0A-Z] |[<@{])")

_KEYS = {f: tuple(dict.fromkeys(key(n) for n in names)) for f, names in COLUMNS.items()}
_KNOWN = frozenset(k for names in _KEYS.values() for k in names)
_COMPOUND_KEYS = {key(name): kind for name, kind in COMPOUND.items()}
_LAST_RESORT_KEYS = {f: tuple(key(n) for n in names) for f, names in LAST_RESORT.items()}
_DATABASE_KEYS = frozenset(key(n) for n in DATABASE_COLUMNS)
_DATABASE_ROWS = 50  # rows whose database columns are read
# A header needs one of these full names, or three known names of any kind (WoS and RIS
# tags as columns: "PT", "AU", "TI"); "type" or "date" alone prove nothing.
_MAIN = ("title", "abstract", "authors", "doi", "journal", "pmid", "year", "keywords", "issn")
_STRONG = frozenset(k for f in _MAIN for k in _KEYS[f] if len(k) > 2) - {"date"}
_CONTENT = ("title", "abstract", "doi", "pmid")  # what makes a row a record to screen
# The Record attribute each field fills, for the check that a mapped field is not empty.
_ATTRIBUTE = {"start_page": "pages", "end_page": "pages", "id": "", "label": "label"}


@dataclass(slots=True)
class TableNotes:
    """What reading a table found that the import reports: columns kept in the raw fields
    but not used, fields whose columns gave nothing, and lines that are not records."""

    unused_columns: list[str] = field(default_factory=list)  # with data in some row
    blank_columns: list[str] = field(default_factory=list)  # not used, and empty throughout
    empty_fields: list[str] = field(default_factory=list)  # "year (Published Year)"
    section_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    databases: list[str] = field(default_factory=list)  # databases the rows name


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which columns of a header fill which fields."""

    names: tuple[str, ...]  # the header as the raw fields' keys
    singles: tuple[tuple[str, tuple[int, ...]], ...]
    lists: tuple[tuple[str, tuple[int, ...]], ...]
    compound: tuple[tuple[str, int], ...]  # (kind of cell, column)
    databases: tuple[int, ...]  # columns that may name the database
    unused: tuple[int, ...]
    content: frozenset[int]

    @property
    def mapped(self) -> dict[str, tuple[int, ...]]:
        return dict(self.singles + self.lists)


def _positions(keys: Sequence[str], wanted: Iterable[str]) -> tuple[int, ...]:
    """The columns whose names are among ``wanted``, in the order of ``wanted``."""
    return tuple(dict.fromkeys(i for k in wanted for i, have in enumerate(keys) if have == k))


def _read_for_content(
    keys: Sequence[str], mapped: dict[str, tuple[int, ...]]
) -> tuple[list[tuple[str, int]], list[int]]:
    """(compound cells, database columns): the columns read for what their cells hold."""
    compound = [(_COMPOUND_KEYS[k], i) for i, k in enumerate(keys) if k in _COMPOUND_KEYS]
    databases = list(_positions(keys, _DATABASE_KEYS))
    for name, wanted in _LAST_RESORT_KEYS.items():
        if name in mapped:  # "Source" beside a journal column: perhaps the database
            databases += _positions(keys, wanted)
        else:
            compound += [("venue", i) for i in _positions(keys, wanted)]
    return compound, databases


def _plan(header: Sequence[str]) -> _Plan:
    keys = [key(h) for h in header]
    mapped = {name: idx for name, wanted in _KEYS.items() if (idx := _positions(keys, wanted))}
    compound, databases = _read_for_content(keys, mapped)
    used = {i for idx in mapped.values() for i in idx} | {i for _, i in compound} | {*databases}
    return _Plan(
        names=tuple(h.strip() or f"column {i + 1}" for i, h in enumerate(header)),
        singles=tuple((f, idx) for f, idx in mapped.items() if f not in LIST_FIELDS),
        lists=tuple((f, idx) for f, idx in mapped.items() if f in LIST_FIELDS),
        compound=tuple(compound),
        databases=tuple(databases),
        unused=tuple(i for i in range(len(header)) if i not in used),
        content=frozenset(i for f in _CONTENT for i in mapped.get(f, ())),
    )


def _looks_like_header(row: Sequence[str]) -> int:
    """How many known column names ``row`` has, or 0 when it is no header."""
    cells_ = [c for c in row if c.strip()]
    if len(cells_) < 2 or any(len(c) > _MAX_HEADER_CELL for c in cells_):
        return 0
    keys = [key(c) for c in cells_]
    known = sum(1 for k in keys if k in _KNOWN)
    return known if known >= 3 or any(k in _STRONG for k in keys) else 0


def _header_index(rows: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(index, known names) of the first row among the first few that is a header;
    (-1, 0) when there is none."""
    for index, row in enumerate(rows[:_MAX_PREAMBLE_ROWS]):
        known = _looks_like_header(row)
        if known:
            return index, known
    return -1, 0


def has_title_column(rows: Sequence[Sequence[str]]) -> bool:
    """Whether the first rows of a sheet have a header with a title column."""
    index, _ = _header_index(rows)
    return index >= 0 and bool(_plan(rows[index]).mapped.get("title"))


# -- CSV text ------------------------------------------------------------------------------


def _csv_rows(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) per row; csv.reader's line_num counts real lines, newlines in
    quoted cells included. ``lines`` are without their line ends."""
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter)
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


def _sample_rows(sample: list[str], delimiter: str) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for _, row in _csv_rows(sample, delimiter):
            rows.append(row)
            if len(rows) >= 40:
                break
    except ImportFormatError:
        pass
    return rows


def _delimiter_score(sample: list[str], delimiter: str) -> tuple[int, float, int]:
    """(known header names, share of rows as wide as the header, header width)."""
    rows = _sample_rows(sample, delimiter)
    index, known = _header_index(rows)
    if not known:
        return 0, 0.0, 0
    header = rows[index]
    body = [r for r in rows[index + 1 : -1] if any(r)]  # the last may be truncated
    same = sum(1 for r in body if len(r) == len(header))
    return known, same / len(body) if body else 1.0, len(header)


def _choose_delimiter(sample: list[str]) -> str:
    """Score each delimiter instead of trusting csv.Sniffer, which is easily misled by
    commas inside titles: recognised header names first, then rows of the header's width."""
    scores = {d: _delimiter_score(sample, d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: scores[d])
    if not scores[best][0]:
        number, found = next(
            ((n, line) for n, line in enumerate(sample, 1) if line.strip()), (1, "")
        )
        columns = max((next(csv.reader([found], delimiter=d)) for d in _DELIMITERS), key=len)
        raise ImportFormatError(f"no title column: found columns {_names(columns)}", line=number)
    return best


def _names(header: Sequence[str]) -> str:
    if not any(h.strip() for h in header):
        return "none"
    shown = ", ".join(repr(h.strip()) for h in header[:20])
    return shown + (f" and {len(header) - 20} more" if len(header) > 20 else "")


def _head(lines: Iterator[str]) -> list[str]:
    """The first lines of a text, up to about _SAMPLE_CHARS characters."""
    sample: list[str] = []
    size = 0
    for line in lines:
        sample.append(line)
        size += len(line) + 1
        if size >= _SAMPLE_CHARS:
            break
    return sample


def detect(text: str) -> bool:
    """A delimited header with a bibliographic column name among the first lines."""
    try:
        lines = text[:20_000].split("\n")
        first = next((line for line in lines[:40] if line.strip()), "")
        if _TAGGED.match(first.lstrip()):
            return False
        if len(text) > 20_000:
            lines.pop()  # cut off mid-line
        return any(_header_index(_sample_rows(lines, d))[1] for d in _DELIMITERS)
    except Exception:  # detect must never raise
        return False


def parse(text: str) -> list[Record]:
    """Every non-empty row after the header, as a Record."""
    return list(read(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


def read(lines: Iterable[str], notes: TableNotes | None = None) -> Iterator[Record]:
    """Every record of a CSV/TSV file given as lines (without their ends)."""
    # Cells can legitimately be long (author lists, full texts); raise csv's 128 KiB cap.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    stream = iter(lines)
    sample = _head(stream)
    delimiter = _choose_delimiter(sample)
    yield from read_rows(_csv_rows(itertools.chain(sample, stream, [_SENTINEL]), delimiter), notes)


# -- rows to records -----------------------------------------------------------------------


def read_rows(
    rows: Iterable[tuple[int, list[str]]], notes: TableNotes | None = None
) -> Iterator[Record]:
    """Every record of a table given as (line or row number, cells): a header among the
    first rows, then one record per non-empty row."""
    notes = notes if notes is not None else TableNotes()
    stream = iter(rows)
    head = list(itertools.islice(stream, _MAX_PREAMBLE_ROWS))
    index, _ = _header_index([row for _, row in head])
    if index < 0:
        line, first = next(((n, r) for n, r in head if any(c.strip() for c in r)), (1, []))
        raise ImportFormatError(f"no title column: found columns {_names(first)}", line=line)
    header_line, header = head[index]
    plan = _plan(header)
    # Screening starts from titles: a table without one is refused, even when it has
    # abstracts, so that a wrong column mapping never goes unnoticed.
    if not plan.mapped.get("title"):
        raise ImportFormatError(
            f"no title column: found columns {_names(header)}", line=header_line
        )
    body = itertools.chain(head[index + 1 :], stream)
    try:
        yield from _Table(plan, header_line, notes).records(body)
    except ImportFormatError:
        raise
    except Exception as exc:  # the contract: bad input gives ImportFormatError, nothing else
        raise ImportFormatError(f"cannot read the table: {exc}") from None


class _Table:
    """Rows to records under one header, noting which columns and fields are used."""

    def __init__(self, plan: _Plan, header_line: int, notes: TableNotes) -> None:
        self.plan = plan
        self.width = len(plan.names)
        self.header_line = header_line
        self.notes = notes
        self.silent_columns = set(plan.unused) | set(plan.databases)  # no data seen yet
        self.not_databases = set(plan.databases)  # database columns that named none yet
        self.empty = {f for f in plan.mapped if _ATTRIBUTE.get(f, f)}  # no value seen yet
        self.unique_names = len(set(plan.names)) == len(plan.names)

    def records(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[Record]:
        position = 0
        for line, row in rows:
            if row and _SENTINEL in row[-1]:  # the line after the last (CSV only)
                if row == [_SENTINEL]:
                    break
                raise ImportFormatError(
                    "a quoted cell that starts in this row is never closed (the file seems "
                    "cut off)",
                    line=line,
                    record=position + 1,
                )
            if not "".join(row).strip():
                continue  # blank rows are not records
            if len(row) == 1 and self.width >= 3 and 0 not in self.plan.content:
                self.notes.section_lines.append((line, row[0].strip()))
                continue  # a heading between groups of rows (abstrackr), not a record
            position += 1
            if len(row) != self.width:
                row = self._fit(row, line, position)
            record = self._record(row, line, position)
            self._note(row, record)
            yield record
        self._finish()

    def _record(self, row: list[str], line: int, position: int) -> Record:
        fields = _fields(self.plan, row)
        raw = dict(zip(self.plan.names, row, strict=True)) if self.unique_names else None
        return make_record(
            position=position,
            line=line,
            source_record_id=fields.pop("id", ""),
            raw=raw if raw is not None else _raw(self.plan.names, row),
            label=cells.label(str(fields.pop("label", ""))),
            **fields,  # type: ignore[arg-type]
        )

    def _note(self, row: list[str], record: Record) -> None:
        if self.plan.databases and record.position <= _DATABASE_ROWS:
            self._note_databases(row)
        if self.silent_columns:
            self.silent_columns -= {i for i in self.silent_columns if row[i].strip()}
        if self.empty:
            self.empty -= {f for f in self.empty if getattr(record, _ATTRIBUTE.get(f, f))}

    def _note_databases(self, row: list[str]) -> None:
        for i in self.plan.databases:
            name = database_named(row[i]) if row[i] else None
            if name:
                self.notes.databases.append(name)
                self.not_databases.discard(i)

    def _finish(self) -> None:
        names, mapped = self.plan.names, self.plan.mapped
        unused = {*self.plan.unused, *self.not_databases}
        if "label" in self.empty:  # no 0/1 labels: a column of notes that is called "Label"
            unused.update(mapped["label"])
            self.empty.discard("label")
            self.silent_columns -= set(mapped["label"])
        ordered = sorted(unused)
        self.notes.unused_columns += [names[i] for i in ordered if i not in self.silent_columns]
        self.notes.blank_columns += [names[i] for i in ordered if i in self.silent_columns]
        self.notes.empty_fields += [
            f"{f} ({', '.join(names[i] for i in mapped[f])})" for f in mapped if f in self.empty
        ]

    def _fit(self, row: list[str], line: int, position: int) -> list[str]:
        """Short rows are padded (trailing empty cells are often left out); extra cells are
        an error unless they are empty (a trailing delimiter)."""
        if len(row) < self.width:
            return row + [""] * (self.width - len(row))
        if "".join(row[self.width :]).strip():
            raise ImportFormatError(
                f"{len(row)} cells but the header on line {self.header_line} has "
                f"{self.width} columns (an unquoted delimiter or a stray quote?)",
                line=line,
                record=position,
            )
        return row[: self.width]


def _usable(value: str) -> bool:
    return bool(value) and value not in cells.MISSING and not value.isspace()


def _fields(plan: _Plan, row: list[str]) -> dict[str, object]:
    """The fields of one row: the first usable cell of each single-valued field, every
    cell of a list field, then what compound cells add to fields still empty."""
    fields: dict[str, object] = {}
    for name, idx in plan.singles:
        value = next((row[i] for i in idx if _usable(row[i])), None)
        if value is not None:
            fields[name] = value
    for name, idx in plan.lists:
        found = [c for i in idx if (c := row[i].strip()) and c not in cells.MISSING]
        if name == "authors":  # the first usable column: "Authors", not "Author full names"
            fields[name] = cells.split_authors(found[0]) if found else []
        elif name == "keywords":
            fields[name] = [k for cell in found for k in cells.split_keywords(cell)]
        else:
            fields[name] = found
    for kind, i in plan.compound:
        if row[i].strip():
            for name, value in cells.COMPOUND_READERS[kind](row[i].strip()).items():
                if not fields.get(name):
                    fields[name] = value
    return fields


def _raw(names: Sequence[str], row: list[str]) -> dict[str, str | list[str]]:
    raw: dict[str, str | list[str]] = {}
    for name, value in zip(names, row, strict=True):
        if name in raw:  # a repeated header name keeps every value
            before = raw[name]
            raw[name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            raw[name] = value
    return raw
