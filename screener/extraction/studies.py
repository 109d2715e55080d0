"""Which studies are extracted: those included at full text, found with a light read of the
screening log (an export of a 100,000-record review must not build every study's state)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from screener.errors import ScreenerError
from screener.models import Decision, Resolution, RetrievalStatus, Stage, Verdict
from screener.project import Project
from screener.screening.state import (
    StudyStatus,
    resolutions_in_force,
    retrievals_in_force,
    stage_state,
)
from screener.screening.studies import StudyOfMap, needed_reviews


def included_studies(project: Project) -> list[int]:
    """The studies to extract: included at full text (after any resolution), in import
    order. Every protocol has a full-text stage (protocol.py requires both stages), so
    title/abstract inclusion alone never qualifies a study.

    The rules of :func:`screener.screening.state.stage_state`, read lightly (tests check that
    the result is the review state's): decisions as (record, reviewer, verdict) rows, and
    one call of the rules per distinct signature of a study's verdicts (see
    :func:`_included`), because an export of a 100,000-record review must not build every
    study's state."""
    store = project.store
    duplicates = store.links.study_map()
    lookup = StudyOfMap(duplicates)
    ta, ft = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
    # Only a study with a full-text decision or resolution can be included there: its
    # title/abstract events are the only ones read.
    decided = _verdicts_in_force(store.events.verdicts(ft), duplicates)
    resolved_ft = resolutions_in_force(store.events.resolutions(stage=ft), lookup)
    candidates = sorted(set(decided) | {key[0] for key in resolved_ft})
    if not candidates:
        return []
    wanted = set(candidates)
    members = sorted(wanted | {r for r, s in duplicates.items() if s in wanted})
    screened = _verdicts_in_force(store.events.verdicts(ta, members), duplicates)
    resolved_ta = resolutions_in_force(
        store.events.resolutions(stage=ta, record_ids=members), lookup
    )
    needed = needed_reviews(project, candidates)
    passed = _included(candidates, ta, screened, resolved_ta, needed)
    retrievals = retrievals_in_force(store.events.retrievals(record_ids=members), lookup)
    eligible = [
        s
        for s in passed
        if not (s in retrievals and retrievals[s].status is RetrievalStatus.NOT_RETRIEVED)
    ]
    return _included(eligible, ft, decided, resolved_ft, needed)


def _verdicts_in_force(
    rows: Iterable[tuple[int, str, str]], duplicates: Mapping[int, int]
) -> dict[int, dict[str, str]]:
    """Per study, each reviewer's verdict in force (the latest event, unless an undo), from
    (record, reviewer, verdict) rows in the order they were made."""
    latest: dict[tuple[int, str], str] = {}
    for record, reviewer, verdict in rows:
        key = (duplicates.get(record, record), reviewer)
        if verdict == Verdict.UNDO:
            latest.pop(key, None)
        else:
            latest[key] = verdict
    by_study: dict[int, dict[str, str]] = {}
    for (study, reviewer), verdict in latest.items():
        by_study.setdefault(study, {})[reviewer] = verdict
    return by_study


_VERDICTS = {v.value: v for v in Verdict}
_STAND_IN_TIME = datetime.min.replace(tzinfo=UTC)


def _included(
    studies: Sequence[int],
    stage: Stage,
    verdicts: Mapping[int, dict[str, str]],
    resolutions: Mapping[tuple[int, Stage], Resolution],
    needed: Mapping[int, int],
) -> list[int]:
    """The studies that :func:`screener.screening.state.stage_state` finds included, applied
    once per distinct signature (verdicts in force by reviewer, the resolution's verdict,
    the reviewers needed) to stand-in decisions without reasons: reasons only tell a
    conflict from an agreed exclusion, never whether a study is included."""
    memo: dict[tuple[object, ...], StudyStatus] = {}
    included = []
    for study in studies:
        made = tuple(sorted(verdicts.get(study, {}).items()))
        resolution = resolutions.get((study, stage))
        key = (made, None if resolution is None else resolution.verdict, needed[study])
        status = memo.get(key)
        if status is None:
            stand_ins = [
                Decision(0, study, stage, reviewer, _VERDICTS[verdict], (), {}, "", _STAND_IN_TIME)
                for reviewer, verdict in made
            ]
            status = stage_state(study, stage, stand_ins, resolution, needed[study]).status
            memo[key] = status
        if status is StudyStatus.INCLUDED:
            included.append(study)
    return included


def included_check(project: Project, study: int) -> int:
    """``study`` as the study id of its record, or an error when it is not included."""
    if project.store.records.get(study) is None:
        raise ScreenerError(f"no record {study} in this project")
    study_id = project.store.links.study_of(study)
    if study_id not in included_studies(project):
        raise ScreenerError(
            f"study {study_id} is not included at full text; only included studies are "
            "extracted (see `screener status`)"
        )
    return study_id
