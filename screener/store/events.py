"""The screening event logs: decisions, resolutions, tag resolutions, retrievals and
vocabulary terms.

Every table is append-only; the latest event of a kind is in force. Events are ordered by
time, then uid, in every copy of a project, so a new event is stamped after the table's
latest one even when the clock has gone back. Times are stored as UTC instants
(``utc_time``), so that their text sorts as the instants do.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from screener.errors import ScreenerError
from screener.models import (
    Decision,
    NewDecision,
    Resolution,
    Retrieval,
    RetrievalStatus,
    Stage,
    TagResolution,
    Verdict,
    VocabularyTerm,
)
from screener.store.connection import Database, chunked, new_uid, now_iso

# How far an event may be ahead of this machine's clock: a sync file's events further in the
# future are refused, and a new event is never stamped further ahead than this to follow one.
MAX_CLOCK_SKEW = timedelta(days=1)

# Whose event a row is, per table (sync exports one reviewer's events).
REVIEWER_COLUMNS = {
    "decisions": "reviewer",
    "resolutions": "resolver",
    "tag_resolutions": "resolver",
    "retrievals": "reviewer",
    "vocabulary_terms": "reviewer",
    "extractions": "reviewer",
}


class Events:
    """The decisions, resolutions, tag_resolutions, retrievals and vocabulary_terms tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- decisions -------------------------------------------------------------------------

    def add_decision(self, decision: NewDecision) -> Decision:
        """Append one event and commit it before returning."""
        row = {
            "record_id": decision.record_id,
            "stage": str(decision.stage),
            "reviewer": decision.reviewer,
            "verdict": str(decision.verdict),
            "reasons": json.dumps(list(decision.reasons), ensure_ascii=False),
            "tags": json.dumps({k: list(v) for k, v in decision.tags.items()}, ensure_ascii=False),
            "note": decision.note,
        }
        return _decision(append_event(self.db, "decisions", row))

    def decisions(
        self,
        *,
        stage: Stage | None = None,
        reviewer: str | None = None,
        record_ids: Iterable[int] | None = None,
    ) -> list[Decision]:
        """Decision events in id order, optionally of one stage/reviewer or of some records."""
        rows = _select(self.db, "decisions", {"stage": stage, "reviewer": reviewer}, record_ids)
        return [_decision(row) for row in rows]

    # -- resolutions, retrievals, vocabulary terms -----------------------------------------

    def add_resolution(
        self,
        record_id: int,
        stage: Stage,
        resolver: str,
        verdict: Verdict,
        reasons: Sequence[str] = (),
        note: str = "",
    ) -> Resolution:
        row = {
            "record_id": record_id,
            "stage": str(stage),
            "resolver": resolver,
            "verdict": str(verdict),
            "reasons": json.dumps(list(reasons), ensure_ascii=False),
            "note": note,
        }
        return _resolution(append_event(self.db, "resolutions", row))

    def resolutions(
        self, *, stage: Stage | None = None, record_ids: Iterable[int] | None = None
    ) -> list[Resolution]:
        rows = _select(self.db, "resolutions", {"stage": stage}, record_ids)
        return [_resolution(row) for row in rows]

    def add_tag_resolution(
        self,
        record_id: int,
        stage: Stage,
        resolver: str,
        tags: Mapping[str, Sequence[str]],
        note: str = "",
    ) -> TagResolution:
        row = {
            "record_id": record_id,
            "stage": str(stage),
            "resolver": resolver,
            "tags": json.dumps({k: list(v) for k, v in tags.items()}, ensure_ascii=False),
            "note": note,
        }
        return _tag_resolution(append_event(self.db, "tag_resolutions", row))

    def tag_resolutions(self, *, record_ids: Iterable[int] | None = None) -> list[TagResolution]:
        rows = _select(self.db, "tag_resolutions", {}, record_ids)
        return [_tag_resolution(row) for row in rows]

    def add_retrieval(
        self,
        record_id: int,
        status: RetrievalStatus,
        reviewer: str,
        reason: str = "",
        pdf_path: str = "",
    ) -> Retrieval:
        row = {
            "record_id": record_id,
            "status": str(status),
            "reason": reason,
            "pdf_path": pdf_path,
            "reviewer": reviewer,
        }
        return _retrieval(append_event(self.db, "retrievals", row))

    def retrievals(self, *, record_ids: Iterable[int] | None = None) -> list[Retrieval]:
        return [_retrieval(row) for row in _select(self.db, "retrievals", {}, record_ids)]

    def add_vocabulary_term(self, vocabulary: str, term: str, reviewer: str) -> bool:
        """Add a term to an open vocabulary; False when it was there already."""
        row = {
            "uid": new_uid(),
            "vocabulary": vocabulary,
            "term": term,
            "reviewer": reviewer,
            "created_at": now_iso(),
        }
        return insert_events(self.db, "vocabulary_terms", [row]) == 1

    def vocabulary_terms(self) -> list[VocabularyTerm]:
        rows = self.db.query("SELECT * FROM vocabulary_terms ORDER BY id")
        return [
            VocabularyTerm(
                r["id"],
                r["vocabulary"],
                r["term"],
                r["reviewer"],
                datetime.fromisoformat(r["created_at"]),
                r["uid"],
            )
            for r in rows
        ]

    # -- events from another copy of the project (sync) ------------------------------------

    def rows(self, table: str, *, reviewer: str | None = None) -> list[dict[str, Any]]:
        """The raw rows of an event table, oldest first, optionally of one reviewer."""
        if reviewer is None:
            return list(self.db.query(f"SELECT * FROM {table} ORDER BY id"))
        sql = f"SELECT * FROM {table} WHERE {REVIEWER_COLUMNS[table]} = ? ORDER BY id"
        return list(self.db.query(sql, [reviewer]))

    def merge_rows(self, rows_by_table: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Insert event rows (with their uids and times) in one transaction, skipping uids
        already present; returns how many rows each table gained."""
        added: dict[str, int] = {}

        def write() -> None:
            with self.db.transaction():
                for table, rows in rows_by_table.items():
                    added[table] = _insert_rows(self.db, table, rows)

        self.db.retrying(write)
        return added

    # -- light reads: plain tuples for counts, queues and exports --------------------------

    def verdicts(
        self, stage: Stage, record_ids: Iterable[int] | None = None
    ) -> list[tuple[int, str, str]]:
        """(record id, reviewer, verdict) of every decision event at a stage (or of the
        records given), in the order the events were made (time, uid, id): the light read
        that the screening queue and the counts need."""
        return [row[:3] for row in self.screening_events(stage, record_ids)]

    def screening_events(
        self, stage: Stage, record_ids: Iterable[int] | None = None
    ) -> list[tuple[int, str, str, str]]:
        """(record id, reviewer, verdict, reasons as JSON) of every decision event at a
        stage (or of the records given), in the order the events were made."""
        if record_ids is None:
            sql = """SELECT record_id, reviewer, verdict, reasons FROM decisions
                WHERE stage = ? ORDER BY created_at, uid, id"""
            return self.db.execute(sql, [str(stage)]).fetchall()
        found: list[tuple[Any, ...]] = []
        for marks, chunk in chunked(sorted(set(record_ids))):
            sql = f"""SELECT created_at, uid, id, record_id, reviewer, verdict, reasons
                FROM decisions WHERE stage = ? AND record_id IN ({marks})"""
            found += self.db.execute(sql, [str(stage), *chunk]).fetchall()
        found.sort()  # by (created_at, uid, id): event order across the chunks
        return [row[3:] for row in found]

    def outcomes(self, stage: Stage) -> list[Decision]:
        """The decision events of a stage in id order, without their tags and notes (left
        empty): what counting outcomes and exclusion reasons needs."""
        sql = """SELECT id, record_id, reviewer, verdict, reasons, created_at, uid
            FROM decisions WHERE stage = ? ORDER BY id"""
        reasons_of: dict[str, tuple[str, ...]] = {}  # few distinct lists: decode each once
        verdicts = {str(v): v for v in Verdict}
        out = []
        for id_, record_id, reviewer, verdict, reasons, created_at, uid in self.db.execute(
            sql, [str(stage)]
        ):
            codes = reasons_of.get(reasons)
            if codes is None:
                codes = reasons_of[reasons] = tuple(json.loads(reasons))
            made = datetime.fromisoformat(created_at)
            out.append(
                Decision(
                    id_,
                    record_id,
                    stage,
                    reviewer,
                    verdicts[verdict],
                    codes,
                    {},
                    "",
                    made,
                    uid or "",
                )
            )
        return out

    def tags(
        self, record_ids: Iterable[int]
    ) -> list[tuple[int, str, str, str, dict[str, list[str]]]]:
        """(record id, stage, reviewer, verdict, tags) of the decision events on some
        records, in the order they were made: what an evidence table needs of the log."""
        rows: list[tuple[Any, ...]] = []
        for marks, chunk in chunked(sorted(set(record_ids))):
            sql = f"""SELECT record_id, stage, reviewer, verdict, tags, created_at, uid, id
                FROM decisions WHERE record_id IN ({marks})"""
            rows += self.db.execute(sql, chunk).fetchall()
        rows.sort(key=lambda r: (r[5], r[6], r[7]))
        tags = json.loads("[" + ",".join(r[4] for r in rows) + "]")  # one parse for all
        return [(r[0], r[1], r[2], r[3], t) for r, t in zip(rows, tags, strict=True)]


# -- appending events: shared by the extraction log ---------------------------------------


def _insert_rows(db: Database, table: str, rows: list[dict[str, Any]]) -> int:
    """INSERT OR IGNORE on the uid (and the vocabulary's unique term); returns rows added."""
    added = 0
    for row in rows:
        row = {k: v for k, v in row.items() if k != "id"}
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = db.execute(
            f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", list(row.values())
        )
        added += cursor.rowcount
    return added


def utc_time(text: str) -> str:
    """An ISO 8601 time with a UTC offset as the UTC instant stored (microseconds, +00:00);
    ValueError when it is not one, OverflowError when it has no UTC instant."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def after_latest(db: Database, table: str, now: str) -> str:
    """``now``, or just after the table's latest event when the clock has gone back: events
    are ordered by time in every copy of a project, so a new event must never sort before
    one made earlier here. An event more than MAX_CLOCK_SKEW ahead of ``now`` (which no
    check lets in any more) is not followed: the time stamped is never further wrong than
    the skew it corrects, and never out of range."""
    try:
        now = utc_time(now)
    except (ValueError, OverflowError):
        now = now_iso()
    (latest,) = db.execute(f"SELECT max(created_at) FROM {table}").fetchone()
    if latest is None or latest < now:
        return now
    try:
        ahead = datetime.fromisoformat(latest) - datetime.fromisoformat(now)
        if ahead > MAX_CLOCK_SKEW:
            return now
        return (datetime.fromisoformat(now) + ahead + timedelta(microseconds=1)).isoformat(
            timespec="microseconds"
        )
    except (ValueError, OverflowError):
        return now


def insert_events(db: Database, table: str, rows: list[dict[str, Any]]) -> int:
    """Insert new events in one write transaction, each stamped after the latest."""

    def write() -> int:
        with db.transaction():
            for row in rows:  # inside the write lock: the latest event cannot change meanwhile
                row["created_at"] = after_latest(db, table, row["created_at"])
            return _insert_rows(db, table, rows)

    try:
        return db.retrying(write)
    except sqlite3.IntegrityError as exc:
        raise ScreenerError(f"cannot record this in the project: {exc}") from None


def append_event(db: Database, table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Append one event (a new uid, stamped now), committed; returns the stored row."""
    row = {"uid": new_uid(), **fields, "created_at": now_iso()}
    insert_events(db, table, [row])
    return next(db.query(f"SELECT * FROM {table} WHERE uid = ?", [row["uid"]]))


def _select(
    db: Database, table: str, equal: Mapping[str, object], record_ids: Iterable[int] | None
) -> Iterator[dict[str, Any]]:
    where = [f"{column} = ?" for column, value in equal.items() if value is not None]
    params = [str(value) for value in equal.values() if value is not None]
    if record_ids is None:
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        yield from db.query(f"SELECT * FROM {table} {clause} ORDER BY id", params)
        return
    rows: list[dict[str, Any]] = []
    for marks, chunk in chunked(sorted(set(record_ids))):
        clause = " AND ".join([*where, f"record_id IN ({marks})"])
        rows.extend(db.query(f"SELECT * FROM {table} WHERE {clause}", [*params, *chunk]))
    yield from sorted(rows, key=lambda r: r["id"])


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _decision(row: dict[str, Any]) -> Decision:
    tags = json.loads(row["tags"])
    return Decision(
        id=row["id"],
        record_id=row["record_id"],
        stage=Stage(row["stage"]),
        reviewer=row["reviewer"],
        verdict=Verdict(row["verdict"]),
        reasons=tuple(json.loads(row["reasons"])),
        tags={k: tuple(v) for k, v in tags.items()},
        note=row["note"],
        created_at=_time(row["created_at"]),
        uid=row["uid"] or "",
    )


def _resolution(row: dict[str, Any]) -> Resolution:
    return Resolution(
        id=row["id"],
        record_id=row["record_id"],
        stage=Stage(row["stage"]),
        resolver=row["resolver"],
        verdict=Verdict(row["verdict"]),
        reasons=tuple(json.loads(row["reasons"])),
        note=row["note"],
        created_at=_time(row["created_at"]),
        uid=row["uid"],
    )


def _tag_resolution(row: dict[str, Any]) -> TagResolution:
    tags = json.loads(row["tags"])
    return TagResolution(
        id=row["id"],
        record_id=row["record_id"],
        stage=Stage(row["stage"]),
        resolver=row["resolver"],
        tags={k: tuple(v) for k, v in tags.items()},
        note=row["note"],
        created_at=_time(row["created_at"]),
        uid=row["uid"],
    )


def _retrieval(row: dict[str, Any]) -> Retrieval:
    return Retrieval(
        id=row["id"],
        record_id=row["record_id"],
        status=RetrievalStatus(row["status"]),
        reason=row["reason"],
        pdf_path=row["pdf_path"],
        reviewer=row["reviewer"],
        created_at=_time(row["created_at"]),
        uid=row["uid"],
    )
