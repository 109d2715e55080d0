"""What the evidence exports read: the included studies, their extracted values in force and
their screening tags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from screener.extraction.service import included_studies, values_in_force
from screener.models import ExtractedValue
from screener.project import Project
from screener.screening.tags import StudyTags, included_tag_states, tags_text

Values = tuple[dict[str, ExtractedValue], list[str]]  # field -> value in force; extractors


@dataclass(frozen=True, slots=True)
class IncludedEvidence:
    """The included studies (import order) with, by study, the values in force of every
    form field and who extracted them, and the screening tags in force: agreed or resolved
    (see :mod:`screener.screening.tags`); for a study whose tags are still in conflict, the
    terms every reviewer gave, and ``tag_states`` says so."""

    studies: list[int]
    values: dict[int, Values]
    tags: dict[int, dict[str, list[str]]]
    tag_states: dict[int, StudyTags] = field(default_factory=dict)

    def tag_status(self, study: int) -> str:
        """How a study's tags stand, for a column beside them: agreed, resolved, or
        unresolved with each reviewer's tags (never merged silently)."""
        state = self.tag_states.get(study)
        if state is None:
            return ""
        if not state.unresolved:
            return str(state.status)
        given = " | ".join(
            f"{reviewer}: {tags_text(tags) or '(none)'}"
            for reviewer, tags in state.latest.by_reviewer.items()
        )
        return f"unresolved ({given})"


def included_evidence(project: Project) -> IncludedEvidence:
    """The included studies with their values and tags."""
    studies = included_studies(project)
    values = values_in_force(project, studies)
    states = included_tag_states(project, studies)
    tags = _in_force(studies, states)
    return IncludedEvidence(studies, {s: values[s] for s in studies}, tags, states)


def study_tags(project: Project, studies: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Per study included at full text, the screening tags in force: those its reviewers
    agree on, or the consensus a resolver set; while in conflict, only the terms every
    reviewer gave (see :mod:`screener.screening.tags`). Vocabularies in the protocol's
    order."""
    return _in_force(studies, included_tag_states(project, studies))


def _in_force(
    studies: Sequence[int], states: Mapping[int, StudyTags]
) -> dict[int, dict[str, list[str]]]:
    return {
        study: {v: list(t) for v, t in states[study].tags.items()} if study in states else {}
        for study in studies
    }
