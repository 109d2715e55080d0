"""Screening a project: decisions checked against the protocol, undo, the blind queue,
conflicts and their resolution, full-text retrieval, and agreement between reviewers."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from screener.dedup.service import study_of
from screener.errors import ScreenerError
from screener.models import (
    Decision,
    NewDecision,
    Resolution,
    Retrieval,
    RetrievalStatus,
    Stage,
    Verdict,
)
from screener.project import Project
from screener.screening.state import (
    StudyStatus,
    event_order,
)
from screener.screening.studies import my_decisions, study_state
from screener.text import control_problem

# Sizes past which a value is refused, from a command or a sync file alike (characters).
NAME_LIMIT = 100  # reviewer names
TERM_LIMIT = 200  # vocabulary terms
NOTE_LIMIT = 20_000  # notes on decisions and resolutions
REASON_LIMIT = 2_000  # why a report could not be retrieved
PATH_LIMIT = 1_000  # a PDF's path
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # https:, file:, C: ...

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


def check_text(what: str, text: str, limit: int, *, lines: bool = False) -> str:
    """``text`` unchanged, or an error when it is longer than ``limit`` characters or holds
    control characters (a note may hold tabs and line breaks: ``lines``)."""
    if len(text) > limit:
        raise ScreenerError(f"{what} is {len(text):,} characters long (at most {limit:,})")
    problem = control_problem(text, lines=lines)
    if problem:
        raise ScreenerError(f"{what} {problem}")
    return text


def check_resolver(name: str) -> str:
    """A resolver's name: stripped, not empty (anyone may resolve a conflict)."""
    name = check_text("a name", name.strip(), NAME_LIMIT)
    if not name:
        raise ScreenerError("a resolver name is needed: --resolver NAME")
    return name


def check_reviewer(project: Project, name: str) -> str:
    """The reviewer's name, checked against the protocol's list when it has one."""
    name = check_text("a reviewer name", name.strip(), NAME_LIMIT)
    if not name:
        raise ScreenerError("a reviewer name is needed: --reviewer NAME or SCREENER_REVIEWER")
    listed = project.protocol.reviewers
    if listed and name not in listed:
        return listed_spelling(name, listed)
    return name


def listed_spelling(name: str, listed: Sequence[str]) -> str:
    """The protocol's spelling of a reviewer's name typed in another case ("Alice" is
    alice), or an error naming the listed names and the closest one."""
    same = [who for who in listed if who.casefold() == name.casefold()]
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(name.casefold(), [who.casefold() for who in listed], n=1)
    hint = next((who for who in listed if close and who.casefold() == close[0]), None)
    raise ScreenerError(
        f"reviewer {name!r} is not in protocol.toml's reviewers ({', '.join(listed)})"
        + (
            f": did you mean {hint!r}? If not, add the name there first"
            if hint
            else "; add the name there first"
        )
    )


def vocabulary_terms(project: Project) -> dict[str, tuple[str, ...]]:
    """Each vocabulary's terms: the protocol's, then those reviewers added, in order."""
    terms = {name: list(v.terms) for name, v in project.protocol.vocabularies.items()}
    for added in project.store.events.vocabulary_terms():
        if added.vocabulary in terms and added.term not in terms[added.vocabulary]:
            terms[added.vocabulary].append(added.term)
    return {name: tuple(items) for name, items in terms.items()}


def check_verdict(stage: Stage, verdict: Verdict) -> None:
    """A screening decision's verdict at its stage (undo is an event of its own)."""
    if verdict not in SCREENING_VERDICTS[stage]:
        allowed = ", ".join(SCREENING_VERDICTS[stage])
        raise ScreenerError(f"a {stage} decision is one of {allowed}, not {verdict}")


def check_reasons(project: Project, stage: Stage, verdict: Verdict, reasons: Sequence[str]) -> None:
    """Exclusion reasons: the protocol's codes at the stage, with an exclusion only, one at
    full text, and at least one where the stage requires it."""
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


def check_tags(
    project: Project,
    tags: Mapping[str, Sequence[str]],
    known: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[str, str]]:
    """Check tags against the vocabularies (their terms: ``known``, else this copy's);
    returns the new terms for open vocabularies."""
    vocabularies = project.protocol.vocabularies
    known = vocabulary_terms(project) if known is None else known
    new: list[tuple[str, str]] = []
    for name, terms in tags.items():
        if name not in vocabularies:
            raise ScreenerError(
                f"unknown vocabulary {name!r} (known: {', '.join(sorted(vocabularies))})"
            )
        for term in terms:
            term = check_text(f"a term of {name!r}", term.strip(), TERM_LIMIT)
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


def decide(project: Project, decision: NewDecision, *, mark_retrieved: bool = False) -> Decision:
    """Record a reviewer's decision on the study of ``decision.record_id``, committed before
    this returns. New terms for open vocabularies are added in the same transaction. A
    full-text decision needs the report marked retrieved; ``mark_retrieved`` records that
    mark (by the same reviewer) in the same transaction instead of refusing."""
    name = check_reviewer(project, decision.reviewer)
    stage, verdict = decision.stage, decision.verdict
    check_verdict(stage, verdict)
    check_reasons(project, stage, verdict, decision.reasons)
    check_text("a note", decision.note, NOTE_LIMIT, lines=True)
    tags = {k: tuple(dict.fromkeys(t.strip() for t in v)) for k, v in decision.tags.items()}
    store = project.store
    with store.transaction():
        study = study_of(project, decision.record_id)
        if study_state(project, study, stage) is None:
            raise ScreenerError(
                f"study {study} is not at the full-text stage (it must be included at "
                "title/abstract and its report not marked as not retrieved)"
            )
        if stage is Stage.FULL_TEXT:
            _report_retrieved(project, study, name, mark_retrieved)
        for vocabulary, term in check_tags(project, tags):
            store.events.add_vocabulary_term(vocabulary, term, name)
        checked = replace(decision, record_id=study, reviewer=name, tags=tags)
        return store.events.add_decision(checked)


class ReportNotRetrievedError(ScreenerError):
    """A full-text decision on a study whose report is not marked retrieved: a face may ask
    to confirm and decide again with ``mark_retrieved`` (the TUI), or say how (the CLI)."""

    def __init__(self, study: int, shown: str) -> None:
        super().__init__(
            f"the report of study {study} is {shown}: mark it retrieved first (`screener "
            f"retrieval PROJECT retrieved --record {study}`), or decide with --retrieved to "
            "record both"
        )
        self.study = study


def _report_retrieved(project: Project, study: int, reviewer: str, mark: bool) -> None:
    """A full-text decision assesses the report, so it must be in hand: PRISMA counts a
    decided report as assessed, never as awaiting retrieval."""
    marks = project.store.events.retrievals(record_ids=project.store.links.members(study))
    latest = max(marks, key=event_order) if marks else None
    if latest is not None and latest.status is RetrievalStatus.RETRIEVED:
        return
    if not mark:
        raise ReportNotRetrievedError(study, "marked sought" if latest else "not sought yet")
    project.store.events.add_retrieval(study, RetrievalStatus.RETRIEVED, reviewer)


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
        store.events.add_decision(NewDecision(latest.record_id, stage, name, Verdict.UNDO))
    return latest


# -- the whole picture ----------------------------------------------------------------------


# -- the screening queue --------------------------------------------------------------------


# -- conflicts ------------------------------------------------------------------------------


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
    name = check_resolver(resolver)
    if verdict not in (Verdict.INCLUDE, Verdict.EXCLUDE):
        raise ScreenerError(f"a resolution is include or exclude, not {verdict}")
    check_reasons(project, stage, verdict, reasons)
    check_text("a note", note, NOTE_LIMIT, lines=True)
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
    PDF's path when there is a file, inside the project folder; it must exist)."""
    name = check_reviewer(project, reviewer)
    reason = reason.strip()
    stored = check_retrieval(project, status, reason, pdf_path)
    if stored and not (project.path / stored).is_file():
        raise ScreenerError(f"{pdf_path}: no such file")
    store = project.store
    with store.transaction():
        study = study_of(project, record_id)
        screened = study_state(project, study, Stage.TITLE_ABSTRACT)
        if screened is None or screened.status is not StudyStatus.INCLUDED:
            raise ScreenerError(f"study {study} was not included at title/abstract")
        return store.events.add_retrieval(study, status, name, reason, stored)


def check_retrieval(project: Project, status: RetrievalStatus, reason: str, pdf_path: str) -> str:
    """A retrieval's reason and PDF path against its status; returns the path as stored
    (see :func:`project_pdf_path`)."""
    if status is RetrievalStatus.NOT_RETRIEVED and not reason:
        raise ScreenerError("say why the report could not be retrieved (--reason TEXT)")
    if reason and status is not RetrievalStatus.NOT_RETRIEVED:
        raise ScreenerError("a reason goes with not_retrieved only")
    check_text("a reason", reason, REASON_LIMIT)
    if pdf_path and status is not RetrievalStatus.RETRIEVED:
        raise ScreenerError("a PDF path goes with retrieved only")
    return project_pdf_path(project, pdf_path)


def project_pdf_path(project: Project, text: str) -> str:
    """A PDF's path as stored: relative to the project folder (``/`` between parts), which
    it must resolve inside (symbolic links followed). Refused: paths outside the folder,
    URLs, and anything starting with ``-`` (a viewer would read it as an option)."""
    if not text:
        return ""
    check_text("a PDF path", text, PATH_LIMIT)
    if text.startswith("-") or _SCHEME.match(text):
        raise ScreenerError(f"{text!r} is not a path inside the project folder")
    root = project.path.resolve()
    given = Path(text).expanduser()
    try:
        inside = (given if given.is_absolute() else root / given).resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        raise ScreenerError(
            f"{text!r} is outside the project folder; keep full texts inside it"
        ) from None
    if inside == Path("."):
        raise ScreenerError(f"{text!r} is the project folder, not a file")
    return inside.as_posix()


def pdf_file(project: Project, retrieval: Retrieval | None) -> Path | None:
    """The absolute path of a retrieval's PDF, always inside the project folder (so never
    an option to a viewer), or None when there is none or its path is not one to open."""
    if retrieval is None or not retrieval.pdf_path:
        return None
    try:
        stored = project_pdf_path(project, retrieval.pdf_path)
    except ScreenerError:
        return None
    return project.path.resolve() / stored


# -- agreement ------------------------------------------------------------------------------
