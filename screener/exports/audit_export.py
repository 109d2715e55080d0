"""The audit log written out: a CSV to read (one row per event) and a JSONL to replay."""

from __future__ import annotations

import os
from pathlib import Path

from screener.audit import AUDIT_CSV_COLUMNS, audit_header, audit_rows, compact
from screener.errors import ScreenerError
from screener.exports.registry import ExportKind
from screener.project import Project


def write_audit(project: Project, target: Path) -> list[Path]:
    """The CSV at ``target`` and the JSONL beside it (same name, .jsonl); given a .jsonl
    target, the CSV goes beside it instead. Both are written in one pass over the events
    (UTF-8; the JSONL one object per line, header first; the CSV without the header event,
    whose settings are in the JSONL); existing files are replaced only once both are
    complete."""
    csv_path = target.with_suffix(".csv") if target.suffix == ".jsonl" else target
    jsonl = csv_path.with_suffix(".jsonl")
    for path in (csv_path, jsonl):
        if path.is_dir():
            raise ScreenerError(f"{path}: is a folder; give a file name for the audit log")
    partials = [path.with_name(path.name + ".partial") for path in (csv_path, jsonl)]
    try:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        with (
            partials[0].open("w", encoding="utf-8", newline="") as table,
            partials[1].open("w", encoding="utf-8", newline="\n") as lines,
        ):
            table.write(",".join(AUDIT_CSV_COLUMNS) + "\r\n")
            lines.write(compact(audit_header(project)) + "\n")
            for line, row in audit_rows(project):
                lines.write(line)
                lines.write("\n")
                table.write(row)
                table.write("\r\n")
        for partial, path in zip(partials, (csv_path, jsonl), strict=True):
            os.replace(partial, path)
    except OSError as exc:
        for partial in partials:
            partial.unlink(missing_ok=True)
        raise ScreenerError(
            f"{exc.filename or target}: cannot write: {exc.strerror or exc}"
        ) from None
    return [csv_path, jsonl]


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "audit",
        "Full event log: CSV to read, JSONL to replay into the PRISMA counts",
        "audit.csv",
        write_audit,
    ),
)
