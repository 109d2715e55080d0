"""The audit log written out: a CSV to read (one row per event) and a JSONL to replay."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from screener.audit import AUDIT_CSV_COLUMNS, audit_csv_row, audit_events
from screener.errors import ScreenerError
from screener.exports.csv_safe import write_csv
from screener.exports.registry import ExportKind
from screener.project import Project


def write_audit_jsonl(events: list[dict[str, Any]], target: Path) -> int:
    """Write the events (header first) as one JSON object per line (UTF-8, LF); returns
    how many lines."""
    if target.is_dir():
        raise ScreenerError(f"{target}: is a folder; give a file name for the JSONL")
    partial = target.with_name(target.name + ".partial")
    count = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            for event in events:
                handle.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
                count += 1
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ScreenerError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return count


def write_audit_csv(events: list[dict[str, Any]], target: Path) -> int:
    """Write the events as CSV rows, the header event left out (its settings are in the
    JSONL); returns how many rows."""
    return write_csv(target, AUDIT_CSV_COLUMNS, (audit_csv_row(e) for e in events[1:]))


def write_audit(project: Project, target: Path) -> list[Path]:
    """The CSV at ``target`` and the JSONL beside it (same name, .jsonl); given a .jsonl
    target, the CSV goes beside it instead."""
    csv_path = target.with_suffix(".csv") if target.suffix == ".jsonl" else target
    jsonl = csv_path.with_suffix(".jsonl")
    events = audit_events(project)
    write_audit_csv(events, csv_path)
    write_audit_jsonl(events, jsonl)
    return [csv_path, jsonl]


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "audit",
        "Full event log: CSV to read, JSONL to replay into the PRISMA counts",
        "audit.csv",
        write_audit,
    ),
)
