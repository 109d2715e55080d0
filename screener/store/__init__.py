"""The only package that talks to SQLite: one connection per project, small repositories
over it (records, links, events, extraction, search, audit), and the schema migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from screener.errors import ScreenerError
from screener.store.audit import Audit
from screener.store.connection import Database, DatabaseBusyError
from screener.store.events import Events
from screener.store.extraction import Extractions
from screener.store.links import DedupRun, Links, NewDedupEvent
from screener.store.migrations import SCHEMA_VERSION, migrate, schema_version
from screener.store.records import NewSource, RecordOrigin, Records, SourceDetails, record_row
from screener.store.search import Search

__all__ = [
    "SCHEMA_VERSION",
    "DatabaseBusyError",
    "DedupRun",
    "NewDedupEvent",
    "NewSource",
    "RecordOrigin",
    "SourceDetails",
    "Store",
    "record_row",
]


class Store:
    """A project's database, migrated on open, and its repositories."""

    def __init__(self, path: Path | str, *, upgrade_to: int = SCHEMA_VERSION) -> None:
        self.path = str(path)
        try:
            self.db = Database(self.path)
            migrate(self.db, upgrade_to)
        except sqlite3.DatabaseError as exc:
            raise ScreenerError(f"{self.path}: cannot open the project database: {exc}") from None
        self.records = Records(self.db)
        self.links = Links(self.db)
        self.events = Events(self.db)
        self.extraction = Extractions(self.db)
        self.search = Search(self.db)
        self.audit = Audit(self.db)

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction over every repository (nested: a savepoint)."""
        with self.db.transaction():
            yield

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def dump(self) -> str:
        """The whole database as SQL text: equal dumps mean equal projects."""
        return "\n".join(self.db.conn.iterdump())
