"""The dedup map: which study each record belongs to and how it was linked, as CSV."""

from __future__ import annotations

from pathlib import Path

from screener.dedup.service import DEDUP_MAP_COLUMNS, dedup_map_rows
from screener.exports.csv_safe import write_csv
from screener.exports.files import check_target
from screener.exports.kinds import ExportKind, Options, Progress, Written, count_text
from screener.project import Project


def write_dedup_map(
    project: Project, target: Path, options: Options, progress: Progress | None = None
) -> Written:
    """One row per record in import order (see screener.dedup.service.DEDUP_MAP_COLUMNS)."""
    check_target(target, "dedup map")  # before the work, not after it
    rows = dedup_map_rows(project)
    count = write_csv(target, DEDUP_MAP_COLUMNS, (row.values() for row in rows), "dedup map")
    return Written((target,), count_text(count, "record", "records"))


KINDS = (
    ExportKind(
        "dedup-map",
        "Which study each record belongs to, and how it was linked (CSV)",
        "dedup-map.csv",
        write_dedup_map,
        "One row per record in import order with its source file, its own id in that file, "
        "its record and study ids, and how it was linked (exact_id, rule, reviewer; "
        "';'-separated).",
    ),
)
