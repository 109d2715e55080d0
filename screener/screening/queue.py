"""The screening queue: the studies a reviewer has to decide, in the order chosen."""

from __future__ import annotations

from collections.abc import Mapping

from screener.models import Stage, Verdict
from screener.project import Project
from screener.screening.decisions import check_reviewer
from screener.screening.ranking import rank
from screener.screening.state import (
    ordered,
    queue,
    resolutions_in_force,
)
from screener.screening.studies import full_text_studies, needed_reviews, study_keys, study_lookup


def screening_queue(
    project: Project,
    reviewer: str,
    stage: Stage,
    *,
    order: str | None = None,
    seed: int | None = None,
    scores: Mapping[int, float] | None = None,
) -> list[int]:
    """The studies this reviewer screens at ``stage``, still-to-decide first. A study that
    has all the reviewers it needs, or is resolved, is left out unless this reviewer decided
    it. What others decided is never part of the result, only whether they are enough."""
    name = check_reviewer(project, reviewer)
    protocol = project.protocol
    store = project.store
    lookup = study_lookup(project)
    # Light reads only: the queue must be quick to build at any project size.
    latest: dict[tuple[int, str], str] = {}
    for record_id, who, verdict in store.events.verdicts(stage):
        latest[(lookup(record_id), who)] = verdict
    in_force = [key for key, verdict in latest.items() if verdict != Verdict.UNDO]
    mine = {study for study, who in in_force if who == name}
    others: dict[int, int] = {}
    for study, who in in_force:
        if who != name:
            others[study] = others.get(study, 0) + 1
    resolved = {
        study for study, _ in resolutions_in_force(store.events.resolutions(stage=stage), lookup)
    }
    needed = needed_reviews(project, sorted(others))
    eligible = (
        store.links.study_ids() if stage is Stage.TITLE_ABSTRACT else full_text_studies(project)
    )
    open_ = [
        study
        for study in eligible
        if study in mine or (study not in resolved and others.get(study, 0) < needed.get(study, 1))
    ]
    order = order or protocol.queue_order
    if order == "ranked" and scores is None:
        scores = rank(project, name, stage, seed=seed).scores
    keys = study_keys(project, open_) if order == "random" else None
    in_order = ordered(
        open_, order, seed=protocol.seed if seed is None else seed, scores=scores, keys=keys
    )
    return queue(in_order, mine)
