"""The store's extraction table: append-only events of extracted values and consensus values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from screener.errors import ScreenerError
from screener.models import ExtractedValue, Extraction, ExtractionKind
from screener.store_screening import _after_latest, _insert_rows, _retrying, new_uid, now_iso

if TYPE_CHECKING:
    import sqlite_utils


class _HasDb(Protocol):
    db: sqlite_utils.Database

    def transaction(self) -> AbstractContextManager[None]: ...


class ExtractionTables:
    """Mixed into :class:`screener.store.Store`."""

    def add_extractions(
        self: _HasDb,
        record_id: int,
        values: Mapping[str, ExtractedValue],
        reviewer: str,
        kind: ExtractionKind = ExtractionKind.VALUE,
    ) -> list[Extraction]:
        """Append one event per field of one study, all in one transaction, committed before
        this returns; events are stamped after the table's latest (see ``_after_latest``)."""
        uids = [new_uid() for _ in values]

        def write() -> None:
            with self.transaction():
                stamp = now_iso()
                rows = []
                for uid, (field, value) in zip(uids, values.items(), strict=True):
                    stamp = _after_latest(self, "extractions", stamp)
                    rows.append(
                        {
                            "uid": uid,
                            "record_id": record_id,
                            "field": field,
                            "value": json.dumps(value, ensure_ascii=False),
                            "kind": str(kind),
                            "reviewer": reviewer,
                            "created_at": stamp,
                        }
                    )
                    _insert_rows(self, "extractions", rows[-1:])

        try:
            _retrying(write)
        except sqlite3.IntegrityError as exc:
            raise ScreenerError(f"cannot record this extraction: {exc}") from None
        marks = ", ".join("?" * len(uids))
        rows = self.db.query(f"SELECT * FROM extractions WHERE uid IN ({marks}) ORDER BY id", uids)
        return [extraction_from_row(row) for row in rows]

    def add_extraction(
        self: _HasDb,
        record_id: int,
        field: str,
        value: ExtractedValue,
        reviewer: str,
        kind: ExtractionKind = ExtractionKind.VALUE,
    ) -> Extraction:
        """One field's value: :meth:`add_extractions` with one field."""
        (event,) = ExtractionTables.add_extractions(self, record_id, {field: value}, reviewer, kind)
        return event

    def extractions(
        self: _HasDb,
        *,
        record_ids: Iterable[int] | None = None,
        reviewer: str | None = None,
    ) -> list[Extraction]:
        """Extraction events in the order they were made (time, uid, id), of every record or
        of some, optionally of one reviewer."""
        where, params = ([], []) if reviewer is None else (["reviewer = ?"], [reviewer])
        order = "ORDER BY created_at, uid, id"
        if record_ids is None:
            clause = f"WHERE {' AND '.join(where)}" if where else ""
            rows = list(self.db.query(f"SELECT * FROM extractions {clause} {order}", params))
        else:
            ids = sorted(set(record_ids))
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                clause = " AND ".join([*where, f"record_id IN ({', '.join('?' * len(chunk))})"])
                sql = f"SELECT * FROM extractions WHERE {clause}"
                rows.extend(self.db.query(sql, [*params, *chunk]))
            rows.sort(key=lambda r: (r["created_at"], r["uid"], r["id"]))
        return [extraction_from_row(row) for row in rows]

    def extracted_record_ids(self: _HasDb) -> list[int]:
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
