"""The extraction log: append-only events of extracted values and consensus values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from screener.errors import ScreenerError
from screener.models import ExtractedValue, Extraction, ExtractionKind
from screener.store.connection import Database, chunked, new_uid, now_iso
from screener.store.events import after_latest, insert_events

_COLUMNS = "id, uid, record_id, field, value, kind, reviewer, created_at"
_time = datetime.fromisoformat
_SCAN_ABOVE = 2000  # records: past this many, one scan of the table beats indexed lookups


class Extractions:
    """The extractions table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_extractions(
        self,
        record_id: int,
        values: Mapping[str, ExtractedValue],
        reviewer: str,
        kind: ExtractionKind = ExtractionKind.VALUE,
    ) -> list[Extraction]:
        """Append one event per field of one study, all in one transaction, committed before
        this returns; events are stamped after the table's latest (see ``events.after_latest``)."""
        uids = [new_uid() for _ in values]

        def write() -> None:
            with self.db.transaction():
                stamp = now_iso()
                for uid, (field, value) in zip(uids, values.items(), strict=True):
                    stamp = after_latest(self.db, "extractions", stamp)
                    row = {
                        "uid": uid,
                        "record_id": record_id,
                        "field": field,
                        "value": json.dumps(value, ensure_ascii=False),
                        "kind": str(kind),
                        "reviewer": reviewer,
                        "created_at": stamp,
                    }
                    insert_events(self.db, "extractions", [row])

        try:
            self.db.retrying(write)
        except sqlite3.IntegrityError as exc:
            raise ScreenerError(f"cannot record this extraction: {exc}") from None
        marks = ", ".join("?" * len(uids))
        rows = self.db.query(f"SELECT * FROM extractions WHERE uid IN ({marks}) ORDER BY id", uids)
        return [extraction_from_row(row) for row in rows]

    def add_extraction(
        self,
        record_id: int,
        field: str,
        value: ExtractedValue,
        reviewer: str,
        kind: ExtractionKind = ExtractionKind.VALUE,
    ) -> Extraction:
        """One field's value: :meth:`add_extractions` with one field."""
        (event,) = self.add_extractions(record_id, {field: value}, reviewer, kind)
        return event

    def extractions(
        self,
        *,
        record_ids: Iterable[int] | None = None,
        reviewer: str | None = None,
    ) -> list[Extraction]:
        """Extraction events in the order they were made (time, uid, id), of every record or
        of some, optionally of one reviewer. Read with plain tuples: an export of a large
        review reads a hundred thousand of them."""
        where, params = ([], []) if reviewer is None else (["reviewer = ?"], [reviewer])
        sql = f"SELECT {_COLUMNS} FROM extractions"
        wanted = None if record_ids is None else set(record_ids)
        if wanted is None or len(wanted) > _SCAN_ABOVE:
            clause = f" WHERE {' AND '.join(where)}" if where else ""
            rows = self.db.execute(sql + clause, params).fetchall()
            if wanted is not None:
                rows = [r for r in rows if r[2] in wanted]
        else:
            rows = []
            for marks, chunk in chunked(sorted(wanted)):
                clause = " AND ".join([*where, f"record_id IN ({marks})"])
                rows += self.db.execute(f"{sql} WHERE {clause}", [*params, *chunk]).fetchall()
        rows.sort(key=lambda r: (r[7], r[1], r[0]))  # created_at, uid, id
        kinds = {k.value: k for k in ExtractionKind}
        # One parse of all the values: a json.loads call per value cost most of the read
        values = json.loads("[" + ",".join(r[4] for r in rows) + "]")
        return [
            Extraction(id_, record, name, value, kinds[kind], who, _time(at), uid)
            for (id_, uid, record, name, _, kind, who, at), value in zip(rows, values, strict=True)
        ]

    def rows(self, record_ids: Iterable[int]) -> list[tuple[int, str, str, str, str]]:
        """(record id, field, kind, reviewer, value as JSON text) of the extraction events
        on some records, in the order they were made: the light read of exports."""
        wanted = set(record_ids)
        if len(wanted) > _SCAN_ABOVE:
            # Sorted by SQLite, selecting only what is returned; NOT INDEXED: one scan and a
            # sort beat walking the created_at index with a lookup per row.
            sql = """SELECT record_id, field, kind, reviewer, value FROM extractions NOT INDEXED
                ORDER BY created_at, uid, id"""
            return [r for r in self.db.execute(sql).fetchall() if r[0] in wanted]
        sql = "SELECT record_id, field, kind, reviewer, value, created_at, uid, id FROM extractions"
        rows = []
        for marks, chunk in chunked(sorted(wanted)):
            rows += self.db.execute(f"{sql} WHERE record_id IN ({marks})", chunk).fetchall()
        rows.sort(key=lambda r: (r[5], r[6], r[7]))
        return [r[:5] for r in rows]

    def record_ids(self) -> list[int]:
        """The records with any extraction event (a light read for progress counts)."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT record_id FROM extractions")]


def extraction_from_row(row: dict[str, Any]) -> Extraction:
    return Extraction(
        id=row["id"],
        record_id=row["record_id"],
        field=row["field"],
        value=json.loads(row["value"]),
        kind=ExtractionKind(row["kind"]),
        reviewer=row["reviewer"],
        created_at=datetime.fromisoformat(row["created_at"]),
        uid=row["uid"],
    )
