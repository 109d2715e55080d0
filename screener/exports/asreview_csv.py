"""The ASReview LAB dataset: one CSV row per study with its title/abstract label.

At 100,000 records the export is two parts of about a second each: working out every
study's label (reading every title/abstract decision) and reading and formatting the
studies' text (100 MB). So a second process (``python -m screener.exports.asreview_csv
JOB``, see :mod:`screener.exports.second_process`) works out the labels, hands them over
in a file and then writes the last CHILD_SHARE of the studies' lines to a file of its own,
while this process reads and formats the first studies' text; this one then writes the
CSV: the header, its lines, the second process's lines. Both read the project as it
stands, so a decision saved during the export may or may not be in it, as it would be a
moment earlier or later. Where no second process can be started, this one does it all
(the same file; tested).
"""

from __future__ import annotations

import itertools
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from screener.errors import ScreenerError
from screener.exports import second_process
from screener.exports.asreview_labels import labels_read, labels_text, study_labels
from screener.exports.csv_safe import WRITE_BUFFER, Cell, csv_cell, csv_line, csv_value
from screener.exports.references import CHUNK, Progress, atomic_text, check_target
from screener.exports.registry import ExportKind
from screener.project import Project

MODULE = "screener.exports.asreview_csv"
FAILURE = "the ASReview labels could not be worked out"
# The share of the record ids whose studies the second process writes: it works out every
# label first (about as long as formatting 40 % of the text), so a third or less balances.
CHILD_SHARE = 0.3

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


def _study_rows(project: Project, within: range | None = None) -> Iterator[tuple[Cell, ...]]:
    """asreview_rows without the labels (of the studies with an id ``within``, if given)."""
    store = project.store
    members: dict[int, list[int]] = {}
    for record, study in sorted(store.study_map().items()):
        if within is None or study in within:
            members.setdefault(study, []).append(record)
    duplicates = {row[0]: row for row in store.dataset_rows(r for m in members.values() for r in m)}
    for row in store.dataset_rows(within=within):
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
    """Write every study to ``target`` as an ASReview CSV (UTF-8); returns how many. See
    the module docstring for the two processes."""
    check_target(target, "CSV")  # before a second of work, not after it
    try:  # the second process writes its files beside the target
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScreenerError(f"{target}: cannot write the CSV: {exc.strerror or exc}") from None
    ids = project.store.record_id_bounds()
    split = ids.start + round(len(ids) * (1 - CHILD_SHARE))
    files = {part: target.absolute().with_name(f"{target.name}.{part}.partial")
             for part in ("labels", "lines")}  # fmt: skip
    job = {"project": str(project.path.resolve()), "from": split,
           **{part: str(path) for part, path in files.items()}}  # fmt: skip
    child = second_process.start(MODULE, job)
    mine = range(ids.start, split) if child else None
    total = len(project.store.study_ids()) if progress else 0
    theirs = 0  # how many lines the second process wrote
    try:
        starts: list[tuple[int, str]] = []  # (study, its line up to the label)
        for row in _study_rows(project, mine):
            starts.append((int(row[0] or 0), _line_start(row)))
            if progress and len(starts) % CHUNK == 0:
                progress(len(starts), total)
        if child is None:
            labels = study_labels(project)
        else:
            second_process.wait_for(child, "labels", FAILURE)
            labels = labels_read(files["labels"].read_bytes())
        lines = (f"{start}{csv_value(labels.get(study))}\r\n" for study, start in starts)
        with atomic_text(target, "CSV") as handle:
            handle.writelines(itertools.chain([csv_line(ASREVIEW_COLUMNS)], lines))
            if child is not None:
                theirs = int(second_process.finish(child, FAILURE))
                child = None
                handle.flush()  # then the second process's lines, as they are (UTF-8)
                with files["lines"].open("rb") as part:
                    shutil.copyfileobj(part, handle.buffer, WRITE_BUFFER)
    finally:
        second_process.stop(child)
        for path in files.values():
            path.unlink(missing_ok=True)
    count = len(starts) + theirs
    if progress:
        progress(count, max(total, count))
    return count


def _part(project: Project, job: dict[str, Any]) -> str:
    """The second process's work: every label to ``job["labels"]`` (then the line
    "labels" on standard output), the lines of the studies from record id ``job["from"]``
    on to ``job["lines"]``; returns how many."""
    labels = study_labels(project)
    Path(job["labels"]).write_text(labels_text(labels), encoding="utf-8")
    sys.stdout.write("labels\n")
    sys.stdout.flush()
    count = 0
    with open(job["lines"], "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as out:
        for row in _study_rows(project, range(job["from"], 2**63 - 1)):
            out.write(f"{_line_start(row)}{csv_value(labels.get(int(row[0] or 0)))}\r\n")
            count += 1
    return str(count)


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


def main() -> None:
    """The second process (see the module docstring)."""
    second_process.serve(_part)


if __name__ == "__main__":
    main()
