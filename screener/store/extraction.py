"""The store's extraction table: append-only events of extracted values and consensus values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from screener.errors import ScreenerError
from screener.models import Citation, ExtractedValue, Extraction, ExtractionKind, Stage
from screener.store.events import _after_latest, _insert_rows, _retrying, new_uid, now_iso

if TYPE_CHECKING:
    import sqlite_utils


_COLUMNS = "id, uid, record_id, field, value, kind, reviewer, created_at"
_time = datetime.fromisoformat
_SCAN_ABOVE = 2000  # records: past this many, one scan of the table beats indexed lookups


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
            ids = sorted(wanted)
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                clause = " AND ".join([*where, f"record_id IN ({', '.join('?' * len(chunk))})"])
                rows += self.db.execute(f"{sql} WHERE {clause}", [*params, *chunk]).fetchall()
        rows.sort(key=lambda r: (r[7], r[1], r[0]))  # created_at, uid, id
        kinds = {k.value: k for k in ExtractionKind}
        # One parse of all the values: a json.loads call per value cost most of the read
        values = json.loads("[" + ",".join(r[4] for r in rows) + "]")
        return [
            Extraction(id_, record, name, value, kinds[kind], who, _time(at), uid)
            for (id_, uid, record, name, _, kind, who, at), value in zip(rows, values, strict=True)
        ]

    def verdicts_of(
        self: _HasDb, stage: Stage, record_ids: Iterable[int]
    ) -> list[tuple[int, str, str]]:
        """(record id, reviewer, verdict) of the decision events on some records at a
        stage, in the order they were made (as ``decision_verdicts`` does for all)."""
        ids = sorted(set(record_ids))
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = f"""SELECT record_id, reviewer, verdict, created_at, uid, id FROM decisions
                WHERE stage = ? AND record_id IN ({", ".join("?" * len(chunk))})"""
            rows += self.db.execute(sql, [str(stage), *chunk]).fetchall()
        rows.sort(key=lambda r: (r[3], r[4], r[5]))
        return [(r[0], r[1], r[2]) for r in rows]

    def extraction_rows(
        self: _HasDb, record_ids: Iterable[int]
    ) -> list[tuple[int, str, str, str, str]]:
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
        ids = sorted(wanted)
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            where = f" WHERE record_id IN ({', '.join('?' * len(chunk))})"
            rows += self.db.execute(sql + where, chunk).fetchall()
        rows.sort(key=lambda r: (r[5], r[6], r[7]))
        return [r[:5] for r in rows]

    def decision_tags(
        self: _HasDb, record_ids: Iterable[int]
    ) -> list[tuple[int, str, str, str, dict[str, list[str]]]]:
        """(record id, stage, reviewer, verdict, tags) of the decision events on some
        records, in the order they were made: what an evidence table needs of the screening
        log, without reading every note and reason."""
        ids = sorted(set(record_ids))
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = f"""SELECT record_id, stage, reviewer, verdict, tags, created_at, uid, id
                FROM decisions WHERE record_id IN ({", ".join("?" * len(chunk))})"""
            rows += self.db.execute(sql, chunk).fetchall()
        rows.sort(key=lambda r: (r[5], r[6], r[7]))
        tags = json.loads("[" + ",".join(r[4] for r in rows) + "]")  # one parse for all
        return [(r[0], r[1], r[2], r[3], t) for r, t in zip(rows, tags, strict=True)]

    def citation_fields(self: _HasDb, record_ids: Iterable[int]) -> dict[int, Citation]:
        """Title, authors, year, journal, DOI and PMID of some records (no abstract, no raw
        fields: an evidence table of thousands of studies reads only these)."""
        ids = sorted(set(record_ids))
        found: dict[int, Citation] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = f"""SELECT id, title, authors, year, journal, doi, pmid FROM records
                WHERE id IN ({", ".join("?" * len(chunk))})"""
            for id_, title, authors, year, journal, doi, pmid in self.db.execute(sql, chunk):
                found[id_] = Citation(id_, title, tuple(json.loads(authors)), year, journal,
                                      doi, pmid)  # fmt: skip
        return found

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
