"""The only module that talks to SQLite: schema, migrations, and reads/writes as domain objects."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener.errors import ScreenerError
from screener.models import (
    DedupEvent,
    LinkMethod,
    LinkVerdict,
    MatchInput,
    Record,
    Source,
    SourceMethod,
    StoredRecord,
)
from screener.store.audit import AuditReads
from screener.store.exports import ExportReads
from screener.store.extraction import ExtractionTables
from screener.store.events import (
    DatabaseBusyError,
    ScreeningTables,
    all_record_ids,
    now_iso,
)


def _import_sqlite_utils() -> Any:
    """sqlite-utils imports pandas and numpy at import time, only to map their types
    (``pd.Timestamp``, ``np.int64``, ...) to column types when it creates a table from
    Python values, which the store never does (its tables have SQL schemas, its rows go
    in through SQL). pandas was a third of the TUI's 1.5 s start at 100,000 records, and
    numpy is 0.08 s of every process's start (the export's second processes too). Held
    back here; any later ``import pandas`` or ``import numpy`` works as usual."""
    held = [name for name in ("pandas", "numpy") if name not in sys.modules]
    if "sqlite_utils" in sys.modules:
        held = []
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils as module
    finally:
        for name in held:
            del sys.modules[name]
    return module


if TYPE_CHECKING:
    import sqlite_utils
else:
    sqlite_utils = _import_sqlite_utils()

BUSY_TIMEOUT_SECONDS = 30.0
_BATCH = 2000

_RECORD_FIELDS = (
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
FTS_COLUMNS = ("title", "abstract", "authors", "journal", "year")


def _migration_1(db: sqlite_utils.Database) -> None:
    """First schema: sources, records, and the append-only decision log."""
    db.execute(
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            database TEXT NOT NULL,
            platform TEXT NOT NULL DEFAULT '',
            query TEXT NOT NULL DEFAULT '',
            searched_on TEXT NOT NULL DEFAULT '',
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL,
            record_count INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE records (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            position INTEGER NOT NULL,
            line INTEGER NOT NULL,
            source_record_id TEXT NOT NULL,
            title TEXT NOT NULL, abstract TEXT NOT NULL, authors TEXT NOT NULL,
            year INTEGER, journal TEXT NOT NULL, journal_abbrev TEXT NOT NULL,
            volume TEXT NOT NULL, issue TEXT NOT NULL, pages TEXT NOT NULL,
            start_page TEXT NOT NULL, end_page TEXT NOT NULL,
            doi TEXT NOT NULL, pmid TEXT NOT NULL, issn TEXT NOT NULL, keywords TEXT NOT NULL,
            type TEXT NOT NULL, language TEXT NOT NULL, url TEXT NOT NULL, label INTEGER,
            raw TEXT NOT NULL,
            UNIQUE (source_id, position)
        )"""
    )
    db.execute(
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records(id),
            stage TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
            reviewer TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('include', 'exclude', 'maybe', 'undo')),
            reasons TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )"""
    )
    # The audit trail is append-only: records and decision events are never changed or removed.
    for table in ("records", "decisions"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"""
            )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Keep how each file was decoded and how many empty records it skipped; index the ids
    that deduplication and screening look records up by."""
    db.execute("ALTER TABLE sources ADD COLUMN encoding TEXT NOT NULL DEFAULT 'utf-8'")
    db.execute("ALTER TABLE sources ADD COLUMN skipped_count INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX records_doi ON records(doi) WHERE doi != ''")
    db.execute("CREATE INDEX records_pmid ON records(pmid) WHERE pmid != ''")
    db.execute("CREATE INDEX decisions_record ON decisions(record_id, stage, reviewer)")


def _migration_3(db: sqlite_utils.Database) -> None:
    """Duplicate links: one row per deduplication run, the append-only link event log, and
    the study of each record that is not its own study (a cache derived from the log)."""
    db.execute(
        """CREATE TABLE dedup_runs (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            compared_up_to INTEGER NOT NULL,
            records INTEGER NOT NULL,
            candidates INTEGER NOT NULL
        )"""
    )
    # The value lists are spelled out: a migration must not change when the enums grow.
    db.execute(
        """CREATE TABLE dedup_events (
            id INTEGER PRIMARY KEY,
            record_a INTEGER NOT NULL REFERENCES records(id),
            record_b INTEGER NOT NULL REFERENCES records(id),
            verdict TEXT NOT NULL
                CHECK (verdict IN ('same', 'related', 'review', 'different', 'skip', 'undo')),
            method TEXT NOT NULL CHECK (method IN ('exact_id', 'rule', 'reviewer')),
            score REAL NOT NULL DEFAULT 0,
            reason TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            run_id INTEGER REFERENCES dedup_runs(id),
            created_at TEXT NOT NULL,
            CHECK (record_a < record_b)
        )"""
    )
    db.execute("CREATE INDEX dedup_events_pair ON dedup_events(record_a, record_b)")
    db.execute(
        """CREATE TABLE studies (
            record_id INTEGER PRIMARY KEY REFERENCES records(id),
            study_id INTEGER NOT NULL REFERENCES records(id)
        )"""
    )
    db.execute("CREATE INDEX studies_study ON studies(study_id)")
    # Runs and link events are audit trail like decisions; only the studies cache changes.
    for table in ("dedup_runs", "dedup_events"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"""
            )


def _append_only(db: sqlite_utils.Database, *tables: str) -> None:
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"""
            )


def _migration_4(db: sqlite_utils.Database) -> None:
    """Screening: a unique id per decision event (for merging reviewers' copies), conflict
    resolutions, full-text retrievals, terms added to open vocabularies, and a full-text
    search index over the records (filled incrementally: records are append-only)."""
    db.execute("ALTER TABLE decisions ADD COLUMN uid TEXT")
    db.execute("DROP TRIGGER decisions_no_update")
    db.execute("UPDATE decisions SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL")
    db.execute(
        """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END"""
    )
    db.execute("CREATE UNIQUE INDEX decisions_uid ON decisions(uid)")
    db.execute("CREATE INDEX decisions_reviewer ON decisions(reviewer, stage, id)")
    db.execute(
        """CREATE TABLE resolutions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            record_id INTEGER NOT NULL REFERENCES records(id),
            stage TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
            resolver TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('include', 'exclude', 'undo')),
            reasons TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE retrievals (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            record_id INTEGER NOT NULL REFERENCES records(id),
            status TEXT NOT NULL CHECK (status IN ('sought', 'not_retrieved', 'retrieved')),
            reason TEXT NOT NULL DEFAULT '',
            pdf_path TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE vocabulary_terms (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            vocabulary TEXT NOT NULL,
            term TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (vocabulary, term)
        )"""
    )
    _append_only(db, "resolutions", "retrievals", "vocabulary_terms")
    # Events are ordered by time; a new one is stamped after the latest (clock set back).
    for table in ("decisions", "resolutions", "retrievals"):
        db.execute(f"CREATE INDEX {table}_created ON {table}(created_at)")
    db.table("records").enable_fts(list(FTS_COLUMNS), fts_version="FTS5", create_triggers=False)
    db.execute("CREATE TABLE fts_state (indexed_up_to INTEGER NOT NULL)")
    db.execute("INSERT INTO fts_state SELECT coalesce(max(id), 0) FROM records")


def _migration_5(db: sqlite_utils.Database) -> None:
    """PRISMA and extraction: how each source was found (the PRISMA 2020 identification
    boxes: databases, registers, or other methods) and the extraction event log (values
    entered by reviewers and consensus values, per study and field)."""
    db.execute(
        """ALTER TABLE sources ADD COLUMN method TEXT NOT NULL DEFAULT 'database'
        CHECK (method IN ('database', 'register', 'website', 'organisation', 'citation'))"""
    )
    db.execute(
        """CREATE TABLE extractions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            record_id INTEGER NOT NULL REFERENCES records(id),
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('value', 'consensus')),
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX extractions_record ON extractions(record_id, field)")
    db.execute("CREATE INDEX extractions_created ON extractions(created_at)")
    _append_only(db, "extractions")


def _migration_6(db: sqlite_utils.Database) -> None:
    """The screening log in event order, covered: every count, queue and export reads a
    stage's decisions as (record, reviewer, verdict[, reasons]) in the order they were
    made; at 200,000 decisions sorting them took 0.13 s of each read, and this index
    serves them in order without touching the table. It starts with the time, not the
    stage, so that reads of some records' decisions keep using decisions_record; it
    replaces decisions_created (the time, for stamping a new event after the latest)."""
    db.execute(
        """CREATE INDEX decisions_events
        ON decisions(created_at, uid, id, stage, record_id, reviewer, verdict, reasons)"""
    )
    db.execute("DROP INDEX decisions_created")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
)
SCHEMA_VERSION = len(MIGRATIONS)


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


@dataclass(frozen=True, slots=True)
class NewDedupEvent:
    """A duplicate-link event before it is stored (``record_a < record_b``)."""

    record_a: int
    record_b: int
    verdict: LinkVerdict
    method: LinkMethod
    score: float = 0.0
    reason: str = ""
    reviewer: str = ""


@dataclass(frozen=True, slots=True)
class DedupRun:
    """One deduplication run: records up to ``compared_up_to`` have been compared."""

    id: int
    created_at: datetime
    compared_up_to: int
    records: int
    candidates: int


@dataclass(frozen=True, slots=True)
class RecordOrigin:
    """Where a record came from: its source file and its own identifier there."""

    record_id: int
    source_id: int
    source_file: str
    source_record_id: str


_now = now_iso


def _locked(execute: Callable[[str], object], sql: str) -> None:
    """Run BEGIN or COMMIT; a lock still held by another program after the busy timeout is
    a DatabaseBusyError (a plain message, never an SQLite traceback)."""
    try:
        execute(sql)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise DatabaseBusyError(
            f"cannot write to the project database: {exc} (another program is writing to it; "
            "try again)"
        ) from None


class Store(ScreeningTables, ExtractionTables, ExportReads, AuditReads):
    """A project's SQLite database (WAL mode, busy timeout, foreign keys, migrated on open)."""

    def __init__(self, path: Path | str, *, upgrade_to: int = SCHEMA_VERSION) -> None:
        self.path = str(path)
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA foreign_keys = ON")
            # Larger pages suit records of a few kB (abstract + raw fields): fewer overflow
            # pages, about a fifth faster bulk imports. Applies to new databases only.
            self.db.execute("PRAGMA page_size = 16384")
            self.db.execute("PRAGMA cache_size = -65536")  # KiB
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate(upgrade_to)
        except sqlite3.DatabaseError as exc:
            raise ScreenerError(f"{self.path}: cannot open the project database: {exc}") from None

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, target: int) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise ScreenerError(
                f"{self.path}: written by a newer screener (schema {current}, this version "
                f"knows {SCHEMA_VERSION}); upgrade screener to open it"
            )
        for version in range(current + 1, target + 1):
            with self.transaction():
                MIGRATIONS[version - 1](self.db)
                self.db.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front so that two
        reviewers writing at once wait for each other (busy timeout) instead of failing."""
        if self.db.conn.in_transaction:
            with self.db.atomic():  # nested: a savepoint
                yield
            return
        _locked(self.db.execute, "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        _locked(self.db.execute, "COMMIT")

    # -- sources and records ---------------------------------------------------------------

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
        raised while ``records`` is being iterated), none."""
        return self.add_source_rows(source, _row_batches(records), progress)

    def add_source_rows(
        self,
        source: NewSource,
        batches: Iterable[tuple[int, int, Sequence[tuple[Any, ...]]]],
        progress: Callable[[int], None] | None = None,
    ) -> Source:
        """:meth:`add_source` for records already turned into rows by :func:`record_row`
        (in worker processes, for big files), as ``(position offset, line offset, rows)``
        batches: the offsets are added to the rows' positions and lines (a file parsed in
        pieces numbers each piece from 1). Only a batch at a time is held in memory."""
        with self.transaction():
            cursor = self.db.execute(
                """INSERT INTO sources (database, platform, query, searched_on, file_name,
                sha256, format, record_count, imported_at, encoding, skipped_count, method)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?)""",
                [source.database, source.platform, source.query, source.searched_on,
                 source.file_name, source.sha256, source.format, _now(), source.encoding,
                 str(source.method)],
            )  # fmt: skip
            source_id = int(cursor.lastrowid or 0)
            columns = ", ".join(("source_id", *_RECORD_FIELDS))
            marks = ", ".join("?" * (len(_RECORD_FIELDS) - 2))
            count = 0
            for position_offset, line_offset, rows in batches:
                # The source id and offset go into the SQL (both ints) so that rows from
                # worker processes are inserted as they come, without being copied.
                values = f"{source_id:d}, ? + {position_offset:d}, ? + {line_offset:d}, {marks}"
                sql = f"INSERT INTO records ({columns}) VALUES ({values})"
                self.db.conn.executemany(sql, rows)
                count += len(rows)
                if progress:
                    progress(len(rows))
            self.db.execute("UPDATE sources SET record_count = ? WHERE id = ?", [count, source_id])
        return self._source(source_id)

    def finish_source(self, source_id: int, *, database: str, skipped: int) -> Source:
        """Set what is known only once a file has been parsed: the database guessed from
        its records and how many empty records were skipped."""
        with self.transaction():
            sql = "UPDATE sources SET database = ?, skipped_count = ? WHERE id = ?"
            self.db.execute(sql, [database, skipped, source_id])
        return self._source(source_id)

    def _source(self, source_id: int) -> Source:
        return _source(next(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id])))

    def sources(self) -> list[Source]:
        return [_source(row) for row in self.db.query("SELECT * FROM sources ORDER BY id")]

    def record_count(self, source_id: int | None = None) -> int:
        if source_id is None:
            return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])
        sql = "SELECT count(*) FROM records WHERE source_id = ?"
        return int(self.db.execute(sql, [source_id]).fetchone()[0])

    def records(self, source_id: int | None = None) -> Iterator[StoredRecord]:
        """Every record in import order (optionally of one source)."""
        if source_id is None:
            rows = self.db.query("SELECT * FROM records ORDER BY id")
        else:
            rows = self.db.query(
                "SELECT * FROM records WHERE source_id = ? ORDER BY id", [source_id]
            )
        for row in rows:
            yield _stored_record(row)

    def record(self, record_id: int) -> StoredRecord | None:
        rows = list(self.db.query("SELECT * FROM records WHERE id = ?", [record_id]))
        return _stored_record(rows[0]) if rows else None

    def record_ids(self) -> list[int]:
        """Every record id in import order."""
        return all_record_ids(self)

    def records_by_id(self, record_ids: Iterable[int]) -> dict[int, StoredRecord]:
        """The records with these ids (missing ids are left out)."""
        wanted = sorted(set(record_ids))
        found: dict[int, StoredRecord] = {}
        for start in range(0, len(wanted), 500):  # below SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.query(f"SELECT * FROM records WHERE id IN ({marks})", chunk):
                found[row["id"]] = _stored_record(row)
        return found

    def record_origins(self) -> Iterator[RecordOrigin]:
        """Every record's source file and own identifier, in import order (no record fields)."""
        cursor = self.db.execute(
            """SELECT records.id, records.source_id, sources.file_name, records.source_record_id
            FROM records JOIN sources ON sources.id = records.source_id ORDER BY records.id"""
        )
        for row in cursor:
            yield RecordOrigin(*row)

    def match_inputs(self) -> list[MatchInput]:
        """What duplicate detection compares, for every record in id order. Reads only those
        columns and the start of the abstract: this runs over whole projects."""
        cursor = self.db.execute(
            """SELECT id, title, authors, year, journal, journal_abbrev, volume, issue,
            start_page, end_page, doi, pmid, issn, type, substr(abstract, 1, 300)
            FROM records ORDER BY id"""
        )
        strings = _strings_from_json
        return [
            MatchInput(
                id, title, strings(authors), year, journal, journal_abbrev, volume, issue,
                start_page, end_page, doi, pmid, strings(issn), type_, abstract,
            )
            for (id, title, authors, year, journal, journal_abbrev, volume, issue, start_page,
                 end_page, doi, pmid, issn, type_, abstract) in cursor
        ]  # fmt: skip

    # -- duplicate links (append-only event log and the derived studies cache) ------------

    def add_dedup_run(self, *, compared_up_to: int, records: int, candidates: int) -> DedupRun:
        with self.transaction():
            cursor = self.db.execute(
                """INSERT INTO dedup_runs (created_at, compared_up_to, records, candidates)
                VALUES (?, ?, ?, ?)""",
                [_now(), compared_up_to, records, candidates],
            )
        return self._dedup_run(int(cursor.lastrowid or 0))

    def _dedup_run(self, run_id: int) -> DedupRun:
        row = next(self.db.query("SELECT * FROM dedup_runs WHERE id = ?", [run_id]))
        return _dedup_run(row)

    def last_dedup_run(self) -> DedupRun | None:
        rows = list(self.db.query("SELECT * FROM dedup_runs ORDER BY id DESC LIMIT 1"))
        return _dedup_run(rows[0]) if rows else None

    def add_dedup_events(self, events: Iterable[NewDedupEvent], run_id: int | None = None) -> int:
        """Append link events in one transaction; returns how many were written."""
        now = _now()
        rows = [
            (e.record_a, e.record_b, str(e.verdict), str(e.method), e.score, e.reason,
             e.reviewer, run_id, now)
            for e in events
        ]  # fmt: skip
        with self.transaction():
            self.db.conn.executemany(
                """INSERT INTO dedup_events (record_a, record_b, verdict, method, score, reason,
                reviewer, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
        return len(rows)

    def dedup_events(self) -> list[DedupEvent]:
        """Every link event in the order it was written."""
        cursor = self.db.execute(
            """SELECT id, record_a, record_b, verdict, method, score, reason, reviewer, run_id,
            created_at FROM dedup_events ORDER BY id"""
        )
        return [
            DedupEvent(id, a, b, LinkVerdict(verdict), LinkMethod(method), score, reason,
                       reviewer, run_id, datetime.fromisoformat(created_at))
            for id, a, b, verdict, method, score, reason, reviewer, run_id, created_at in cursor
        ]  # fmt: skip

    def study_map(self) -> dict[int, int]:
        """Record id -> study id, for the records that are not their own study."""
        return dict(self.db.execute("SELECT record_id, study_id FROM studies").fetchall())

    def study_of(self, record_id: int) -> int:
        """The study a record belongs to (its own id unless it is a duplicate)."""
        sql = "SELECT study_id FROM studies WHERE record_id = ?"
        row = self.db.execute(sql, [record_id]).fetchone()
        return int(row[0]) if row else record_id

    def study_member_ids(self, study_id: int) -> list[int]:
        """The ids of a study's records: the study id itself and its duplicates, in order."""
        sql = "SELECT record_id FROM studies WHERE study_id = ? ORDER BY record_id"
        return [study_id, *(row[0] for row in self.db.execute(sql, [study_id]))]

    def replace_study_map(self, new: dict[int, int]) -> int:
        """Make the studies cache equal ``new``, writing only the rows that change; returns
        how many rows were deleted, inserted or changed."""
        old = self.study_map()
        gone = [(record_id,) for record_id in old.keys() - new.keys()]
        changed = [(r, s) for r, s in new.items() if old.get(r) != s]
        with self.transaction():
            self.db.conn.executemany("DELETE FROM studies WHERE record_id = ?", gone)
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO studies (record_id, study_id) VALUES (?, ?)", changed
            )
        return len(gone) + len(changed)

    # -- audit -----------------------------------------------------------------------------

    def dump(self) -> str:
        """The whole database as SQL text: equal dumps mean equal projects."""
        return "\n".join(self.db.conn.iterdump())


_to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def _strings_json(items: tuple[str, ...]) -> str:
    """JSON for a short tuple of strings (authors, keywords): joined directly when nothing
    needs escaping, which is four times faster than the encoder on these tiny lists."""
    if not items:
        return "[]"
    if _NEEDS_ESCAPE.search("".join(items)):
        return _to_json(items)
    joined = '","'.join(items)
    return f'["{joined}"]'


def _strings_from_json(text: str) -> tuple[str, ...]:
    """The inverse of :func:`_strings_json`: split directly when nothing is escaped."""
    if text == "[]":
        return ()
    # Without a backslash every quote is structural, so in compact JSON (as written here)
    # the items are exactly what lies between '","'.
    if "\\" not in text and '", "' not in text and text[:2] == '["' and text[-2:] == '"]':
        return tuple(text[2:-2].split('","'))
    return tuple(json.loads(text))


def record_row(r: Record) -> tuple[Any, ...]:
    """A record as the values of a ``records`` row, without its source id. Pure and
    picklable, so that worker processes can prepare rows while the store writes."""
    # Spelled out rather than looped over _RECORD_FIELDS: this runs once per imported record.
    return (
        r.position, r.line, r.source_record_id, r.title, r.abstract, _strings_json(r.authors),
        r.year, r.journal, r.journal_abbrev, r.volume, r.issue, r.pages, r.start_page,
        r.end_page, r.doi, r.pmid, _strings_json(r.issn), _strings_json(r.keywords), r.type,
        r.language, r.url, r.label, _to_json(r.raw),
    )  # fmt: skip


def _row_batches(records: Iterable[Record]) -> Iterator[tuple[int, int, list[tuple[Any, ...]]]]:
    batch: list[tuple[Any, ...]] = []
    for record in records:
        batch.append(record_row(record))
        if len(batch) == _BATCH:
            yield 0, 0, batch
            batch = []
    if batch:
        yield 0, 0, batch


def _stored_record(row: dict[str, Any]) -> StoredRecord:
    fields = {name: row[name] for name in _RECORD_FIELDS}
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
    )


def _dedup_run(row: dict[str, Any]) -> DedupRun:
    return DedupRun(
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        compared_up_to=row["compared_up_to"],
        records=row["records"],
        candidates=row["candidates"],
    )
