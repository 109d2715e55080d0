"""One study in full: its records and where each came from, and at each stage who decided
what (verdicts, reasons, tags, notes), the resolution and the tag comparison, unblinded once
the stage's review is complete (agreed, in conflict or resolved); while a stage is still
blind, a viewer sees only their own decisions and how many reviewers have decided."""

from __future__ import annotations

from dataclasses import dataclass

from screener.dedup.links import MergedStudy, merged_study
from screener.dedup.service import study_of, study_records
from screener.models import Decision, Resolution, Retrieval, Stage
from screener.project import Project
from screener.screening.decisions import check_reviewer
from screener.screening.state import StageState, StudyStatus
from screener.screening.studies import review_state
from screener.screening.tags import StageTags, StudyTags, tag_states

BLIND_STATUSES = (StudyStatus.UNSCREENED, StudyStatus.AWAITING)


@dataclass(frozen=True, slots=True)
class RecordOrigin:
    """One record of a study and the search it came from."""

    record_id: int
    database: str
    file_name: str
    source_record_id: str  # the record's own id in its file (PMID, accession, key, ...)
    type: str
    year: int | None
    title: str


@dataclass(frozen=True, slots=True)
class StageDetail:
    """A study at one stage as a viewer may see it. ``blind``: the stage's review is not
    complete, so ``decisions`` holds only the viewer's own, and neither the resolution nor
    the tag comparison is shown; ``decided`` counts every reviewer who has decided."""

    stage: Stage
    status: StudyStatus
    needed: int
    decided: int
    blind: bool
    decisions: tuple[Decision, ...]
    resolution: Resolution | None
    tags: StageTags | None


@dataclass(frozen=True, slots=True)
class StudyDetail:
    """Everything about one study that ``viewer`` may see (None: a viewer with no decisions
    of their own, e.g. a resolver)."""

    study_id: int
    viewer: str | None
    citation: MergedStudy
    records: tuple[RecordOrigin, ...]
    stages: tuple[StageDetail, ...]  # title/abstract, then full text once the study is there
    retrieval: Retrieval | None
    tags: StudyTags | None  # the tags in force, once a stage's review is complete

    @property
    def blind(self) -> bool:
        """Whether any stage is still blind for the viewer."""
        return any(s.blind for s in self.stages)


def _stage_detail(state: StageState, viewer: str | None, tags: StudyTags | None) -> StageDetail:
    blind = state.status in BLIND_STATUSES
    shown = tuple(d for d in state.decisions if d.reviewer == viewer) if blind else state.decisions
    compared = None if blind or tags is None else tags.at(state.stage)
    return StageDetail(
        state.stage,
        state.status,
        state.needed,
        len(state.decisions),
        blind,
        shown,
        None if blind else state.resolution,
        compared,
    )


def study_detail(project: Project, record_id: int, viewer: str | None = None) -> StudyDetail:
    """The study of ``record_id`` as ``viewer`` may see it (see the module docstring)."""
    name = None if viewer is None or not viewer.strip() else check_reviewer(project, viewer)
    study = study_of(project, record_id)
    records = study_records(project, study)
    sources = {s.id: s for s in project.store.records.sources()}
    origins = tuple(
        RecordOrigin(
            r.id,
            sources[r.source_id].database,
            sources[r.source_id].file_name,
            r.record.source_record_id,
            r.record.type,
            r.record.year,
            r.record.title,
        )
        for r in records
    )
    state = review_state(project, [study])
    tags = tag_states(project, [study]).get(study)
    stages = tuple(
        _stage_detail(state.states[stage][study], name, tags)
        for stage in Stage
        if study in state.states[stage]
    )
    return StudyDetail(
        study,
        name,
        merged_study(records),
        origins,
        stages,
        state.retrievals.get(study),
        tags,  # compared only at stages whose review is complete: never blind
    )
