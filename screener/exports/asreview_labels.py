"""The ASReview dataset's labels: every study's label from its status at title/abstract,
and the labels as the export's second process hands them over (see asreview_csv)."""

from __future__ import annotations

import json

from screener.exports.study_outcomes import title_abstract_statuses
from screener.project import Project
from screener.screening.state import StudyStatus

Label = int | None


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
    return {
        study: asreview_label(status) for study, status in title_abstract_statuses(project).items()
    }


def labels_text(labels: dict[int, Label]) -> str:
    """The labels as the second process hands them over: the labelled studies' ids."""
    return json.dumps({str(label): [s for s, mine in labels.items() if mine == label]
                       for label in (0, 1)})  # fmt: skip


def labels_read(text: bytes | str) -> dict[int, Label]:
    """:func:`labels_text` read back (a study not in it has no label)."""
    return {study: int(label) for label, ids in json.loads(text).items() for study in ids}
