"""A project's full event log for auditors: imports, dedup runs and links, decisions,
resolutions, retrievals, vocabulary terms and extractions, oldest first.

Every event is a JSON-ready dict. An event refers to a record by its id in this project;
each ``source`` event lists the ids of its records with their positions in its file, which
with the file's sha256 are the records' stable keys (ids differ between copies of a
project; the key does not). The first event, ``audit``, carries the
protocol settings the PRISMA counts depend on, so that :mod:`screener.prisma.replay` can
rebuild the counts from the log alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from screener import __version__
from screener.exports.csv_safe import csv_line
from screener.models import Stage
from screener.project import Project
from screener.store.audit import AUDIT_CSV_COLUMNS

AUDIT_FORMAT = "screener-audit"
AUDIT_VERSION = 2  # 2: events refer to records by id; the keys are in the source events
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


def audit_jobs(project: Project) -> dict[str, dict[str, Any]]:
    """What :func:`screener.store.audit.audit_lines` needs to write the JSONL ("json") and
    the CSV ("csv") of the same events: every event stored up to now."""
    tables = {"source": "sources", **_TABLES}
    common = {"tables": tables, "ranks": {kind: i for i, kind in enumerate(KIND_ORDER)},
              "bounds": project.store.audit_bounds(tables)}  # fmt: skip
    return {
        "json": {**common, "part": "json", "head": compact(audit_header(project)) + "\n"},
        "csv": {**common, "part": "csv", "head": csv_line(AUDIT_CSV_COLUMNS)},
    }


def audit_events(project: Project) -> list[dict[str, Any]]:
    """The header, then every event ordered by time, as dicts (for tests and scripts)."""
    text = "".join(project.store.audit_lines(audit_jobs(project)["json"]))
    return [json.loads(line) for line in text.split("\n") if line]


def compact(event: dict[str, Any]) -> str:
    """An event as one line of the JSONL."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))
