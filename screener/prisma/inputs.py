"""A project's PRISMA 2020 counts: the store's state read once and handed to prisma.py."""

from __future__ import annotations

from screener.dedup.links import cluster, pair_states
from screener.models import Stage
from screener.prisma.counts import PrismaCounts, PrismaInputs, SourceFigures, prisma_counts
from screener.project import Project
from screener.screening.studies import needed_reviews


def project_prisma(project: Project) -> PrismaCounts:
    """The PRISMA 2020 counts of ``project`` as it stands (what `status`, the dashboard and
    every prisma-* export show)."""
    return prisma_counts(prisma_inputs(project))


def prisma_inputs(project: Project) -> PrismaInputs:
    """Read what :func:`screener.prisma.counts.prisma_counts` needs from the project."""
    store = project.store
    sources = store.records.sources()
    record_sources = store.records.source_ids()
    study_of = store.links.study_map()
    report_of = study_of
    if project.protocol.merge_preprints:
        # Studies join preprints to their journal versions; reports are joined by `same`
        # links only, so that each version is a report of its own.
        report_of = cluster(
            record_sources, pair_states(store.links.events()), merge_preprints=False
        ).study_of
    # The light read at title/abstract: reading every decision whole costs seconds at
    # 100,000 records, and the counts need no reasons, tags or notes there.
    title_abstract = store.events.verdicts(Stage.TITLE_ABSTRACT)
    # Full text: the exclusion reasons count, the tags and notes do not.
    full_text = store.events.outcomes(Stage.FULL_TEXT)
    resolutions = store.events.resolutions()
    decided = {event[0] for event in title_abstract} | {d.record_id for d in full_text}
    decided |= {r.record_id for r in resolutions}
    touched = sorted({study_of.get(record_id, record_id) for record_id in decided})
    return PrismaInputs(
        sources=[
            SourceFigures(s.id, s.database, s.method, s.record_count, s.skipped_count)
            for s in sources
        ],
        record_sources=record_sources,
        study_of=study_of,
        report_of=report_of,
        title_abstract=title_abstract,
        full_text=full_text,
        resolutions=resolutions,
        retrievals=store.events.retrievals(),
        reviews_needed=needed_reviews(project, touched),
        full_text_reasons={
            r.code: r.label for r in project.protocol.stages[Stage.FULL_TEXT].reasons
        },
    )
