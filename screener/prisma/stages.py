"""Where every study stands at title/abstract, for counting 100,000 of them quickly: the
rules of screening.py applied to the light (record, reviewer, verdict) read.

A study's title/abstract outcome depends only on which reviewer's verdict is in force, on
the resolution in force and on how many reviewers it needs (the reasons and the order of
decisions matter only for the exclusion reasons, which PRISMA does not report at this
stage). So :func:`screening.stage_state` runs once per distinct such signature rather than
once per study, and no Decision object is built per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from screener.models import Decision, Resolution, Stage, Verdict
from screener.screening.state import StageState, event_order, stage_state

# (record id, reviewer, verdict value) of a title/abstract decision event, in event order:
# what Store.decision_verdicts gives.
VerdictEvent = tuple[int, str, str]
_SIGNATURE_TIME = datetime.min.replace(tzinfo=UTC)


def light_verdicts(decisions: Iterable[Decision]) -> list[VerdictEvent]:
    """Title/abstract decision events as (record, reviewer, verdict), in event order."""
    chosen = (d for d in decisions if d.stage is Stage.TITLE_ABSTRACT)
    return [(d.record_id, d.reviewer, str(d.verdict)) for d in sorted(chosen, key=event_order)]


def title_abstract_states(
    verdicts: Sequence[VerdictEvent],
    resolutions: Mapping[tuple[int, Stage], Resolution],
    study_of: Mapping[int, int],
    needed: Mapping[int, int],
) -> dict[int, StageState]:
    """Each decided or resolved study's title/abstract state. States are shared between
    studies of one signature: read their status, not their study id or decisions."""
    # The latest event per reviewer counts: reviewer -> verdict per study, in event order.
    latest: dict[int, dict[str, str]] = {}
    study_get, latest_get = study_of.get, latest.get
    for record_id, reviewer, verdict in verdicts:  # the hot loop: one pass over the events
        study = study_get(record_id, record_id)
        mine = latest_get(study)
        if mine is None:
            latest[study] = {reviewer: verdict}
        else:
            mine[reviewer] = verdict
    resolved = {
        study: r for (study, stage), r in resolutions.items() if stage is Stage.TITLE_ABSTRACT
    }
    # The verdicts in force as a set: at title/abstract the outcome does not depend on
    # their order (a conflict is include against exclude; agreement is the verdict's side).
    memo: dict[tuple[object, ...], StageState] = {}
    states: dict[int, StageState] = {}
    no_decisions: dict[str, str] = {}
    for study_id in latest.keys() | resolved.keys():
        made = latest.get(study_id, no_decisions)
        resolution = resolved.get(study_id)
        count = needed.get(study_id, 1)
        key = (frozenset(made.items()), resolution.verdict if resolution else None, count)
        state = memo.get(key)
        if state is None:
            stand_ins = [  # an undo leaves the study undecided for that reviewer
                Decision(
                    0,
                    study_id,
                    Stage.TITLE_ABSTRACT,
                    reviewer,
                    Verdict(verdict),
                    (),
                    {},
                    "",
                    _SIGNATURE_TIME,
                )
                for reviewer, verdict in sorted(made.items())
                if verdict != Verdict.UNDO
            ]
            state = memo[key] = stage_state(
                study_id, Stage.TITLE_ABSTRACT, stand_ins, resolution, count
            )
        states[study_id] = state
    return states
