"""The ASReview LAB dataset: one CSV row per study with its title/abstract label."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from screener.exports import second_process
from screener.exports.asreview_labels import labels_read, study_labels
from screener.exports.csv_safe import Cell, csv_cell, csv_line, csv_value
from screener.exports.references import CHUNK, Progress, check_target, write_lines
from screener.exports.registry import ExportKind
from screener.project import Project

# ASReview reads title, abstract, authors, keywords, doi and url by these names and a label
# from label_included (1 relevant, 0 irrelevant, empty: not labelled yet; its readers
# turn an empty cell into "unlabelled"). record_id is its own id column: ours are unique
# integers, which every ASReview version accepts. Other columns (year) it keeps and shows.
ASREVIEW_COLUMNS = ("record_id", "title", "abstract", "authors", "keywords", "year", "doi",
                    "url", "label_included")  # fmt: skip


def asreview_rows(project: Project) -> Iterator[tuple[Cell, ...]]:
    """One row per study in import order: its own record's fields, gaps (abstract,
    authors, keywords, year, DOI, URL) filled from its duplicates, and its label."""
    labels = study_labels(project)
    for row in _study_rows(project):
        yield (*row, labels.get(int(row[0] or 0)))


def _study_rows(project: Project) -> Iterator[tuple[Cell, ...]]:
    """asreview_rows without the labels."""
    store = project.store
    members: dict[int, list[int]] = {}
    for record, study in sorted(store.study_map().items()):
        members.setdefault(study, []).append(record)
    duplicates = {row[0]: row for row in store.dataset_rows(r for m in members.values() for r in m)}
    for row in store.dataset_rows():
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


def _line_start(row: tuple[Cell, ...]) -> str:
    """csv_line of a _study_rows row up to its label, unrolled: 800,000 cells at 100,000
    studies."""
    study, title, abstract, authors, keywords, year, doi, url = row
    return (
        f"{study},{csv_cell(title)},{csv_cell(abstract)},{csv_cell(authors)},{csv_cell(keywords)},"
        f"{csv_value(year)},{csv_cell(doi)},{csv_cell(url)},"
    )


def write_asreview(project: Project, target: Path, progress: Progress | None = None) -> int:
    """Write every study to ``target`` as an ASReview CSV (UTF-8); returns how many. The
    labels are worked out by a second process while this one reads the studies (by this
    one where no second process can be started); both read the project as it stands, so
    a decision saved in between may or may not be in the labels, as it would be a moment
    earlier or later."""
    check_target(target, "CSV")  # before a second of work, not after it
    total = len(project.store.study_ids()) if progress else 0
    child = second_process.start(
        "screener.exports.asreview_labels", {"project": str(project.path.resolve())}
    )
    try:
        starts: list[tuple[int, str]] = []  # (study, its line up to the label)
        for row in _study_rows(project):
            starts.append((int(row[0] or 0), _line_start(row)))
            if progress and len(starts) % CHUNK == 0:
                progress(len(starts), total)
        if child is None:
            labels = study_labels(project)
        else:
            labels = labels_read(
                second_process.finish(child, "the ASReview labels could not be worked out")
            )
            child = None
    finally:
        second_process.stop(child)
    if progress:
        progress(len(starts), total)
    lines = (f"{start}{csv_value(labels.get(study))}\r\n" for study, start in starts)
    write_lines(target, itertools.chain([csv_line(ASREVIEW_COLUMNS)], lines), "CSV")
    return len(starts)


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
