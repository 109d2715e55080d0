"""The ASReview LAB dataset: one CSV row per study with its title/abstract label."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from screener.exports.csv_safe import Cell, csv_cell, csv_line, csv_value
from screener.exports.files import check_target, text_file
from screener.exports.kinds import ExportKind, Options, Progress, Written, count_text
from screener.exports.references import CHUNK
from screener.exports.study_outcomes import title_abstract_statuses
from screener.project import Project
from screener.screening.state import StudyStatus

Label = int | None

# ASReview reads title, abstract, authors, keywords, doi and url by these names and a label
# from label_included (1 relevant, 0 irrelevant, empty: not labelled yet; its readers
# turn an empty cell into "unlabelled"). record_id is its own id column: ours are unique
# integers, which every ASReview version accepts. Other columns (year) it keeps and shows.
ASREVIEW_COLUMNS = (
    "record_id",
    "title",
    "abstract",
    "authors",
    "keywords",
    "year",
    "doi",
    "url",
    "label_included",
)


def asreview_label(status: StudyStatus) -> Label:
    """From a study's status at title/abstract (whatever happened at full text): 1
    included, 0 excluded, None while undecided (unscreened, awaiting a reviewer, in
    conflict)."""
    if status is StudyStatus.INCLUDED:
        return 1
    if status is StudyStatus.EXCLUDED:
        return 0
    return None


def study_labels(project: Project) -> dict[int, Label]:
    """Every study's label, by study id."""
    statuses = title_abstract_statuses(project)
    return {study: asreview_label(status) for study, status in statuses.items()}


def asreview_rows(project: Project) -> Iterator[tuple[Cell, ...]]:
    """One row per study in import order: its own record's fields, gaps (abstract,
    authors, keywords, year, DOI, URL) filled from its duplicates, and its label."""
    labels = study_labels(project)
    for row in _study_rows(project):
        yield (*row, labels.get(int(row[0] or 0)))


def _study_rows(project: Project) -> Iterator[tuple[Cell, ...]]:
    """asreview_rows without the labels."""
    records = project.store.records
    members: dict[int, list[int]] = {}
    for record, study in sorted(project.store.links.study_map().items()):
        members.setdefault(study, []).append(record)
    duplicates = {
        row[0]: row for row in records.dataset_rows(r for m in members.values() for r in m)
    }
    for row in records.dataset_rows():
        study = row[0]
        if study in members and any(value in ("", None) for value in row[2:]):
            row = _filled(row, [duplicates[r] for r in members[study] if r in duplicates])
        yield row


def _filled(row: tuple[Cell, ...], others: list[tuple[Cell, ...]]) -> tuple[Cell, ...]:
    cells = list(row)
    for i in range(2, len(cells)):  # not the id or the title: the study's own title stands
        if cells[i] in ("", None):
            cells[i] = next((o[i] for o in others if o[i] not in ("", None)), cells[i])
    return tuple(cells)


def _line(row: tuple[Cell, ...], label: Label) -> str:
    """csv_line of a _study_rows row and its label, unrolled: 900,000 cells at 100,000
    studies."""
    study, title, abstract, authors, keywords, year, doi, url = row
    return (
        f"{study},{csv_cell(title)},{csv_cell(abstract)},{csv_cell(authors)},{csv_cell(keywords)},"
        f"{csv_value(year)},{csv_cell(doi)},{csv_cell(url)},{csv_value(label)}\r\n"
    )


def write_asreview(project: Project, target: Path, progress: Progress | None = None) -> int:
    """Write every study to ``target`` as an ASReview CSV (UTF-8); returns how many."""
    check_target(target, "CSV")  # before the work, not after it
    labels = study_labels(project)
    total = len(labels)
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for row in _study_rows(project):
            yield _line(row, labels.get(int(row[0] or 0)))
            count += 1
            if progress and count % CHUNK == 0:
                progress(count, total)

    with text_file(target, "CSV") as handle:
        handle.writelines(itertools.chain([csv_line(ASREVIEW_COLUMNS)], lines()))
    if progress:
        progress(count, max(total, count))
    return count


def _write(
    project: Project, target: Path, options: Options, progress: Progress | None = None
) -> Written:
    count = write_asreview(project, target, progress)
    return Written((target,), count_text(count, "study", "studies"))


KINDS = (
    ExportKind(
        "asreview",
        "Every study with its title/abstract label: a CSV dataset for ASReview",
        "asreview.csv",
        _write,
        "Columns record_id, title, abstract, authors, keywords, year, doi, url and "
        "label_included: 1 included at title/abstract, 0 excluded there, empty while "
        "undecided (ASReview treats those as unlabelled). Open it in ASReview as a dataset "
        "with prior knowledge.",
    ),
)
