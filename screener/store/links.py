"""Duplicate links: the dedup runs, the append-only link event log and the studies cache."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screener.models import DedupEvent, LinkMethod, LinkVerdict
from screener.store.connection import Database, now_iso


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
    rule: str = ""


@dataclass(frozen=True, slots=True)
class DedupRun:
    """One deduplication run: records up to ``compared_up_to`` have been compared."""

    id: int
    created_at: datetime
    compared_up_to: int
    records: int
    candidates: int


class Links:
    """The dedup_runs, dedup_events and studies tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_run(self, *, compared_up_to: int, records: int, candidates: int) -> DedupRun:
        with self.db.transaction():
            cursor = self.db.execute(
                """INSERT INTO dedup_runs (created_at, compared_up_to, records, candidates)
                VALUES (?, ?, ?, ?)""",
                [now_iso(), compared_up_to, records, candidates],
            )
        row = next(self.db.query("SELECT * FROM dedup_runs WHERE id = ?", [cursor.lastrowid]))
        return _dedup_run(row)

    def last_run(self) -> DedupRun | None:
        rows = list(self.db.query("SELECT * FROM dedup_runs ORDER BY id DESC LIMIT 1"))
        return _dedup_run(rows[0]) if rows else None

    def add_events(self, events: Iterable[NewDedupEvent], run_id: int | None = None) -> int:
        """Append link events in one transaction; returns how many were written."""
        now = now_iso()
        rows = [
            (
                e.record_a,
                e.record_b,
                str(e.verdict),
                str(e.method),
                e.score,
                e.reason,
                e.reviewer,
                run_id,
                now,
                e.rule,
            )
            for e in events
        ]
        with self.db.transaction():
            self.db.conn.executemany(
                """INSERT INTO dedup_events (record_a, record_b, verdict, method, score, reason,
                reviewer, run_id, created_at, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
        return len(rows)

    def events(self) -> list[DedupEvent]:
        """Every link event in the order it was written."""
        cursor = self.db.execute(
            """SELECT id, record_a, record_b, verdict, method, score, reason, reviewer, run_id,
            created_at, rule FROM dedup_events ORDER BY id"""
        )
        return [
            DedupEvent(
                id,
                a,
                b,
                LinkVerdict(verdict),
                LinkMethod(method),
                score,
                reason,
                reviewer,
                run_id,
                datetime.fromisoformat(created_at),
                rule,
            )
            for (
                id,
                a,
                b,
                verdict,
                method,
                score,
                reason,
                reviewer,
                run_id,
                created_at,
                rule,
            ) in cursor
        ]

    # -- the studies cache: which record is a duplicate of which study ---------------------

    def study_map(self) -> dict[int, int]:
        """Record id -> study id, for the records that are not their own study."""
        return dict(self.db.execute("SELECT record_id, study_id FROM studies").fetchall())

    def study_of(self, record_id: int) -> int:
        """The study a record belongs to (its own id unless it is a duplicate)."""
        sql = "SELECT study_id FROM studies WHERE record_id = ?"
        row = self.db.execute(sql, [record_id]).fetchone()
        return int(row[0]) if row else record_id

    def members(self, study_id: int) -> list[int]:
        """The ids of a study's records: the study id itself and its duplicates, in order."""
        sql = "SELECT record_id FROM studies WHERE study_id = ? ORDER BY record_id"
        return [study_id, *(row[0] for row in self.db.execute(sql, [study_id]))]

    def study_ids(self) -> list[int]:
        """The id of every study (a record that is not a duplicate of another), in import
        order. Read from the small (source, position) index rather than the records table."""
        duplicates = {row[0] for row in self.db.execute("SELECT record_id FROM studies")}
        sql = "SELECT id FROM records INDEXED BY sqlite_autoindex_records_1"
        return sorted(row[0] for row in self.db.execute(sql) if row[0] not in duplicates)

    def replace_study_map(self, new: dict[int, int]) -> int:
        """Make the studies cache equal ``new``, writing only the rows that change; returns
        how many rows were deleted, inserted or changed."""
        old = self.study_map()
        gone = [(record_id,) for record_id in old.keys() - new.keys()]
        changed = [(r, s) for r, s in new.items() if old.get(r) != s]
        with self.db.transaction():
            self.db.conn.executemany("DELETE FROM studies WHERE record_id = ?", gone)
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO studies (record_id, study_id) VALUES (?, ?)", changed
            )
        return len(gone) + len(changed)


def _dedup_run(row: dict[str, Any]) -> DedupRun:
    return DedupRun(
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        compared_up_to=row["compared_up_to"],
        records=row["records"],
        candidates=row["candidates"],
    )
