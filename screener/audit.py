"""A project's full event log for auditors: imports, dedup runs and links, decisions,
resolutions, retrievals, vocabulary terms and extractions, oldest first.

Every event is a JSON-ready dict. A record is referred to by its id in this project and by
its stable key, the sha256 of its source file and its position in that file (ids differ
between copies of a project; the key does not). The first event, ``audit``, carries the
protocol settings the PRISMA counts depend on, so that :mod:`screener.audit_replay` can
rebuild the counts from the log alone.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from screener import __version__
from screener.exports.csv_safe import safe_cell
from screener.models import Stage
from screener.project import Project

AUDIT_FORMAT = "screener-audit"
AUDIT_VERSION = 1
# Kinds in the order they are listed when two events have the same time.
KIND_ORDER = ("source", "dedup_run", "link", "decision", "resolution", "retrieval",
              "vocabulary_term", "extraction")  # fmt: skip
_TABLES = {"decision": "decisions", "resolution": "resolutions", "retrieval": "retrievals",
           "vocabulary_term": "vocabulary_terms", "extraction": "extractions",
           "dedup_run": "dedup_runs", "link": "dedup_events"}  # fmt: skip


def audit_header(project: Project) -> dict[str, Any]:
    """The first event: what was exported, when, and the protocol settings that count."""
    protocol = project.protocol
    return {
        "kind": "audit",
        "format": AUDIT_FORMAT,
        "version": AUDIT_VERSION,
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
        "screener": __version__,
        "schema_version": project.store.schema_version,
        "project": project.name,
        "title": protocol.title,
        "protocol": {
            "dual_screening": protocol.dual_screening,
            "second_review_percent": protocol.second_review_percent,
            "merge_preprints": protocol.merge_preprints,
            "full_text_reasons": {
                r.code: r.label for r in protocol.stages[Stage.FULL_TEXT].reasons
            },
        },
    }


def source_events(project: Project) -> list[dict[str, Any]]:
    """One ``source`` event per imported file, with the positions of its stored records."""
    members: dict[str, list[list[int]]] = {}
    for record_id, (sha, position) in sorted(project.store.record_keys().items()):
        members.setdefault(sha, []).append([record_id, position])
    return [
        {
            "kind": "source",
            "time": source.imported_at.isoformat(timespec="microseconds"),
            "uid": "",
            "id": source.id,
            "file_name": source.file_name,
            "sha256": source.sha256,
            "database": source.database,
            "method": str(source.method),
            "platform": source.platform,
            "query": source.query,
            "searched_on": source.searched_on,
            "format": source.format,
            "encoding": source.encoding,
            "records": source.record_count,
            "skipped": source.skipped_count,
            "record_positions": members.get(source.sha256, []),  # [record id, position]
        }  # fmt: skip
        for source in project.store.sources()
    ]


def audit_rows(project: Project) -> Iterator[tuple[Any, ...]]:
    """Every event after the header, ordered by time (then kind, then id), as
    ``(json_text, csv_line)``: its JSONL line and its audit CSV line, without line ends
    (text cells safe for spreadsheets). Source events are merged by the same key into
    the other events, which come sorted from SQLite (see :mod:`screener.store_audit`)."""
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    sources = [
        (e["time"], rank["source"], e["id"], compact(e), _csv_line(audit_csv_row(e)))
        for e in source_events(project)
    ]
    stored = project.store.audit_event_rows(_TABLES, rank)
    for item in heapq.merge(sorted(sources, key=_by_time), stored, key=_by_time):
        yield item[3:]


def _csv_line(cells: list[Any]) -> str:
    """One CSV line without its line end, as csv.writer writes it, cells made safe."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


def _by_time(item: tuple[Any, ...]) -> tuple[Any, ...]:
    return item[:3]


def audit_events(project: Project) -> list[dict[str, Any]]:
    """The header, then every event ordered by time, as dicts (for tests and scripts)."""
    return [audit_header(project), *(json.loads(row[0]) for row in audit_rows(project))]


def compact(event: dict[str, Any]) -> str:
    """An event as one line of the JSONL."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


AUDIT_CSV_COLUMNS = ("kind", "time", "uid", "id", "record_id", "record_sha256",
                     "record_position", "other_record_id", "other_record_sha256",
                     "other_record_position", "reviewer", "stage", "verdict", "status",
                     "reasons", "tags", "note", "details")  # fmt: skip
_IN_COLUMNS = {"kind", "time", "uid", "id", "record", "other_record", "reviewer", "resolver",
               "stage", "verdict", "status", "reasons", "tags", "note"}  # fmt: skip


def audit_csv_row(event: dict[str, Any]) -> list[str | int | float | None]:
    """One event as a CSV row; what has no column of its own goes into ``details`` (JSON).
    A source's list of record positions is summarised there (it is in the JSONL in full)."""
    record = event.get("record") or {}
    other = event.get("other_record") or {}
    details = {k: v for k, v in event.items() if k not in _IN_COLUMNS}
    if "record_positions" in details:
        positions = details.pop("record_positions")
        ids = [record_id for record_id, _ in positions]
        details["record_ids"] = f"{min(ids)}-{max(ids)}" if ids else ""
    reasons = event.get("reasons")
    tags = event.get("tags")
    return [
        event["kind"], event["time"], event.get("uid", ""), event.get("id"),
        record.get("id"), record.get("sha256"), record.get("position"),
        other.get("id"), other.get("sha256"), other.get("position"),
        event.get("reviewer") or event.get("resolver") or "", event.get("stage", ""),
        event.get("verdict", ""), event.get("status", ""),
        "; ".join(reasons) if isinstance(reasons, list) else "",
        json.dumps(tags, ensure_ascii=False, sort_keys=True) if tags else "",
        event.get("note", ""),
        json.dumps(details, ensure_ascii=False, sort_keys=True) if details else "",
    ]  # fmt: skip
