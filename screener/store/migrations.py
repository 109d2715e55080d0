"""The schema, one migration per version; a database is brought up to date when opened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from screener.errors import ScreenerError
from screener.store.connection import Database

FTS_COLUMNS = ("title", "abstract", "authors", "journal", "year")


def _migration_1(db: Database) -> None:
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


def _migration_2(db: Database) -> None:
    """Keep how each file was decoded and how many empty records it skipped; index the ids
    that deduplication and screening look records up by."""
    db.execute("ALTER TABLE sources ADD COLUMN encoding TEXT NOT NULL DEFAULT 'utf-8'")
    db.execute("ALTER TABLE sources ADD COLUMN skipped_count INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX records_doi ON records(doi) WHERE doi != ''")
    db.execute("CREATE INDEX records_pmid ON records(pmid) WHERE pmid != ''")
    db.execute("CREATE INDEX decisions_record ON decisions(record_id, stage, reviewer)")


def _migration_3(db: Database) -> None:
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


def _append_only(db: Database, *tables: str) -> None:
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"""CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"""
            )


def _migration_4(db: Database) -> None:
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
    columns = ", ".join(f'"{name}"' for name in FTS_COLUMNS)
    db.execute(
        f'CREATE VIRTUAL TABLE "records_fts" USING FTS5 (\n    {columns},\n    content="records"\n)'
    )
    db.execute(f"INSERT INTO records_fts (rowid, {columns}) SELECT rowid, {columns} FROM records")
    db.execute("CREATE TABLE fts_state (indexed_up_to INTEGER NOT NULL)")
    db.execute("INSERT INTO fts_state SELECT coalesce(max(id), 0) FROM records")


def _migration_5(db: Database) -> None:
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


def _migration_6(db: Database) -> None:
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


def _migration_7(db: Database) -> None:
    """What an import learnt about each file, kept with its source: the workbook sheet read,
    where the database name came from (given, the records, the format, the file name, or
    unknown), the columns kept in the raw fields but not used, and the fields whose columns
    were empty in every record (JSON lists). Sources imported before keep empty values."""
    db.execute("ALTER TABLE sources ADD COLUMN sheet TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE sources ADD COLUMN database_from TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE sources ADD COLUMN unused_columns TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE sources ADD COLUMN empty_fields TEXT NOT NULL DEFAULT '[]'")


def _migration_8(db: Database) -> None:
    """Event times as UTC instants: a synced event kept the offset it was made with, and
    text with different offsets does not sort as the instants do (a +14:00 time read as
    hours later than it was). The tables are append-only, so their UPDATE triggers are
    lifted for this rewrite alone; a time without a UTC instant is left as it was."""
    for table in ("decisions", "resolutions", "retrievals", "vocabulary_terms", "extractions"):
        changed = []
        for id_, text in db.execute(f"SELECT id, created_at FROM {table}").fetchall():
            try:
                moment = datetime.fromisoformat(text)
                utc = moment.astimezone(UTC).isoformat(timespec="microseconds")
            except (ValueError, OverflowError):
                continue
            if moment.tzinfo is not None and utc != text:
                changed.append((utc, id_))
        if not changed:
            continue
        db.execute(f"DROP TRIGGER {table}_no_update")
        db.conn.executemany(f"UPDATE {table} SET created_at = ? WHERE id = ?", changed)
        db.execute(
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"""
        )


def _migration_9(db: Database) -> None:
    """Tag reconciliation: the consensus tags a resolver sets on a study at a stage when its
    reviewers' tags disagree (an append-only event log, synced like resolutions).

    It needs nothing of versions 7 and 8. Every statement is IF NOT EXISTS, so a database
    that took this migration under another number (a development branch built before 7
    and 8 were merged) is brought up safely."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS tag_resolutions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            record_id INTEGER NOT NULL REFERENCES records(id),
            stage TEXT NOT NULL CHECK (stage IN ('title_abstract', 'full_text')),
            resolver TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS tag_resolutions_record ON tag_resolutions(record_id, stage)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS tag_resolutions_created ON tag_resolutions(created_at)")
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER IF NOT EXISTS tag_resolutions_no_{action.lower()}
            BEFORE {action} ON tag_resolutions
            BEGIN SELECT RAISE(ABORT, 'tag_resolutions are append-only'); END"""
        )


def _migration_10(db: Database) -> None:
    """The name of the matching rule behind each automatic duplicate-link event, so that
    the dedup map and an explanation can say which rule linked two records. A database that
    took this under another number (a development branch) already has the column."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(dedup_events)").fetchall()}
    if "rule" not in columns:
        db.execute("ALTER TABLE dedup_events ADD COLUMN rule TEXT NOT NULL DEFAULT ''")


MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,  # tag resolutions: nothing of 7 or 8 needed
    _migration_10,
)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database, target: int = SCHEMA_VERSION) -> None:
    """Apply the migrations from the database's version up to ``target``, each in a
    transaction; a database written by a newer screener is refused."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise ScreenerError(
            f"{db.path}: written by a newer screener (schema {current}, this version "
            f"knows {SCHEMA_VERSION}); upgrade screener to open it"
        )
    for version in range(current + 1, target + 1):
        with db.transaction():
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA user_version = {version}")
