"""Screening a project: decisions checked against the protocol, undo, the blind queue,
conflicts and their resolution, full-text retrieval, and agreement between reviewers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from screener.errors import ScreenerError
from screener.models import Decision, Resolution, Retrieval, RetrievalStatus, Stage, Verdict
from screener.project import Project
from screener.screening.agreement import Agreement, agreement
from screener.screening.highlight import HighlightKind, find_highlights
from screener.screening.state import (
    StageState,
    StudyStatus,
    event_order,
    full_text_eligible,
    includes,
    ordered,
    queue,
    resolutions_in_force,
    retrievals_in_force,
    reviews_needed,
    stage_states,
    study_decisions,
)

SCREENING_VERDICTS = {
    Stage.TITLE_ABSTRACT: (Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE),
    Stage.FULL_TEXT: (Verdict.INCLUDE, Verdict.EXCLUDE),
}


def parse_stage(text: str) -> Stage:
    """A stage from its name (``title_abstract``/``ta`` or ``full_text``/``ft``)."""
    aliases = {"ta": Stage.TITLE_ABSTRACT, "ft": Stage.FULL_TEXT}
    value = text.strip().lower().replace("-", "_")
    if value in aliases:
        return aliases[value]
    try:
        return Stage(value)
    except ValueError:
        raise ScreenerError(f"unknown stage {text!r} (title_abstract or full_text)") from None


# -- who and what ---------------------------------------------------------------------------


def check_reviewer(project: Project, name: str) -> str:
    """The reviewer's name, checked against the protocol's list when it has one."""
    name = name.strip()
    if not name:
        raise ScreenerError("a reviewer name is needed: --reviewer NAME or SCREENER_REVIEWER")
    listed = project.protocol.reviewers
    if listed and name not in listed:
        raise ScreenerError(
            f"reviewer {name!r} is not in protocol.toml's reviewers ({', '.join(listed)}); "
            "add the name there first"
        )
    return name


def study_of(project: Project, record_id: int) -> int:
    """The study a record belongs to; an error naming the id when there is no such record."""
    if project.store.records.get(record_id) is None:
        raise ScreenerError(f"no record {record_id} in this project")
    return project.store.links.study_of(record_id)


def vocabulary_terms(project: Project) -> dict[str, tuple[str, ...]]:
    """Each vocabulary's terms: the protocol's, then those reviewers added, in order."""
    terms = {name: list(v.terms) for name, v in project.protocol.vocabularies.items()}
    for added in project.store.events.vocabulary_terms():
        if added.vocabulary in terms and added.term not in terms[added.vocabulary]:
            terms[added.vocabulary].append(added.term)
    return {name: tuple(items) for name, items in terms.items()}


def _check_reasons(
    project: Project, stage: Stage, verdict: Verdict, reasons: Sequence[str]
) -> None:
    rules = project.protocol.stages[stage]
    known = [r.code for r in rules.reasons]
    if reasons and verdict is not Verdict.EXCLUDE:
        raise ScreenerError("exclusion reasons go with an exclude decision only")
    for code in reasons:
        if code not in known:
            raise ScreenerError(
                f"unknown {stage} exclusion reason {code!r} (known: {', '.join(known) or 'none'})"
            )
    if verdict is Verdict.EXCLUDE and rules.reason_required and not reasons:
        raise ScreenerError(f"an exclusion at {stage} needs a reason ({', '.join(known)})")
    if stage is Stage.FULL_TEXT and len(reasons) > 1:
        raise ScreenerError("a full-text exclusion has one reason (PRISMA counts one per report)")


def _check_tags(project: Project, tags: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """Check tags against the vocabularies; returns the new terms for open vocabularies."""
    vocabularies = project.protocol.vocabularies
    known = vocabulary_terms(project)
    new: list[tuple[str, str]] = []
    for name, terms in tags.items():
        if name not in vocabularies:
            raise ScreenerError(
                f"unknown vocabulary {name!r} (known: {', '.join(sorted(vocabularies))})"
            )
        for term in terms:
            term = term.strip()
            if not term:
                raise ScreenerError(f"an empty term for vocabulary {name!r}")
            if term in known[name] or (name, term) in new:
                continue
            if not vocabularies[name].open:
                raise ScreenerError(
                    f"{term!r} is not a term of the closed vocabulary {name!r} "
                    f"({', '.join(known[name])})"
                )
            new.append((name, term))
    return new


# -- deciding -------------------------------------------------------------------------------


def decide(
    project: Project,
    record_id: int,
    stage: Stage,
    reviewer: str,
    verdict: Verdict,
    reasons: Sequence[str] = (),
    tags: Mapping[str, Sequence[str]] | None = None,
    note: str = "",
) -> Decision:
    """Record a reviewer's decision on the study of ``record_id``, committed before this
    returns. New terms for open vocabularies are added in the same transaction."""
    name = check_reviewer(project, reviewer)
    if verdict not in SCREENING_VERDICTS[stage]:
        allowed = ", ".join(SCREENING_VERDICTS[stage])
        raise ScreenerError(f"a {stage} decision is one of {allowed}, not {verdict}")
    _check_reasons(project, stage, verdict, reasons)
    clean_tags = {k: tuple(dict.fromkeys(t.strip() for t in v)) for k, v in (tags or {}).items()}
    store = project.store
    with store.transaction():
        study = study_of(project, record_id)
        if study_state(project, study, stage) is None:
            raise ScreenerError(
                f"study {study} is not at the full-text stage (it must be included at "
                "title/abstract and its report not marked as not retrieved)"
            )
        for vocabulary, term in _check_tags(project, clean_tags):
            store.events.add_vocabulary_term(vocabulary, term, name)
        return store.events.add_decision(study, stage, name, verdict, reasons, clean_tags, note)


def undo_last(project: Project, reviewer: str, stage: Stage) -> Decision | None:
    """Withdraw the reviewer's latest decision still in force at ``stage`` (an UNDO event);
    returns the decision withdrawn, or None when there is nothing left to undo."""
    name = check_reviewer(project, reviewer)
    store = project.store
    with store.transaction():
        mine = my_decisions(project, name, stage)
        if not mine:
            return None
        latest = max(mine.values(), key=event_order)
        store.events.add_decision(latest.record_id, stage, name, Verdict.UNDO)
    return latest


def my_decisions(project: Project, reviewer: str, stage: Stage) -> dict[int, Decision]:
    """The reviewer's decisions in force at a stage, by study. Reads only this reviewer's
    events: what blind screening may show."""
    study = _study_lookup(project)
    current = study_decisions(project.store.events.decisions(stage=stage, reviewer=reviewer), study)
    return {key[0]: d for key, d in current.items()}


def _study_lookup(project: Project) -> StudyOfMap:
    return StudyOfMap(project.store.links.study_map())


@dataclass(frozen=True, slots=True)
class StudyOfMap:
    """Record id -> study id, from the store's map of duplicates (callable)."""

    duplicates: dict[int, int]

    def __call__(self, record_id: int) -> int:
        return self.duplicates.get(record_id, record_id)


# -- the whole picture ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Every study's state at both stages, from all events (not for blind screens)."""

    study_ids: list[int]
    decisions: dict[tuple[int, Stage, str], Decision]
    resolutions: dict[tuple[int, Stage], Resolution]
    retrievals: dict[int, Retrieval]
    states: dict[Stage, dict[int, StageState]] = field(default_factory=dict)

    def reviewers(self, stage: Stage) -> list[str]:
        return sorted({r for (_, s, r) in self.decisions if s is stage})

    def count(self, stage: Stage, status: StudyStatus) -> int:
        return sum(1 for s in self.states[stage].values() if s.status is status)


def review_state(project: Project) -> ReviewState:
    store = project.store
    study = _study_lookup(project)
    study_ids = store.links.study_ids()
    decisions = study_decisions(store.events.decisions(), study)
    resolutions = resolutions_in_force(store.events.resolutions(), study)
    retrievals = retrievals_in_force(store.events.retrievals(), study)
    needed = needed_reviews(project, study_ids)
    states = {
        Stage.TITLE_ABSTRACT: stage_states(
            study_ids, Stage.TITLE_ABSTRACT, decisions, resolutions, needed.__getitem__
        )
    }
    eligible = full_text_eligible(states[Stage.TITLE_ABSTRACT], retrievals)
    states[Stage.FULL_TEXT] = stage_states(
        eligible, Stage.FULL_TEXT, decisions, resolutions, needed.__getitem__
    )
    return ReviewState(study_ids, decisions, resolutions, retrievals, states)


def needed_reviews(project: Project, study_ids: Sequence[int]) -> dict[int, int]:
    """How many reviewers each study needs (the same at both stages)."""
    protocol = project.protocol
    if not protocol.dual_screening or protocol.second_review_percent >= 100:
        count = 2 if protocol.dual_screening else 1
        return dict.fromkeys(study_ids, count)
    keys = study_keys(project, study_ids)
    return {
        study: reviews_needed(
            keys[study], dual=True, second_review_percent=protocol.second_review_percent
        )
        for study in study_ids
    }


def study_keys(project: Project, study_ids: Sequence[int]) -> dict[int, str]:
    """Each study's key in every copy of the project (whatever order the files were imported
    in): the smallest (file sha256, position) among its records, as text."""
    store = project.store
    if len(study_ids) < 500:
        members = {study: store.links.members(study) for study in study_ids}
        keys = store.records.keys(m for ids in members.values() for m in ids)
    else:
        keys = store.records.keys()
        members = {study: [study] for study in study_ids}
        for record, study in store.links.study_map().items():
            if study in members:
                members[study].append(record)
    return {study: "{}:{}".format(*min(keys[m] for m in ids)) for study, ids in members.items()}


def full_text_studies(project: Project) -> list[int]:
    """The studies at the full-text stage, in import order. Only studies with a
    title/abstract decision or resolution can be there, so only theirs are read."""
    store = project.store
    lookup = _study_lookup(project)
    decisions = study_decisions(store.events.decisions(stage=Stage.TITLE_ABSTRACT), lookup)
    resolutions = resolutions_in_force(store.events.resolutions(stage=Stage.TITLE_ABSTRACT), lookup)
    touched = sorted({key[0] for key in decisions} | {key[0] for key in resolutions})
    needed = needed_reviews(project, touched)
    screened = stage_states(
        touched, Stage.TITLE_ABSTRACT, decisions, resolutions, needed.__getitem__
    )
    return full_text_eligible(screened, current_retrievals(project))


def current_retrievals(project: Project) -> dict[int, Retrieval]:
    """The retrieval mark in force per study."""
    return retrievals_in_force(project.store.events.retrievals(), _study_lookup(project))


def study_state(project: Project, study: int, stage: Stage) -> StageState | None:
    """One study's state at a stage, from its own events only (cheap at any project size);
    None when the study has not reached the stage."""
    store = project.store
    members = store.links.members(study)
    lookup = StudyOfMap(dict.fromkeys(members, study))
    decisions = study_decisions(store.events.decisions(record_ids=members), lookup)
    resolutions = resolutions_in_force(store.events.resolutions(record_ids=members), lookup)
    needed = needed_reviews(project, [study])
    if stage is Stage.FULL_TEXT:
        screened = stage_states(
            [study], Stage.TITLE_ABSTRACT, decisions, resolutions, needed.__getitem__
        )
        retrievals = retrievals_in_force(store.events.retrievals(record_ids=members), lookup)
        if not full_text_eligible(screened, retrievals):
            return None
    return stage_states([study], stage, decisions, resolutions, needed.__getitem__)[study]


# -- the screening queue --------------------------------------------------------------------


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
    lookup = _study_lookup(project)
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
        # Imported here: prioritise builds on this module (decisions, highlight scores).
        from screener.screening.ranking import rank

        scores = rank(project, name, stage, seed=seed).scores
    keys = study_keys(project, open_) if order == "random" else None
    in_order = ordered(
        open_, order, seed=protocol.seed if seed is None else seed, scores=scores, keys=keys
    )
    return queue(in_order, mine)


# -- conflicts ------------------------------------------------------------------------------


def conflicts(project: Project, stage: Stage | None = None) -> list[StageState]:
    """Studies whose reviewers disagree and that nobody has resolved, by stage and id."""
    state = review_state(project)
    stages = [stage] if stage else list(Stage)
    return [
        s for st in stages for s in state.states[st].values() if s.status is StudyStatus.CONFLICT
    ]


def resolve(
    project: Project,
    record_id: int,
    stage: Stage,
    resolver: str,
    verdict: Verdict,
    reasons: Sequence[str] = (),
    note: str = "",
) -> Resolution:
    """Record the final decision on a study whose reviewers disagreed (or re-resolve it)."""
    name = resolver.strip()
    if not name:
        raise ScreenerError("a resolver name is needed: --resolver NAME")
    if verdict not in (Verdict.INCLUDE, Verdict.EXCLUDE):
        raise ScreenerError(f"a resolution is include or exclude, not {verdict}")
    _check_reasons(project, stage, verdict, reasons)
    store = project.store
    with store.transaction():
        study = study_of(project, record_id)
        current = study_state(project, study, stage)
        if current is None or (
            current.status is not StudyStatus.CONFLICT and not current.resolution
        ):
            status = current.status if current else "not at this stage"
            raise ScreenerError(f"study {study} has no conflict to resolve at {stage} ({status})")
        return store.events.add_resolution(study, stage, name, verdict, reasons, note)


# -- full-text retrieval --------------------------------------------------------------------


def set_retrieval(
    project: Project,
    record_id: int,
    status: RetrievalStatus,
    reviewer: str,
    *,
    reason: str = "",
    pdf_path: str = "",
) -> Retrieval:
    """Mark a full-text report sought, not retrieved (with a reason) or retrieved (with the
    PDF's path when there is a file, relative to the project folder or absolute; it must
    exist)."""
    name = check_reviewer(project, reviewer)
    if status is RetrievalStatus.NOT_RETRIEVED and not reason.strip():
        raise ScreenerError("say why the report could not be retrieved (--reason TEXT)")
    if reason.strip() and status is not RetrievalStatus.NOT_RETRIEVED:
        raise ScreenerError("a reason goes with not_retrieved only")
    if pdf_path and status is not RetrievalStatus.RETRIEVED:
        raise ScreenerError("a PDF path goes with retrieved only")
    if pdf_path:
        path = Path(pdf_path).expanduser()
        if not (path if path.is_absolute() else project.path / path).is_file():
            raise ScreenerError(f"{pdf_path}: no such file")
    store = project.store
    with store.transaction():
        study = study_of(project, record_id)
        screened = study_state(project, study, Stage.TITLE_ABSTRACT)
        if screened is None or screened.status is not StudyStatus.INCLUDED:
            raise ScreenerError(f"study {study} was not included at title/abstract")
        return store.events.add_retrieval(study, status, name, reason.strip(), pdf_path)


def pdf_file(project: Project, retrieval: Retrieval | None) -> Path | None:
    if retrieval is None or not retrieval.pdf_path:
        return None
    path = Path(retrieval.pdf_path).expanduser()
    return path if path.is_absolute() else project.path / path


# -- agreement ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairAgreement:
    stage: Stage
    reviewer_a: str
    reviewer_b: str
    agreement: Agreement

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": str(self.stage),
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            **self.agreement.as_dict(),
        }


def agreement_report(project: Project, state: ReviewState | None = None) -> list[PairAgreement]:
    """Agreement per stage and reviewer pair on the studies both decided (include and maybe
    count as include)."""
    state = state or review_state(project)
    # Only decisions on studies still at a stage count: a full-text decision on a study whose
    # report was later marked not retrieved, or that was re-resolved out, no longer does.
    current = {key: d for key, d in state.decisions.items() if key[0] in state.states[key[1]]}
    return pair_agreements(current)


def pair_agreements(decisions: Mapping[tuple[int, Stage, str], Decision]) -> list[PairAgreement]:
    report = []
    for stage in Stage:
        by_reviewer: dict[str, dict[int, bool]] = {}
        for (study, s, who), d in decisions.items():
            if s is stage:
                by_reviewer.setdefault(who, {})[study] = includes(d.verdict)
        for a, b in combinations(sorted(by_reviewer), 2):
            shared = sorted(by_reviewer[a].keys() & by_reviewer[b].keys())
            if shared:
                pairs = [(by_reviewer[a][s], by_reviewer[b][s]) for s in shared]
                report.append(PairAgreement(stage, a, b, agreement(pairs)))
    return report


def history(
    project: Project, reviewer: str, stage: Stage | None = None, verdicts: Iterable[Verdict] = ()
) -> list[Decision]:
    """The reviewer's decisions in force, newest first, optionally of one stage and verdicts."""
    wanted = set(verdicts)
    found: list[Decision] = []
    for st in [stage] if stage else list(Stage):
        found.extend(
            d
            for d in my_decisions(project, reviewer, st).values()
            if not wanted or d.verdict in wanted
        )
    return sorted(found, key=event_order, reverse=True)


def progress_summary(state: ReviewState) -> dict[str, dict[str, object]]:
    """Per stage: studies at the stage, how many stand where, and each reviewer's decisions
    in force by verdict (for the dashboard)."""
    summary: dict[str, dict[str, object]] = {}
    for stage in Stage:
        states = state.states[stage]
        by_reviewer: dict[str, dict[str, int]] = {}
        for (study, s, who), d in state.decisions.items():
            if s is stage and study in states:
                counts = by_reviewer.setdefault(who, {"include": 0, "exclude": 0, "maybe": 0})
                counts[str(d.verdict)] += 1
        summary[str(stage)] = {
            "studies": len(states),
            **{str(status): state.count(stage, status) for status in StudyStatus},
            "resolved": sum(1 for s in states.values() if s.resolution is not None),
            "by_reviewer": dict(sorted(by_reviewer.items())),
        }
    return summary


def highlight_scores(project: Project) -> dict[int, float]:
    """The built-in relevance ranking: per study, how many include-term matches its title,
    abstract and keywords have, less the exclude-term matches (the best of its records).
    The ranking's cold start (screener.screening.ranking.rank) until the reviewer has both an
    include and an exclude to learn from."""
    include = project.protocol.highlight_include
    exclude = project.protocol.highlight_exclude
    lookup = _study_lookup(project)
    scores: dict[int, float] = {}
    for record_id, text in project.store.records.screening_texts():
        spans = find_highlights(text, include, exclude)
        score = float(sum(1 if s.kind is HighlightKind.INCLUDE else -1 for s in spans))
        study = lookup(record_id)
        scores[study] = max(score, scores.get(study, score))
    return scores
