"""The audit log written out: a CSV to read (one row per event) and a JSONL to replay.

Imports, dedup runs and links, decisions, resolutions, tag resolutions, retrievals,
vocabulary terms and extractions, oldest first. An event refers to a record by its id in
this project; each ``source`` event lists the ids of its records with their positions in
its file, which with the file's sha256 are the records' stable keys (ids differ between
copies of a project).
The first JSONL line, ``audit``, carries the protocol settings the PRISMA counts depend on,
so that :mod:`screener.prisma.replay` can rebuild the counts from the log alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screener import __version__
from screener.exports.csv_safe import csv_cell, csv_line
from screener.exports.files import check_target, replacing
from screener.exports.kinds import ExportKind, Options, Progress, Written
from screener.models import Stage
from screener.project import Project
from screener.store.audit import AUDIT_CSV_COLUMNS, AUDIT_FORMAT, AUDIT_VERSION

# Kinds in the order they are listed when two events have the same time.
KIND_ORDER = (
    "source",
    "dedup_run",
    "link",
    "decision",
    "resolution",
    "tag_resolution",
    "retrieval",
    "vocabulary_term",
    "extraction",
)
_TABLES = {
    "source": "sources",
    "dedup_run": "dedup_runs",
    "link": "dedup_events",
    "decision": "decisions",
    "resolution": "resolutions",
    "tag_resolution": "tag_resolutions",
    "retrieval": "retrievals",
    "vocabulary_term": "vocabulary_terms",
    "extraction": "extractions",
}


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
    """What the store needs to write the JSONL ("json") and the CSV ("csv") of the same
    events: every event stored up to now."""
    common = {
        "tables": _TABLES,
        "ranks": {kind: i for i, kind in enumerate(KIND_ORDER)},
        "bounds": project.store.audit.bounds(_TABLES),
    }
    return {
        "json": {**common, "part": "json", "head": compact(audit_header(project)) + "\n"},
        "csv": {**common, "part": "csv", "head": csv_line(AUDIT_CSV_COLUMNS)},
    }


def compact(event: dict[str, Any]) -> str:
    """An event as one line of the JSONL."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def write_audit(project: Project, target: Path) -> list[Path]:
    """The CSV at ``target`` and the JSONL beside it (same name, .jsonl); given a .jsonl
    target, the CSV goes beside it instead. UTF-8; the JSONL one object per line, header
    first; the CSV without the header event, whose settings are in the JSONL. Both hold the
    events up to the ids read first, so a decision saved meanwhile is in neither. Existing
    files are replaced only once both are complete."""
    csv_path = target.with_suffix(".csv") if target.suffix == ".jsonl" else target
    jsonl = csv_path.with_suffix(".jsonl")
    for path in (csv_path, jsonl):
        check_target(path, "audit log")  # before the work, not after it
    jobs = audit_jobs(project)
    with replacing(csv_path, jsonl, what="audit log") as (csv_partial, jsonl_partial):
        project.store.audit.write_file(str(jsonl_partial), jobs["json"], csv_cell)
        project.store.audit.write_file(str(csv_partial), jobs["csv"], csv_cell)
    return [csv_path, jsonl]


def _write(
    project: Project, target: Path, options: Options, progress: Progress | None = None
) -> Written:
    return Written(tuple(write_audit(project, target)))


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "audit",
        "Full event log: CSV to read, JSONL to replay into the PRISMA counts",
        "audit.csv",
        _write,
        "The full event log, oldest first: imports, dedup runs and links, decisions, "
        "resolutions, retrievals, vocabulary terms and extractions. The CSV has one row per "
        "event; the JSONL beside it (audit.jsonl, or the CSV's name with .jsonl) has every "
        "field, for `screener prisma replay`.",
    ),
)
