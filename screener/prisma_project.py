"""A project's PRISMA 2020 counts: the store's state read once and handed to prisma.py."""

from __future__ import annotations

from datetime import UTC, datetime

from screener.links import cluster, pair_states
from screener.models import Decision, Stage, Verdict
from screener.prisma import PrismaCounts, PrismaInputs, SourceFigures, prisma_counts
from screener.project import Project
from screener.review import needed_reviews


def project_prisma(project: Project) -> PrismaCounts:
    """The PRISMA 2020 counts of ``project`` as it stands (what `status`, the dashboard and
    every prisma-* export show)."""
    return prisma_counts(prisma_inputs(project))


def prisma_inputs(project: Project) -> PrismaInputs:
    """Read what :func:`screener.prisma.prisma_counts` needs from the project."""
    store = project.store
    sources = store.sources()
    source_of_file = {s.sha256: s.id for s in sources}
    # (sha256, position) per record: the light read that also gives each record's source.
    record_sources = {
        record_id: source_of_file[sha] for record_id, (sha, _) in store.record_keys().items()
    }
    study_of = store.study_map()
    report_of = study_of
    if project.protocol.merge_preprints:
        # Studies join preprints to their journal versions; reports are joined by `same`
        # links only, so that each version is a report of its own.
        report_of = cluster(
            record_sources, pair_states(store.dedup_events()), merge_related=False
        ).study_of
    decisions = [*_title_abstract_verdicts(project), *store.decisions(stage=Stage.FULL_TEXT)]
    resolutions = store.resolutions()
    decided = {d.record_id for d in decisions} | {r.record_id for r in resolutions}
    touched = sorted({study_of.get(record_id, record_id) for record_id in decided})
    return PrismaInputs(
        sources=[
            SourceFigures(s.id, s.database, s.method, s.record_count, s.skipped_count)
            for s in sources
        ],
        record_sources=record_sources,
        study_of=study_of,
        report_of=report_of,
        decisions=decisions,
        resolutions=resolutions,
        retrievals=store.retrievals(),
        reviews_needed=needed_reviews(project, touched),
        full_text_reasons={
            r.code: r.label for r in project.protocol.stages[Stage.FULL_TEXT].reasons
        },
    )


_VERDICTS = {str(v): v for v in Verdict}
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _title_abstract_verdicts(project: Project) -> list[Decision]:
    """Title/abstract decisions from the light read of (record, reviewer, verdict) in event
    order: the counts need no reasons, tags or notes there, and reading them all costs
    seconds at 100,000 records. Each event's id keeps its place in that order."""
    rows = project.store.decision_verdicts(Stage.TITLE_ABSTRACT)
    stage = Stage.TITLE_ABSTRACT
    return [
        Decision(index, record_id, stage, reviewer, _VERDICTS[verdict], (), {}, "", _EARLIEST)
        for index, (record_id, reviewer, verdict) in enumerate(rows)
    ]
