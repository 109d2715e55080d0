"""Finding and listing studies: full-text search with its index kept up to date, and
one-line summaries of studies for lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from screener.models import RecordSummary
from screener.project import Project


def update_search_index(
    project: Project, progress: Callable[[int, int], None] | None = None
) -> int:
    """Take the records imported since the last update into the search index, a chunk per
    transaction; ``progress(done, total)`` follows each chunk. Returns how many were added."""
    search = project.store.search
    total = search.missing()
    done = 0

    def chunk_done(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    return search.refresh(chunk_done)


def find_studies(project: Project, query: str, limit: int = 200) -> list[int]:
    """The studies whose records contain every word of ``query`` (the last word as a prefix,
    "quoted phrases" kept) in title, abstract, authors, journal or year: best match first,
    each study once. Reads the index as it stands (see :func:`update_search_index`); at most
    ``limit`` matching records are looked at."""
    record_ids = project.store.search.find(query, limit)
    study_of = project.store.links.study_map()
    return list(dict.fromkeys(study_of.get(record_id, record_id) for record_id in record_ids))


def study_summaries(project: Project, study_ids: Iterable[int]) -> dict[int, RecordSummary]:
    """Title, first author, year and journal of each study (its own record's), for lists;
    unknown ids are left out."""
    return project.store.records.summaries(study_ids)
