"""Sources and records: one source per imported file, its records never changed or removed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screener.models import (
    Citation,
    MatchInput,
    Record,
    RecordSummary,
    Source,
    SourceMethod,
    StoredRecord,
)
from screener.store.connection import Database, chunked, now_iso
from screener.store.json_text import joined as _joined
from screener.store.json_text import strings_from_json as _strings_from_json
from screener.store.json_text import strings_json as _strings_json
from screener.store.json_text import to_json as _to_json

_BATCH = 2000

RECORD_FIELDS = (
    "position",
    "line",
    "source_record_id",
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "start_page",
    "end_page",
    "doi",
    "pmid",
    "issn",
    "keywords",
    "type",
    "language",
    "url",
    "label",
    "raw",
)
_JSON_FIELDS = {"authors", "issn", "keywords", "raw"}
# The columns a reference list needs. The raw tagged fields are left out: decoding their
# JSON is most of the cost of reading a record.
_CITATION_COLUMNS = """id, position, line, source_record_id, title, abstract, authors, year,
    journal, journal_abbrev, volume, issue, pages, start_page, end_page, doi, pmid, issn,
    keywords, type, language, url"""

# A record's key that every copy of a project agrees on: the sha256 of the file it came
# from and its position in that file (row ids differ between copies).
RecordKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class NewSource:
    """What the importer knows about a file before it is stored."""

    database: str
    platform: str
    query: str
    searched_on: str
    file_name: str
    sha256: str
    format: str
    encoding: str
    method: SourceMethod = SourceMethod.DATABASE
    sheet: str = ""


@dataclass(frozen=True, slots=True)
class SourceDetails:
    """What is known of a source only once its file has been read."""

    database: str
    database_from: str
    skipped: int
    unused_columns: tuple[str, ...] = ()
    empty_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordOrigin:
    """Where a record came from: its source file and its own identifier there."""

    record_id: int
    source_id: int
    source_file: str
    source_record_id: str


class Records:
    """The sources and records tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- sources ---------------------------------------------------------------------------

    def source_by_sha256(self, sha256: str) -> Source | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE sha256 = ?", [sha256]))
        return _source(rows[0]) if rows else None

    def add_source(
        self,
        source: NewSource,
        records: Iterable[Record],
        progress: Callable[[int], None] | None = None,
    ) -> Source:
        """Store a file's records in one transaction: all of them or, on any error (also one
        raised while ``records`` is being iterated), none. Only a batch of rows is held in
        memory at a time."""
        with self.db.transaction():
            cursor = self.db.execute(
                """INSERT INTO sources (database, platform, query, searched_on, file_name,
                sha256, format, record_count, imported_at, encoding, skipped_count, method, sheet)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?)""",
                [
                    source.database,
                    source.platform,
                    source.query,
                    source.searched_on,
                    source.file_name,
                    source.sha256,
                    source.format,
                    now_iso(),
                    source.encoding,
                    str(source.method),
                    source.sheet,
                ],
            )
            source_id = int(cursor.lastrowid or 0)
            columns = ", ".join(("source_id", *RECORD_FIELDS))
            marks = ", ".join("?" * len(RECORD_FIELDS))
            sql = f"INSERT INTO records ({columns}) VALUES ({source_id:d}, {marks})"
            count = 0
            for rows in _row_batches(records):
                self.db.conn.executemany(sql, rows)
                count += len(rows)
                if progress:
                    progress(len(rows))
            self.db.execute("UPDATE sources SET record_count = ? WHERE id = ?", [count, source_id])
        return self.source(source_id)

    def finish_source(self, source_id: int, details: SourceDetails) -> Source:
        """Set what is known only once a file has been parsed: the database (and where its
        name came from), how many empty records were skipped, unused columns, empty fields."""
        with self.db.transaction():
            self.db.execute(
                """UPDATE sources SET database = ?, database_from = ?, skipped_count = ?,
                unused_columns = ?, empty_fields = ? WHERE id = ?""",
                [
                    details.database,
                    details.database_from,
                    details.skipped,
                    _to_json(details.unused_columns),
                    _to_json(details.empty_fields),
                    source_id,
                ],
            )
        return self.source(source_id)

    def source(self, source_id: int) -> Source:
        return _source(next(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id])))

    def sources(self) -> list[Source]:
        return [_source(row) for row in self.db.query("SELECT * FROM sources ORDER BY id")]

    # -- records ---------------------------------------------------------------------------

    def count(self, source_id: int | None = None) -> int:
        if source_id is None:
            return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])
        sql = "SELECT count(*) FROM records WHERE source_id = ?"
        return int(self.db.execute(sql, [source_id]).fetchone()[0])

    def all(self, source_id: int | None = None) -> Iterator[StoredRecord]:
        """Every record in import order (optionally of one source)."""
        if source_id is None:
            rows = self.db.query("SELECT * FROM records ORDER BY id")
        else:
            rows = self.db.query(
                "SELECT * FROM records WHERE source_id = ? ORDER BY id", [source_id]
            )
        for row in rows:
            yield _stored_record(row)

    def get(self, record_id: int) -> StoredRecord | None:
        rows = list(self.db.query("SELECT * FROM records WHERE id = ?", [record_id]))
        return _stored_record(rows[0]) if rows else None

    def ids(self) -> list[int]:
        """Every record id in import order. Read from the small (source, position) index
        rather than the table: a scan of the table reads every abstract."""
        sql = "SELECT id FROM records INDEXED BY sqlite_autoindex_records_1"
        return sorted(row[0] for row in self.db.execute(sql))

    def by_id(self, record_ids: Iterable[int]) -> dict[int, StoredRecord]:
        """The records with these ids (missing ids are left out)."""
        found: dict[int, StoredRecord] = {}
        for marks, chunk in chunked(sorted(set(record_ids))):
            for row in self.db.query(f"SELECT * FROM records WHERE id IN ({marks})", chunk):
                found[row["id"]] = _stored_record(row)
        return found

    def origins(self) -> Iterator[RecordOrigin]:
        """Every record's source file and own identifier, in import order (no record fields)."""
        cursor = self.db.execute(
            """SELECT records.id, records.source_id, sources.file_name, records.source_record_id
            FROM records JOIN sources ON sources.id = records.source_id ORDER BY records.id"""
        )
        for row in cursor:
            yield RecordOrigin(*row)

    def source_ids(self) -> dict[int, int]:
        """Every record's source id, by record id."""
        return dict(self.db.execute("SELECT id, source_id FROM records").fetchall())

    def keys(self, record_ids: Iterable[int] | None = None) -> dict[int, RecordKey]:
        """Records' stable keys, (sha256 of the source file, position in that file): of every
        record, or of the records given."""
        sql = """SELECT records.id, sources.sha256, records.position
            FROM records JOIN sources ON sources.id = records.source_id"""
        if record_ids is None:
            return {id_: (sha, position) for id_, sha, position in self.db.execute(sql)}
        keys: dict[int, RecordKey] = {}
        for marks, chunk in chunked(sorted(set(record_ids))):
            where = f" WHERE records.id IN ({marks})"
            keys.update((i, (sha, pos)) for i, sha, pos in self.db.execute(sql + where, chunk))
        return keys

    def id_bounds(self) -> range:
        """The range of the record ids (empty when there are none)."""
        low, high = self.db.execute("SELECT min(id), max(id) FROM records").fetchone()
        return range(low, high + 1) if low is not None else range(1, 1)

    # -- light reads of a few columns ------------------------------------------------------

    def match_inputs(self) -> list[MatchInput]:
        """What duplicate detection compares, for every record in id order: only those
        columns and the start of the abstract."""
        cursor = self.db.execute(
            """SELECT id, title, authors, year, journal, journal_abbrev, volume, issue,
            start_page, end_page, doi, pmid, issn, type, substr(abstract, 1, 300)
            FROM records ORDER BY id"""
        )
        strings = _strings_from_json
        return [
            MatchInput(
                id,
                title,
                strings(authors),
                year,
                journal,
                journal_abbrev,
                volume,
                issue,
                start_page,
                end_page,
                doi,
                pmid,
                strings(issn),
                type_,
                abstract,
            )
            for (
                id,
                title,
                authors,
                year,
                journal,
                journal_abbrev,
                volume,
                issue,
                start_page,
                end_page,
                doi,
                pmid,
                issn,
                type_,
                abstract,
            ) in cursor
        ]

    def summaries(self, record_ids: Iterable[int]) -> dict[int, RecordSummary]:
        """Id, title, first author, year and journal of some records (for lists)."""
        found: dict[int, RecordSummary] = {}
        for marks, chunk in chunked(sorted(set(record_ids))):
            sql = f"SELECT id, title, authors, year, journal FROM records WHERE id IN ({marks})"
            for id_, title, authors, year, journal in self.db.execute(sql, chunk):
                names = json.loads(authors)
                found[id_] = RecordSummary(id_, title, names[0] if names else "", year, journal)
        return found

    def screening_texts(self) -> Iterator[tuple[int, str]]:
        """(record id, title + abstract + keywords) of every record, in id order."""
        sql = "SELECT id, title, abstract, keywords FROM records ORDER BY id"
        for id_, title, abstract, keywords in self.db.execute(sql):
            yield id_, f"{title}\n{abstract}\n{' '.join(json.loads(keywords))}"

    def citation_fields(self, record_ids: Iterable[int]) -> dict[int, Citation]:
        """Title, authors, year, journal, DOI and PMID of some records (no abstract, no raw
        fields: an evidence table of thousands of studies reads only these)."""
        found: dict[int, Citation] = {}
        for marks, chunk in chunked(sorted(set(record_ids))):
            sql = f"""SELECT id, title, authors, year, journal, doi, pmid FROM records
                WHERE id IN ({marks})"""
            for id_, title, authors, year, journal, doi, pmid in self.db.execute(sql, chunk):
                found[id_] = Citation(
                    id_, title, tuple(json.loads(authors)), year, journal, doi, pmid
                )
        return found

    def citations(self, record_ids: Iterable[int] | None = None) -> Iterator[tuple[int, Record]]:
        """(record id, record without its raw fields) of every record in id order, or of
        the records given (in id order; unknown ids are left out)."""
        if record_ids is None:
            cursor = self.db.execute(f"SELECT {_CITATION_COLUMNS} FROM records ORDER BY id")
            for row in cursor:
                yield _citation(row)
            return
        for marks, chunk in chunked(sorted(set(record_ids))):
            sql = f"SELECT {_CITATION_COLUMNS} FROM records WHERE id IN ({marks}) ORDER BY id"
            for row in self.db.execute(sql, chunk):
                yield _citation(row)

    def dataset_rows(self, record_ids: Iterable[int] | None = None) -> Iterator[tuple[Any, ...]]:
        """(id, title, abstract, authors, keywords, year, doi, url) with authors and keywords
        joined by "; ", of every record that is its own study, or of the records given; in
        id order. Read as they are used: the text of 100,000 records is 100 MB."""
        columns = "id, title, abstract, authors, keywords, year, doi, url"
        if record_ids is None:
            sql = f"""SELECT {columns} FROM records
                WHERE id NOT IN (SELECT record_id FROM studies) ORDER BY id"""
            chunks: Iterable[tuple[str, Sequence[int]]] = [(sql, [])]
        else:
            chunks = (
                (f"SELECT {columns} FROM records WHERE id IN ({marks}) ORDER BY id", chunk)
                for marks, chunk in chunked(sorted(set(record_ids)))
            )
        for sql, params in chunks:
            cursor = self.db.execute(sql, params)
            while rows := cursor.fetchmany(2048):
                for id_, title, abstract, authors, keywords, year, doi, url in rows:
                    yield id_, title, abstract, _joined(authors), _joined(keywords), year, doi, url


def record_row(r: Record) -> tuple[Any, ...]:
    """A record as the values of a ``records`` row, without its source id."""
    # Spelled out rather than looped over RECORD_FIELDS: this runs once per imported record.
    return (
        r.position,
        r.line,
        r.source_record_id,
        r.title,
        r.abstract,
        _strings_json(r.authors),
        r.year,
        r.journal,
        r.journal_abbrev,
        r.volume,
        r.issue,
        r.pages,
        r.start_page,
        r.end_page,
        r.doi,
        r.pmid,
        _strings_json(r.issn),
        _strings_json(r.keywords),
        r.type,
        r.language,
        r.url,
        r.label,
        _to_json(r.raw),
    )


def _row_batches(records: Iterable[Record]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for record in records:
        batch.append(record_row(record))
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _citation(row: tuple[Any, ...]) -> tuple[int, Record]:
    (
        id_,
        position,
        line,
        source_record_id,
        title,
        abstract,
        authors,
        year,
        journal,
        journal_abbrev,
        volume,
        issue,
        pages,
        start_page,
        end_page,
        doi,
        pmid,
        issn,
        keywords,
        type_,
        language,
        url,
    ) = row
    strings = _strings_from_json
    record = Record(
        position,
        line,
        source_record_id,
        title,
        abstract,
        strings(authors),
        year,
        journal,
        journal_abbrev,
        volume,
        issue,
        pages,
        start_page,
        end_page,
        doi,
        pmid,
        strings(issn),
        strings(keywords),
        type_,
        language,
        url,
    )
    return id_, record


def _stored_record(row: dict[str, Any]) -> StoredRecord:
    fields = {name: row[name] for name in RECORD_FIELDS}
    for name in _JSON_FIELDS:
        value = json.loads(fields[name])
        fields[name] = tuple(value) if isinstance(value, list) else value
    return StoredRecord(id=row["id"], source_id=row["source_id"], record=Record(**fields))


def _source(row: dict[str, Any]) -> Source:
    return Source(
        id=row["id"],
        database=row["database"],
        platform=row["platform"],
        query=row["query"],
        searched_on=row["searched_on"],
        file_name=row["file_name"],
        sha256=row["sha256"],
        format=row["format"],
        encoding=row["encoding"],
        record_count=row["record_count"],
        skipped_count=row["skipped_count"],
        imported_at=datetime.fromisoformat(row["imported_at"]),
        method=SourceMethod(row["method"]),
        sheet=row["sheet"],
        database_from=row["database_from"],
        unused_columns=tuple(json.loads(row["unused_columns"])),
        empty_fields=tuple(json.loads(row["empty_fields"])),
    )
