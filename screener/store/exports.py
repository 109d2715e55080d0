"""Light reads for the exports: records' citation fields without the raw fields, and the
screening events as plain tuples."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from screener.models import Record, Stage

if TYPE_CHECKING:
    import sqlite_utils

# The columns a reference list needs. The raw tagged fields are left out: decoding their
# JSON is most of the cost of reading a record (4 s for 100,000 records against 1 s).
_COLUMNS = """id, position, line, source_record_id, title, abstract, authors, year, journal,
    journal_abbrev, volume, issue, pages, start_page, end_page, doi, pmid, issn, keywords,
    type, language, url"""


class _HasDb(Protocol):
    db: sqlite_utils.Database


def _citation(
    row: tuple[Any, ...], strings: Callable[[str], tuple[str, ...]]
) -> tuple[int, Record]:
    (id_, position, line, source_record_id, title, abstract, authors, year, journal,
     journal_abbrev, volume, issue, pages, start_page, end_page, doi, pmid, issn, keywords,
     type_, language, url) = row  # fmt: skip
    record = Record(
        position, line, source_record_id, title, abstract, strings(authors), year, journal,
        journal_abbrev, volume, issue, pages, start_page, end_page, doi, pmid, strings(issn),
        strings(keywords), type_, language, url,
    )  # fmt: skip
    return id_, record


class ExportReads:
    """Reads for writers of reference lists (RIS, BibTeX, ASReview CSV)."""

    def citations(
        self: _HasDb, record_ids: Iterable[int] | None = None
    ) -> Iterator[tuple[int, Record]]:
        """(record id, record without its raw fields) of every record in id order, or of
        the records given (in id order; unknown ids are left out)."""
        from screener.store import _strings_from_json as strings  # store.py imports this

        if record_ids is None:
            cursor = self.db.execute(f"SELECT {_COLUMNS} FROM records ORDER BY id")
            for row in cursor:
                yield _citation(row, strings)
            return
        wanted = sorted(set(record_ids))
        for start in range(0, len(wanted), 500):  # below SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT {_COLUMNS} FROM records WHERE id IN ({marks}) ORDER BY id"
            for row in self.db.execute(sql, chunk):
                yield _citation(row, strings)

    def screening_events(
        self: _HasDb, stage: Stage, record_ids: Iterable[int] | None = None
    ) -> list[tuple[int, str, str, str]]:
        """(record id, reviewer, verdict, reasons as JSON) of every decision event at a
        stage (or of the records given), in the order the events were made
        (:func:`screener.screening.state.event_order`): what a study's outcome needs, without
        building 200,000 Decision objects."""
        if record_ids is None:
            sql = """SELECT record_id, reviewer, verdict, reasons FROM decisions
                WHERE stage = ? ORDER BY created_at, uid, id"""
            return self.db.execute(sql, [str(stage)]).fetchall()
        wanted = sorted(set(record_ids))
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = f"""SELECT created_at, uid, id, record_id, reviewer, verdict, reasons
                FROM decisions WHERE stage = ? AND record_id IN ({marks})"""
            found += self.db.execute(sql, [str(stage), *chunk]).fetchall()
        found.sort()  # by (created_at, uid, id): event order across the chunks
        return [row[3:] for row in found]

    def record_id_bounds(self: _HasDb) -> range:
        """The range of the record ids (empty when there are none)."""
        low, high = self.db.execute("SELECT min(id), max(id) FROM records").fetchone()
        return range(low, high + 1) if low is not None else range(1, 1)

    def dataset_rows(
        self: _HasDb, record_ids: Iterable[int] | None = None, *, within: range | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """(id, title, abstract, authors, keywords, year, doi, url) with authors and keywords
        joined by "; ", of every record that is its own study (with an id ``within`` the
        range, when given), or of the records given; in id order. Read as they are used:
        the text of 100,000 records is 100 MB."""
        columns = "id, title, abstract, authors, keywords, year, doi, url"
        if record_ids is None:
            ids = range(0, 2**63 - 1) if within is None else within
            sql = f"""SELECT {columns} FROM records WHERE id >= ? AND id < ?
                AND id NOT IN (SELECT record_id FROM studies) ORDER BY id"""
            chunks: Iterable[tuple[str, list[int]]] = [(sql, [ids.start, ids.stop])]
        else:
            wanted = sorted(set(record_ids))
            chunks = (
                (f"SELECT {columns} FROM records WHERE id IN ({', '.join('?' * len(chunk))}) "
                 "ORDER BY id", chunk)
                for chunk in (wanted[start : start + 500] for start in range(0, len(wanted), 500))
            )  # fmt: skip
        for sql, params in chunks:
            cursor = self.db.execute(sql, params)
            while rows := cursor.fetchmany(2048):
                for id_, title, abstract, authors, keywords, year, doi, url in rows:
                    yield id_, title, abstract, _joined(authors), _joined(keywords), year, doi, url


def _joined(text: str) -> str:
    """A JSON list of strings as one "; "-joined string. Directly on the JSON text when no
    item needs escaping (as store.py writes it: compact, '","' between items only)."""
    if text == "[]":
        return ""
    if "\\" not in text and '", "' not in text and text[:2] == '["' and text[-2:] == '"]':
        return text[2:-2].replace('","', "; ")
    return "; ".join(json.loads(text))
