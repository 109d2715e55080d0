"""A project's status: sources, record counts, studies and screening progress, for JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

from screener.dedup.service import dedup_summary
from screener.models import Source, Stage
from screener.prisma.inputs import project_prisma
from screener.project import Project
from screener.screening.state import current_decisions


def project_status(project: Project) -> dict[str, Any]:
    """The figures `screener status` prints; the keys are documented in the README."""
    store = project.store
    sources = [source_summary(s) for s in store.records.sources()]
    current = current_decisions(store.events.decisions())
    stages: dict[str, Any] = {}
    for stage in Stage:
        mine = [d for (_, s, _), d in current.items() if s is stage]
        per_reviewer = Counter(d.reviewer for d in mine)
        verdicts = Counter(str(d.verdict) for d in mine)
        stages[str(stage)] = {
            "records_with_decisions": len({d.record_id for d in mine}),
            "decisions_by_reviewer": dict(sorted(per_reviewer.items())),
            "decisions_by_verdict": dict(sorted(verdicts.items())),
        }
    dedup = dedup_summary(project).as_dict()
    return {
        "project": str(project.path),
        "title": project.protocol.title,
        "schema_version": store.schema_version,
        "records": store.records.count(),
        "skipped_records": sum(s["skipped"] for s in sources),
        "sources": sources,
        "studies": dedup["studies"],
        "duplicates_removed": dedup["duplicates_removed"],
        "related_links": dedup["related_links"],
        "pairs_awaiting_review": dedup["pairs_awaiting_review"],
        "records_not_compared": dedup["records_not_compared"],
        "studies_outdated": dedup["studies_outdated"],
        "stages": stages,
        # The PRISMA 2020 counts, the same as every prisma-* export (keys in the README).
        "prisma": project_prisma(project).as_dict(),
    }


def source_summary(source: Source) -> dict[str, Any]:
    """One source as the JSON object `status` and `sources` print."""
    return {
        "id": source.id,
        "file": source.file_name,
        "database": source.database,
        "method": str(source.method),
        "platform": source.platform,
        "query": source.query,
        "searched_on": source.searched_on,
        "format": source.format,
        "encoding": source.encoding,
        "records": source.record_count,
        "skipped": source.skipped_count,
        "sha256": source.sha256,
        "imported_at": source.imported_at.isoformat(),
    }
