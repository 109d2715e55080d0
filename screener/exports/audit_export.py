"""The audit log written out: a CSV to read (one row per event) and a JSONL to replay.

The two files hold the same events, so they are written at the same time: the CSV by a
second Python process (``python -m screener.store.audit``, reading the database read-only)
while this one writes the JSONL. Both take the events up to the ids this process read
first, so a decision saved meanwhile is in neither. Where no second process can be
started, this one writes the CSV after the JSONL.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from screener.exports.audit_log import audit_jobs
from screener.errors import ScreenerError
from screener.exports import second_process
from screener.exports.registry import ExportKind
from screener.project import Project


def write_audit(project: Project, target: Path) -> list[Path]:
    """The CSV at ``target`` and the JSONL beside it (same name, .jsonl); given a .jsonl
    target, the CSV goes beside it instead. UTF-8; the JSONL one object per line, header
    first; the CSV without the header event, whose settings are in the JSONL. Existing
    files are replaced only once both are complete."""
    csv_path = target.with_suffix(".csv") if target.suffix == ".jsonl" else target
    jsonl = csv_path.with_suffix(".jsonl")
    for path in (csv_path, jsonl):
        if path.is_dir():
            raise ScreenerError(f"{path}: is a folder; give a file name for the audit log")
    partials = [path.with_name(path.name + ".partial") for path in (csv_path, jsonl)]
    jobs = audit_jobs(project)
    jobs["csv"].update(path=str(partials[0]), database=project.store.path)
    jobs["json"].update(path=str(partials[1]))
    child: subprocess.Popen[bytes] | None = None
    try:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        child = second_process.start("screener.store.audit", jobs["csv"])
        project.store.write_audit_file(jobs["json"])
        if child is None:
            project.store.write_audit_file(jobs["csv"])
        else:
            second_process.finish(child, "the audit CSV could not be written")
            child = None
        for partial, path in zip(partials, (csv_path, jsonl), strict=True):
            os.replace(partial, path)
    except OSError as exc:
        raise ScreenerError(
            f"{exc.filename or target}: cannot write: {exc.strerror or exc}"
        ) from None
    finally:
        second_process.stop(child)  # when this process failed first: its file is not wanted
        for partial in partials:
            if partial.exists():
                partial.unlink()
    return [csv_path, jsonl]


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "audit",
        "Full event log: CSV to read, JSONL to replay into the PRISMA counts",
        "audit.csv",
        write_audit,
    ),
)
