"""What the evidence exports read: the included studies, their extracted values in force and
their screening tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from screener.extraction.service import included_studies, values_in_force
from screener.models import ExtractedValue, Verdict
from screener.project import Project

Values = tuple[dict[str, ExtractedValue], list[str]]  # field -> value in force; extractors


@dataclass(frozen=True, slots=True)
class IncludedEvidence:
    """The included studies (import order) with, by study, the values in force of every
    form field and who extracted them, and the screening tags in force."""

    studies: list[int]
    values: dict[int, Values]
    tags: dict[int, dict[str, list[str]]]


def included_evidence(project: Project) -> IncludedEvidence:
    """The included studies with their values and tags."""
    studies = included_studies(project)
    values = values_in_force(project, studies)
    tags = study_tags(project, studies)
    return IncludedEvidence(studies, {s: values[s] for s in studies}, {s: tags[s] for s in studies})


def study_tags(project: Project, studies: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Per study, the screening tags of the decisions in force (the latest event of each
    reviewer at each stage, unless it is an undo), vocabulary by vocabulary in the
    protocol's order, each term once, in the order they were tagged."""
    duplicates = project.store.links.study_map()
    wanted = set(studies)
    members = sorted(wanted | {r for r, s in duplicates.items() if s in wanted})
    latest: dict[tuple[int, str, str], tuple[str, dict[str, list[str]]]] = {}
    for record, stage, reviewer, verdict, tagged in project.store.events.tags(members):
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
