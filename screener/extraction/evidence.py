"""What the evidence exports read: the included studies, their extracted values in force and
their screening tags, with the included studies worked out by a second process.

Working out which studies are included at full text reads the screening log (about half a
second at 100,000 records); reading the values and tags of the studies that have extraction
events takes as long again, and does not need it: only included studies are extracted, so
those are the studies wanted, less any excluded since. So ``python -m
screener.extraction.evidence JOB`` (see :mod:`screener.exports.second_process`) works
out the included studies while this process reads the values and tags of the extracted
ones; the included studies not extracted yet get theirs afterwards. Where no second process
can be started, this one works out the included studies itself. Both read the project as it
stands, so a decision saved in between may or may not count, as it would a moment earlier
or later.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from screener.exports import second_process
from screener.extraction.service import included_studies, values_in_force
from screener.models import ExtractedValue, Verdict
from screener.project import Project

MODULE = "screener.extraction.evidence"
Values = tuple[dict[str, ExtractedValue], list[str]]  # field -> value in force; extractors


@dataclass(frozen=True, slots=True)
class IncludedEvidence:
    """The included studies (import order) with, by study, the values in force of every
    form field and who extracted them, and the screening tags in force."""

    studies: list[int]
    values: dict[int, Values]
    tags: dict[int, dict[str, list[str]]]


def included_evidence(project: Project) -> IncludedEvidence:
    """The included studies with their values and tags (as the module docstring says)."""
    child = second_process.start(MODULE, {"project": str(project.path.resolve())})
    try:
        extracted = extracted_studies(project)
        values = values_in_force(project, extracted)
        tags = study_tags(project, extracted)
        if child is None:
            studies = included_studies(project)
        else:
            output = second_process.finish(child, "the included studies could not be worked out")
            studies = json.loads(output)
            child = None
    finally:
        second_process.stop(child)
    rest = [s for s in studies if s not in values]  # included, nothing extracted yet
    values.update(values_in_force(project, rest))
    tags.update(study_tags(project, rest))
    return IncludedEvidence(studies, {s: values[s] for s in studies}, {s: tags[s] for s in studies})


def extracted_studies(project: Project) -> list[int]:
    """The studies with any extraction event, in import order."""
    study_of = project.store.study_map()
    return sorted({study_of.get(r, r) for r in project.store.extracted_record_ids()})


def study_tags(project: Project, studies: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Per study, the screening tags of the decisions in force (the latest event of each
    reviewer at each stage, unless it is an undo), vocabulary by vocabulary in the
    protocol's order, each term once, in the order they were tagged."""
    duplicates = project.store.study_map()
    wanted = set(studies)
    members = sorted(wanted | {r for r, s in duplicates.items() if s in wanted})
    latest: dict[tuple[int, str, str], tuple[str, dict[str, list[str]]]] = {}
    for record, stage, reviewer, verdict, tagged in project.store.decision_tags(members):
        key = (duplicates.get(record, record), stage, reviewer)  # the record's study
        latest.pop(key, None)  # re-inserted last: the dict keeps the order events were made
        latest[key] = (verdict, tagged)
    order = list(project.protocol.vocabularies)
    tags: dict[int, dict[str, list[str]]] = {s: {} for s in studies}
    for (study, _, _), (verdict, tagged) in latest.items():
        if verdict == Verdict.UNDO or study not in tags:
            continue
        for vocabulary, terms in tagged.items():
            kept = tags[study].setdefault(vocabulary, [])
            kept.extend(t for t in terms if t not in kept)
    return {
        study: dict(sorted(found.items(), key=lambda kv: _rank(order, kv[0])))
        if len(found) > 1
        else found
        for study, found in tags.items()
    }


def _rank(order: list[str], name: str) -> tuple[int, str]:
    return (order.index(name) if name in order else len(order), name)


def main() -> None:
    """The second process: the included studies' ids (JSON) to standard output."""
    second_process.serve(lambda project, _: json.dumps(included_studies(project)))


if __name__ == "__main__":
    main()
