"""A project's SQLite connection: pragmas, and write transactions that wait for each other."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import count
from typing import Any, TypeVar

from screener.errors import ScreenerError

BUSY_TIMEOUT_SECONDS = 30.0
WRITE_ATTEMPTS = 5  # on top of the busy timeout: a locked database is retried, never lost
CHUNK = 500  # ids per `IN (...)`: below SQLite's bound-parameter limit

T = TypeVar("T")


class DatabaseBusyError(ScreenerError):
    """Another program held the project's write lock past the busy timeout."""


def now_iso() -> str:
    """The time events are stamped with: UTC, microseconds, ISO 8601 (sorts as it reads)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_uid() -> str:
    """An event's id, unique across copies of a project: what sync merges on."""
    return uuid.uuid4().hex


def chunked(ids: Sequence[int]) -> Iterator[tuple[str, Sequence[int]]]:
    """``ids`` in slices small enough for one query, each with its ``?, ?, …`` marks."""
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        yield ", ".join("?" * len(part)), part


class Database:
    """One connection (WAL, busy timeout, foreign keys), usable from any one thread at a time."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._savepoints = count()
        self.execute("PRAGMA foreign_keys = ON")
        # Larger pages suit records of a few kB (abstract + raw fields): fewer overflow
        # pages, faster bulk imports. Applies to new databases only.
        self.execute("PRAGMA page_size = 16384")
        self.execute("PRAGMA cache_size = -65536")  # KiB
        if path != ":memory:":
            self.execute("PRAGMA journal_mode = WAL")
        self.execute("PRAGMA synchronous = NORMAL")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front so that two
        reviewers writing at once wait for each other (busy timeout) instead of failing.
        Nested, it is a savepoint of the outer transaction."""
        if self.conn.in_transaction:
            name = f"nested_{next(self._savepoints)}"
            self.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self.execute(f"ROLLBACK TO {name}")
                self.execute(f"RELEASE {name}")
                raise
            self.execute(f"RELEASE {name}")
            return
        self._locked("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self._locked("COMMIT")

    def _locked(self, sql: str) -> None:
        """BEGIN or COMMIT; a lock still held by another program after the busy timeout is
        a DatabaseBusyError (a plain message, never an SQLite traceback)."""
        try:
            self.execute(sql)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise DatabaseBusyError(
                f"cannot write to the project database: {exc} (another program is writing "
                "to it; try again)"
            ) from None

    def retrying(self, write: Callable[[], T]) -> T:
        """Run a write transaction, retrying while another process holds the lock past the
        busy timeout: two reviewers writing at once wait for each other instead of failing."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return write()
            except DatabaseBusyError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")
