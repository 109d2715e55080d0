"""A project at a glance: sources, records, studies, screening progress, agreement and the
PRISMA 2020 counts. One overview serves `screener status` and the TUI's dashboard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from screener.dedup.service import DedupReport, dedup_summary
from screener.models import Source, Stage
from screener.prisma.figures import PrismaCounts
from screener.prisma.inputs import project_prisma
from screener.project import Project
from screener.screening.agreement import PairAgreement, agreement_report
from screener.screening.state import current_decisions
from screener.screening.studies import progress_summary, review_state


@dataclass(frozen=True, slots=True)
class StageFigures:
    """Decisions in force at one stage, counted per record."""

    records_with_decisions: int
    decisions_by_reviewer: dict[str, int]
    decisions_by_verdict: dict[str, int]


@dataclass(frozen=True, slots=True)
class ProjectStatus:
    """What `screener status` prints and the dashboard shows."""

    project: str  # the project folder as given
    title: str
    schema_version: int
    records: int
    sources: list[Source]
    dedup: DedupReport
    stages: dict[Stage, StageFigures]
    progress: dict[str, dict[str, Any]]  # per stage: studies by status, reviewers' verdicts
    agreement: list[PairAgreement]
    prisma: PrismaCounts

    @property
    def skipped_records(self) -> int:
        return sum(s.skipped_count for s in self.sources)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object `screener status --json` prints (keys in docs/cli.md)."""
        dedup = self.dedup.as_dict()
        return {
            "project": self.project,
            "title": self.title,
            "schema_version": self.schema_version,
            "records": self.records,
            "skipped_records": self.skipped_records,
            "sources": [source_summary(s) for s in self.sources],
            "studies": dedup["studies"],
            "duplicates_removed": dedup["duplicates_removed"],
            "related_links": dedup["related_links"],
            "pairs_awaiting_review": dedup["pairs_awaiting_review"],
            "records_not_compared": dedup["records_not_compared"],
            "studies_outdated": dedup["studies_outdated"],
            "stages": {
                str(stage): {
                    "records_with_decisions": f.records_with_decisions,
                    "decisions_by_reviewer": f.decisions_by_reviewer,
                    "decisions_by_verdict": f.decisions_by_verdict,
                }
                for stage, f in self.stages.items()
            },
            # The PRISMA 2020 counts, the same as every prisma-* export.
            "prisma": self.prisma.as_dict(),
        }


def project_status(project: Project) -> ProjectStatus:
    """The project as it stands now."""
    store = project.store
    current = current_decisions(store.events.decisions())
    stages = {}
    for stage in Stage:
        mine = [d for (_, s, _), d in current.items() if s is stage]
        stages[stage] = StageFigures(
            records_with_decisions=len({d.record_id for d in mine}),
            decisions_by_reviewer=dict(sorted(Counter(d.reviewer for d in mine).items())),
            decisions_by_verdict=dict(sorted(Counter(str(d.verdict) for d in mine).items())),
        )
    state = review_state(project)
    return ProjectStatus(
        project=str(project.path),
        title=project.protocol.title,
        schema_version=store.schema_version,
        records=store.records.count(),
        sources=store.records.sources(),
        dedup=dedup_summary(project),
        stages=stages,
        progress=progress_summary(state),
        agreement=agreement_report(project, state),
        prisma=project_prisma(project),
    )


def project_sources(project: Project) -> list[Source]:
    """The imported files, one search each, in import order."""
    return project.store.records.sources()


def record_count(project: Project) -> int:
    """How many records the project holds (for sizing progress bars)."""
    return project.store.records.count()


def source_summary(source: Source) -> dict[str, Any]:
    """One source as the JSON object `status` and `sources` print."""
    return {
        "id": source.id,
        "file": source.file_name,
        "sheet": source.sheet,
        "database": source.database,
        "database_from": source.database_from,
        "method": str(source.method),
        "platform": source.platform,
        "query": source.query,
        "searched_on": source.searched_on,
        "format": source.format,
        "encoding": source.encoding,
        "records": source.record_count,
        "skipped": source.skipped_count,
        "unused_columns": list(source.unused_columns),
        "empty_fields": list(source.empty_fields),
        "sha256": source.sha256,
        "imported_at": source.imported_at.isoformat(),
    }
