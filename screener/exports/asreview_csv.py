"""The ASReview LAB dataset: one CSV row per study with its title/abstract label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from screener.exports.csv_safe import Cell, csv_cell, csv_line, csv_value
from screener.exports.references import CHUNK, Progress, write_lines
from screener.exports.registry import ExportKind
from screener.exports.study_outcomes import title_abstract_statuses
from screener.project import Project
from screener.screening import StudyStatus

# ASReview reads title, abstract, authors, keywords, doi and url by these names and a label
# from label_included (1 relevant, 0 irrelevant, empty: not labelled yet; its readers
# turn an empty cell into "unlabelled"). record_id is its own id column: ours are unique
# integers, which every ASReview version accepts. Other columns (year) it keeps and shows.
ASREVIEW_COLUMNS = ("record_id", "title", "abstract", "authors", "keywords", "year", "doi",
                    "url", "label_included")  # fmt: skip


def asreview_label(status: StudyStatus) -> int | None:
    """From a study's status at title/abstract (whatever happened at full text): 1
    included, 0 excluded, None while undecided (unscreened, awaiting a reviewer, in
    conflict)."""
    if status is StudyStatus.INCLUDED:
        return 1
    if status is StudyStatus.EXCLUDED:
        return 0
    return None


def asreview_rows(project: Project) -> Iterator[tuple[Cell, ...]]:
    """One row per study in import order: its own record's fields, gaps (abstract,
    authors, keywords, year, DOI, URL) filled from its duplicates, and its label."""
    statuses = title_abstract_statuses(project)
    store = project.store
    members: dict[int, list[int]] = {}
    for record, study in sorted(store.study_map().items()):
        members.setdefault(study, []).append(record)
    duplicates = {row[0]: row for row in store.dataset_rows(r for m in members.values() for r in m)}
    for row in store.dataset_rows():
        study = row[0]
        if study in members and any(value in ("", None) for value in row[2:]):
            row = _filled(row, [duplicates[r] for r in members[study] if r in duplicates])
        yield (*row, asreview_label(statuses[study]))


def _filled(row: tuple[Cell, ...], others: list[tuple[Cell, ...]]) -> tuple[Cell, ...]:
    cells = list(row)
    for i in range(2, len(cells)):  # not the id or the title: the study's own title stands
        if cells[i] in ("", None):
            cells[i] = next((o[i] for o in others if o[i] not in ("", None)), cells[i])
    return tuple(cells)


def _dataset_line(row: tuple[Cell, ...]) -> str:
    """csv_line for an asreview_rows row, unrolled: 900,000 cells at 100,000 studies."""
    study, title, abstract, authors, keywords, year, doi, url, label = row
    return (
        f"{study},{csv_cell(title)},{csv_cell(abstract)},{csv_cell(authors)},{csv_cell(keywords)},"
        f"{csv_value(year)},{csv_cell(doi)},{csv_cell(url)},{csv_value(label)}\r\n"
    )


def write_asreview(project: Project, target: Path, progress: Progress | None = None) -> int:
    """Write every study to ``target`` as an ASReview CSV (UTF-8); returns how many."""
    count = 0
    total = len(project.store.study_ids()) if progress else 0

    def lines() -> Iterator[str]:
        nonlocal count
        yield csv_line(ASREVIEW_COLUMNS)
        for row in asreview_rows(project):
            count += 1
            if progress and count % CHUNK == 0:
                progress(count, total)
            yield _dataset_line(row)
        if progress:
            progress(count, total)

    write_lines(target, lines(), "CSV")
    return count


def _write(project: Project, target: Path) -> list[Path]:
    write_asreview(project, target)
    return [target]


KINDS = (
    ExportKind(
        "asreview",
        "Every study with its title/abstract label: a CSV dataset for ASReview",
        "asreview.csv",
        _write,
    ),
)
