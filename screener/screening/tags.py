"""Tag reconciliation: the tags of a study are those its reviewers agree on, or the consensus
a resolver sets; disagreeing tags on an included study are a conflict, never merged.

The rule, stage by stage (title/abstract, then full text):

- a stage's tags are compared once the study is included there (every reviewer it needs
  decided, include or maybe, or a resolution included it), among the reviewers whose
  decision includes it (an excluding reviewer's tags are no opinion on an included study);
- at full text each reviewer's tags are the title/abstract consensus with the terms they
  added at full text, so repeating or leaving out the earlier tags changes nothing; full
  text is compared only once the title/abstract tags are settled;
- equal tags (as sets per vocabulary) are agreed; otherwise the stage is a tag conflict
  until a resolver sets the consensus (a tag resolution). A resolution stands until a
  reviewer changes their tags at that stage; then the tags are compared again;
- a full-text stage where nobody added a term leaves the tags as settled before.

The study's tags in force are those of the last stage compared. While in conflict they are
the terms every reviewer gave, and the study is marked unresolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from screener.dedup.service import study_of
from screener.errors import ScreenerError
from screener.models import Decision, Stage, TagResolution, Verdict
from screener.project import Project
from screener.screening.decisions import NOTE_LIMIT, check_resolver, check_tags, check_text
from screener.screening.state import (
    StageState,
    StudyOf,
    StudyStatus,
    event_order,
    includes,
    study_decisions,
)
from screener.screening.studies import ReviewState, review_state, study_lookup

Tags = dict[str, tuple[str, ...]]  # vocabulary -> terms, in the order they were tagged
_NO_TIME = datetime.min.replace(tzinfo=UTC)  # stand-in decisions are never ordered by time
_STAGES, _VERDICTS = {str(s): s for s in Stage}, {str(v): v for v in Verdict}


class TagStatus(StrEnum):
    AGREED = "agreed"  # the including reviewers gave the same tags (or one reviewer did)
    CONFLICT = "conflict"  # their tags differ and no resolution settles them
    RESOLVED = "resolved"  # a resolver set the consensus tags


@dataclass(frozen=True, slots=True)
class StageTags:
    """A study's tags as compared at one stage: each including reviewer's own tags at the
    stage (``given``, in the order they decided) on top of the ``earlier`` stage's
    consensus, any tag resolution in force, and the tags in force (the consensus when
    agreed or resolved; in conflict, the terms every reviewer gave)."""

    study_id: int
    stage: Stage
    given: tuple[tuple[str, Tags], ...]
    earlier: Tags
    resolution: TagResolution | None
    status: TagStatus
    tags: Tags
    order: tuple[str, ...] = ()  # the protocol's vocabularies

    @property
    def by_reviewer(self) -> dict[str, Tags]:
        """Each including reviewer's tags as compared: the earlier consensus and their own
        (built when asked for: only what shows a study needs them)."""
        base = _pairs(self.earlier)
        return {who: _in_order([*base, *_pairs(tags)], self.order) for who, tags in self.given}


@dataclass(frozen=True, slots=True)
class StudyTags:
    """The stages at which a study's tags were compared, title/abstract first."""

    study_id: int
    stages: tuple[StageTags, ...]

    @property
    def latest(self) -> StageTags:
        return self.stages[-1]

    @property
    def tags(self) -> Tags:
        return self.latest.tags

    @property
    def status(self) -> TagStatus:
        return self.latest.status

    @property
    def unresolved(self) -> bool:
        return self.latest.status is TagStatus.CONFLICT

    def at(self, stage: Stage) -> StageTags | None:
        return next((s for s in self.stages if s.stage is stage), None)


# -- the rule (pure) -------------------------------------------------------------------------


def tags_text(tags: Mapping[str, Sequence[str]]) -> str:
    """Tags as one line: "tissue: skin/wound, bone; model: mouse"."""
    return "; ".join(f"{v}: {', '.join(t)}" for v, t in tags.items() if t)


def _as_set(tags: Mapping[str, Sequence[str]]) -> frozenset[tuple[str, str]]:
    return frozenset((vocabulary, term) for vocabulary, terms in tags.items() for term in terms)


def _in_order(pairs: Iterable[tuple[str, str]], order: Sequence[str]) -> Tags:
    """(vocabulary, term) pairs as tags: vocabularies in the protocol's order (others after,
    by name), terms in the order given, each once."""
    found: dict[str, list[str]] = {}
    for vocabulary, term in pairs:
        terms = found.setdefault(vocabulary, [])
        if term not in terms:
            terms.append(term)
    if len(found) < 2:
        return {name: tuple(terms) for name, terms in found.items()}
    names = [name for name in order if name in found]
    if len(names) < len(found):
        names += sorted(name for name in found if name not in names)
    return {name: tuple(found[name]) for name in names}


def _pairs(tags: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    return [(vocabulary, term) for vocabulary, terms in tags.items() for term in terms]


def _includers_tags(decisions: Iterable[Decision]) -> dict[str, frozenset[tuple[str, str]]]:
    return {d.reviewer: _as_set(d.tags) for d in decisions if includes(d.verdict)}


def _changed_since(
    resolution: TagResolution, now: Sequence[Decision], history: Sequence[Decision]
) -> bool:
    """Whether an including reviewer's tags at the resolution's stage differ from what they
    were when the resolution was made (the events up to it replayed)."""
    made = event_order(resolution)
    before = [e for e in history if e.stage is resolution.stage and event_order(e) <= made]
    then = study_decisions(before, lambda _record: resolution.record_id).values()
    return _includers_tags(then) != _includers_tags(now)


def stage_tags(
    state: StageState,
    earlier: Tags,
    resolution: TagResolution | None,
    history: Sequence[Decision],
    order: Sequence[str],
) -> StageTags:
    """The tags of a study included at ``state``'s stage (see the module docstring).
    ``earlier``: the consensus of the stage before (none at title/abstract); ``history``:
    every decision event of the study, to tell whether a resolution still stands."""
    given = tuple((d.reviewer, d.tags) for d in state.decisions if includes(d.verdict))
    base = _pairs(earlier)
    settled = frozenset(base)
    sets = [settled | _as_set(tags) for _, tags in given]

    def found(status: TagStatus, tags: Tags) -> StageTags:
        return StageTags(
            state.study_id, state.stage, given, earlier, resolution, status, tags, tuple(order)
        )

    if resolution is not None and not _changed_since(resolution, state.decisions, history):
        return found(TagStatus.RESOLVED, _in_order(_pairs(resolution.tags), order))
    if not sets:
        return found(TagStatus.AGREED, earlier)
    first = [*base, *_pairs(given[0][1])]
    if all(s == sets[0] for s in sets[1:]):  # agreed; nothing added: the earlier tags stand
        return found(TagStatus.AGREED, earlier if sets[0] == settled else _in_order(first, order))
    common = frozenset.intersection(*sets)
    return found(TagStatus.CONFLICT, _in_order([p for p in first if p in common], order))


def study_tags_state(
    states: Sequence[StageState | None],
    resolutions: Mapping[Stage, TagResolution],
    history: Sequence[Decision],
    order: Sequence[str],
) -> StudyTags | None:
    """The tags of a study from its state at each stage (title/abstract first; None where
    it has not reached a stage), its tag resolutions in force and every decision event it
    has; None while its tags are compared at no stage yet."""
    compared: list[StageTags] = []
    earlier: Tags = {}
    for state in states:
        if state is None or state.status is not StudyStatus.INCLUDED:
            break
        found = stage_tags(state, earlier, resolutions.get(state.stage), history, order)
        unchanged = found.status is TagStatus.AGREED and found.tags is earlier
        if compared and unchanged:
            break  # nothing added at this stage: the tags stand as settled before
        compared.append(found)
        if found.status is TagStatus.CONFLICT:
            break
        earlier = found.tags
    return StudyTags(compared[0].study_id, tuple(compared)) if compared else None


def tag_resolutions_in_force(
    events: Iterable[TagResolution], study_of: StudyOf
) -> dict[tuple[int, Stage], TagResolution]:
    """The latest tag resolution per (study, stage)."""
    latest: dict[tuple[int, Stage], TagResolution] = {}
    for event in sorted(events, key=event_order):
        latest[(study_of(event.record_id), event.stage)] = event
    return latest


# -- from the store ----------------------------------------------------------------------


def _tag_states(
    project: Project, state: ReviewState, studies: Sequence[int] | None
) -> dict[int, StudyTags]:
    store = project.store
    lookup = study_lookup(project)
    members = None if studies is None else lookup.members(studies)
    resolved: dict[int, dict[Stage, TagResolution]] = {}
    for (study, stage), resolution in tag_resolutions_in_force(
        store.events.tag_resolutions(record_ids=members), lookup
    ).items():
        resolved.setdefault(study, {})[stage] = resolution
    history: dict[int, list[Decision]] = {s: [] for s in resolved}
    if resolved:  # the full log only of the studies whose resolutions may be outdated
        for event in store.events.decisions(record_ids=lookup.members(resolved)):
            history[lookup(event.record_id)].append(event)
    order = list(project.protocol.vocabularies)
    title_abstract, full_text = state.states[Stage.TITLE_ABSTRACT], state.states[Stage.FULL_TEXT]
    found = {}
    for study in state.study_ids:
        first = title_abstract.get(study)
        if first is None or first.status is not StudyStatus.INCLUDED:
            continue
        tags = study_tags_state(
            (first, full_text.get(study)), resolved.get(study, {}), history.get(study, ()), order
        )
        if tags is not None:
            found[study] = tags
    return found


def tag_states(project: Project, studies: Sequence[int] | None = None) -> dict[int, StudyTags]:
    """The tags of every study whose tags are compared at some stage (or of ``studies``,
    reading only their events)."""
    return _tag_states(project, review_state(project, studies), studies)


def included_tag_states(project: Project, studies: Sequence[int]) -> dict[int, StudyTags]:
    """:func:`tag_states` of studies included at both stages (what the evidence exports
    read), from the light read of the decision log: their states are known, so only each
    reviewer's verdict and tags in force are needed. Studies with a tag resolution, whose
    resolution may be outdated by a later decision, take the full read."""
    store = project.store
    lookup = study_lookup(project)
    members = lookup.members(studies)
    resolved = {lookup(r.record_id) for r in store.events.tag_resolutions(record_ids=members)}
    found = tag_states(project, sorted(resolved)) if resolved else {}
    latest: dict[tuple[int, str, str], tuple[str, dict[str, list[str]]]] = {}
    for record, stage, reviewer, verdict, tagged in store.events.tags(members):
        key = (lookup(record), stage, reviewer)
        latest.pop(key, None)  # re-inserted last: the dict keeps the order events were made
        latest[key] = (verdict, tagged)
    made: dict[tuple[int, str], list[Decision]] = {}
    for (study, stage, reviewer), (verdict, tagged) in latest.items():
        if verdict != Verdict.UNDO and study not in found:
            terms = {k: tuple(v) for k, v in tagged.items()}
            stand_in = Decision(
                0, study, _STAGES[stage], reviewer, _VERDICTS[verdict], (), terms, "", _NO_TIME
            )
            made.setdefault((study, stage), []).append(stand_in)
    order = tuple(project.protocol.vocabularies)
    for study in studies:
        if study in found:
            continue
        states = [
            StageState(
                study, stage, tuple(made.get((study, stage), ())), None, 0, StudyStatus.INCLUDED
            )
            for stage in Stage
        ]
        compared = study_tags_state(states, {}, (), order)
        if compared is not None:
            found[study] = compared
    return {s: found[s] for s in studies if s in found}


def tag_conflicts(
    project: Project, stage: Stage | None = None, state: ReviewState | None = None
) -> list[StageTags]:
    """Studies still in the review whose reviewers' tags disagree and that no resolution
    settles, by stage and id: what the conflicts screen and `screener conflicts` list
    beside the verdict conflicts. A study excluded at full text, or whose report was not
    retrieved, is out of the review: its tags no longer matter."""
    if state is None:
        state = review_state(project)
    full_text = state.states[Stage.FULL_TEXT]
    found = []
    for study, tags in _tag_states(project, state, None).items():
        latest = tags.latest
        if latest.status is not TagStatus.CONFLICT or (stage and latest.stage is not stage):
            continue
        second = full_text.get(study)
        if second is None or second.status is StudyStatus.EXCLUDED:
            continue
        found.append(latest)
    return sorted(found, key=lambda t: (list(Stage).index(t.stage), t.study_id))


# -- resolving -----------------------------------------------------------------------------


def consensus_tags(tags: Mapping[str, Sequence[str]]) -> Tags:
    """Consensus tags as they are stored: each term trimmed and once, no empty vocabulary
    (they are then checked as a decision's tags are)."""
    clean = {k: tuple(dict.fromkeys(t.strip() for t in v)) for k, v in tags.items()}
    return {k: v for k, v in clean.items() if v}


def resolve_tags(
    project: Project,
    record_id: int,
    resolver: str,
    tags: Mapping[str, Sequence[str]],
    *,
    stage: Stage | None = None,
    note: str = "",
) -> TagResolution:
    """Set the consensus tags of a study whose reviewers' tags disagree (or re-set them) at
    ``stage`` (default: the stage whose tags are in conflict), committed before this
    returns; new terms of open vocabularies are added in the same transaction."""
    name = check_resolver(resolver)
    clean = consensus_tags(tags)
    check_text("a note", note, NOTE_LIMIT, lines=True)
    store = project.store
    with store.transaction():
        study = study_of(project, record_id)
        current = tag_states(project, [study]).get(study)
        at = current.latest.stage if current and stage is None else stage
        found = current.at(at) if current and at else None
        if found is None or found.status is TagStatus.AGREED:
            where = f" at {at}" if at else ""
            shown = "its reviewers agree" if found else "its tags are not compared yet"
            raise ScreenerError(f"study {study} has no tag conflict to resolve{where} ({shown})")
        for vocabulary, term in check_tags(project, clean):
            store.events.add_vocabulary_term(vocabulary, term, name)
        return store.events.add_tag_resolution(study, found.stage, name, clean, note)
