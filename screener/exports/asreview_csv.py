"""The ASReview LAB dataset: one CSV row per study with its title/abstract label."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from screener.exports.csv_safe import Cell, write_csv
from screener.exports.registry import ExportKind
from screener.exports.study_outcomes import study_citations, study_outcomes
from screener.models import Stage
from screener.project import Project
from screener.screening import StudyStatus

# ASReview reads title, abstract, authors, keywords, doi and url by these names and a label
# from label_included (1 relevant, 0 irrelevant, empty: not labelled yet; its readers
# turn an empty cell into "unlabelled"). record_id is its own id column: ours are unique
# integers, which every ASReview version accepts. Other columns (year) it keeps and shows.
ASREVIEW_COLUMNS = ("record_id", "title", "abstract", "authors", "keywords", "year", "doi",
                    "url", "label_included")  # fmt: skip


def asreview_label(stage: Stage, status: StudyStatus) -> int | None:
    """1 for a study included at title/abstract (whatever happened at full text), 0 for one
    excluded there, None while undecided (unscreened, awaiting a reviewer, in conflict)."""
    if stage is Stage.FULL_TEXT or status is StudyStatus.INCLUDED:
        return 1
    if status is StudyStatus.EXCLUDED:
        return 0
    return None


def asreview_rows(project: Project) -> Iterator[tuple[Cell, ...]]:
    outcomes = study_outcomes(project)
    citations = study_citations(project, outcomes)
    for study, r in citations.items():
        outcome = outcomes[study]
        yield (
            study,
            r.title,
            r.abstract,
            "; ".join(r.authors),
            "; ".join(r.keywords),
            r.year,
            r.doi,
            r.url,
            asreview_label(outcome.stage, outcome.status),
        )


def write_asreview(project: Project, target: Path) -> int:
    """Write every study to ``target`` as an ASReview CSV; returns how many."""
    return write_csv(target, ASREVIEW_COLUMNS, asreview_rows(project))


def _write(project: Project, target: Path) -> list[Path]:
    write_asreview(project, target)
    return [target]


KINDS = (
    ExportKind(
        "asreview",
        "Every study with its title/abstract label, a CSV dataset for ASReview LAB",
        "asreview.csv",
        _write,
    ),
)
