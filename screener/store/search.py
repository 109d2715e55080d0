"""Full-text search over the records (SQLite FTS5), indexed as records are imported."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from screener.errors import ScreenerError
from screener.store.connection import Database
from screener.store.migrations import FTS_COLUMNS

_CHUNK = 5000
_COLUMNS = ", ".join(FTS_COLUMNS)
_TOKEN = re.compile(r'"[^"]*"|[^\s"]+')


class Search:
    """The records_fts index and how far it has taken in the records (fts_state)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def missing(self) -> int:
        """How many records the search index has yet to take in."""
        (done,) = self.db.execute("SELECT indexed_up_to FROM fts_state").fetchone()
        (count,) = self.db.execute("SELECT count(*) FROM records WHERE id > ?", [done]).fetchone()
        return int(count)

    def refresh(self, progress: Callable[[int], None] | None = None) -> int:
        """Index the records imported since the last refresh (records never change, so this
        is exact), a chunk per transaction so that reviewers' writes are not held up long."""
        added = 0
        while count := self.db.retrying(self._index_chunk):
            added += count
            if progress:
                progress(count)
        return added

    def _index_chunk(self) -> int:
        with self.db.transaction():
            (done,) = self.db.execute("SELECT indexed_up_to FROM fts_state").fetchone()
            last = self.db.execute(
                "SELECT max(id) FROM (SELECT id FROM records WHERE id > ? ORDER BY id LIMIT ?)",
                [done, _CHUNK],
            ).fetchone()[0]
            if last is None:
                return 0
            cursor = self.db.execute(
                f"""INSERT INTO records_fts (rowid, {_COLUMNS})
                SELECT id, {_COLUMNS} FROM records WHERE id > ? AND id <= ?""",
                [done, last],
            )
            self.db.execute("UPDATE fts_state SET indexed_up_to = ?", [last])
            return int(cursor.rowcount)

    def find(self, query: str, limit: int = 200) -> list[int]:
        """Record ids whose title, abstract, authors, journal or year contain every word of
        ``query`` (the last word as a prefix; "quoted phrases" kept), best matches first."""
        match = fts_query(query)
        if not match:
            return []
        sql = "SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY rank LIMIT ?"
        try:
            return [row[0] for row in self.db.execute(sql, [match, limit])]
        except sqlite3.OperationalError as exc:
            raise ScreenerError(f"cannot search for {query!r}: {exc}") from None


def fts_query(query: str) -> str:
    """A user's search words as an FTS5 query: each word quoted (so that FTS5 operators and
    punctuation are taken literally), a trailing ``*`` or the last word matching as a prefix."""
    tokens = [t.strip('"') for t in _TOKEN.findall(query)]
    parts = []
    for i, token in enumerate(tokens):
        prefix = token.endswith("*") or i == len(tokens) - 1
        word = token.rstrip("*").replace('"', "")
        if not word.strip():
            continue
        parts.append(f'"{word}"' + ("*" if prefix and " " not in word else ""))
    return " ".join(parts)
