"""What a sync file's event means, checked by the same functions as the command that makes
such an event (:mod:`screener.screening.decisions`, :mod:`screener.extraction.values`): the
reviewer, verdicts, reasons, tags, notes, paths and extracted values, and the state the
study was in (:mod:`screener.screening.possible`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from screener.errors import ScreenerError
from screener.extraction.service import field_named
from screener.extraction.values import check_value
from screener.models import Decision, Resolution, Retrieval, RetrievalStatus, Stage, Verdict
from screener.project import Project
from screener.screening import decisions as rules
from screener.screening.possible import (
    Seen,
    could_be_in_conflict,
    could_be_included,
    could_be_retrieved,
)
from screener.screening.studies import needed_reviews
from screener.screening.tags import consensus_tags

_LATER = "; import the other reviewers' files with it (or first) if they had decided it"


@dataclass(slots=True)
class _Study:
    """One study's events (this copy's, then those accepted from the file so far)."""

    decisions: list[Decision]
    resolutions: list[Resolution]
    retrievals: list[Retrieval]
    needed: int


@dataclass(slots=True)
class Context:
    """What the checks of one file need: the project, the vocabularies' terms (this copy's
    and those the file added so far) and the studies' events, read when first needed."""

    project: Project
    terms: dict[str, list[str]]
    study_map: dict[int, int]
    studies: dict[int, _Study] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> Context:
        terms = {k: list(v) for k, v in rules.vocabulary_terms(project).items()}
        return cls(project, terms, project.store.links.study_map())

    def study(self, record_id: int) -> tuple[int, _Study]:
        study = self.study_map.get(record_id, record_id)
        if study not in self.studies:
            events = self.project.store.events
            members = self.project.store.links.members(study)
            self.studies[study] = _Study(
                events.decisions(record_ids=members),
                events.resolutions(record_ids=members),
                events.retrievals(record_ids=members),
                needed_reviews(self.project, [study])[study],
            )
        return study, self.studies[study]


def check_event(context: Context, kind: str, row: dict[str, Any]) -> None:
    """Raise ScreenerError when the command making this event would have refused it (all
    but the study's state); the event then counts among the study's events for
    :func:`check_state`."""
    _CHECKS[kind](context, row)


def check_state(context: Context, kind: str, row: dict[str, Any]) -> None:
    """Raise ScreenerError when the study could not have been where this event needs it, in
    any history its author may have seen (every file being imported counts, so files that
    need each other are imported together)."""
    if kind not in ("decision", "resolution", "retrieval") or row.get("verdict") == "undo":
        return
    author = row["resolver"] if kind == "resolution" else row["reviewer"]
    study_id, study = context.study(row["record_id"])
    stage = Stage(row.get("stage", Stage.TITLE_ABSTRACT))
    if kind == "retrieval":
        if not could_be_included(_seen(study, Stage.TITLE_ABSTRACT, row, author)):
            raise ScreenerError(
                f"a full-text retrieval of study {study_id}, which was not included at "
                f"title/abstract then{_LATER}"
            )
        return
    reached = stage is Stage.TITLE_ABSTRACT or _at_full_text(study, row, author)
    if kind == "decision" and not reached:
        raise ScreenerError(
            f"a full-text decision on study {study_id}, which was not at full text then{_LATER}"
        )
    if kind == "resolution" and not (
        reached and could_be_in_conflict(_seen(study, stage, row, author), stage)
    ):
        raise ScreenerError(
            f"a resolution of study {study_id} at {stage}, which had no conflict then{_LATER}"
        )


def _same(what: str, given: object, stored: object) -> None:
    """A value must be as the command stores it (names stripped, tags without repeats)."""
    if given != stored:
        raise ScreenerError(
            f"{what} {_brief(given)} is not as screener stores it ({_brief(stored)})"
        )


def _brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _reviewer(context: Context, name: str) -> None:
    _same("the reviewer name", name, rules.check_reviewer(context.project, name))


def _new_terms(terms: list[tuple[str, str]]) -> None:
    """Terms a command would have added: the file must add them (or this copy have them)."""
    if terms:
        vocabulary, term = terms[0]
        raise ScreenerError(
            f"the term {_brief(term)} of {vocabulary!r} is in neither this copy nor the file"
        )


def _seen(study: _Study, stage: Stage, row: dict[str, Any], author: str) -> Seen:
    before = (datetime.fromisoformat(row["created_at"]), row["uid"])

    def earlier(event: Decision | Resolution) -> bool:
        return (event.created_at, event.uid) < before and event.stage is stage

    return Seen(
        author,
        [d for d in study.decisions if earlier(d)],
        [r for r in study.resolutions if earlier(r)],
        study.needed,
    )


def _at_full_text(study: _Study, row: dict[str, Any], author: str) -> bool:
    before = (datetime.fromisoformat(row["created_at"]), row["uid"])
    retrievals = [r for r in study.retrievals if (r.created_at, r.uid) < before]
    return could_be_included(
        _seen(study, Stage.TITLE_ABSTRACT, row, author)
    ) and could_be_retrieved(retrievals, author)


def _decision(context: Context, row: dict[str, Any]) -> None:
    project, author = context.project, row["reviewer"]
    _reviewer(context, author)
    stage, verdict = Stage(row["stage"]), Verdict(row["verdict"])
    reasons, tags = json.loads(row["reasons"]), json.loads(row["tags"])
    rules.check_text("a note", row["note"], rules.NOTE_LIMIT, lines=True)
    if verdict is Verdict.UNDO:
        if reasons or tags or row["note"]:
            raise ScreenerError("an undo has no reasons, tags or note")
    else:
        rules.check_verdict(stage, verdict)
        rules.check_reasons(project, stage, verdict, reasons)
        _new_terms(rules.check_tags(project, tags, context.terms))
        _same(
            "the tags",
            tags,
            {k: list(dict.fromkeys(t.strip() for t in v)) for k, v in tags.items()},
        )
    _, study = context.study(row["record_id"])
    study.decisions.append(
        Decision(
            0,
            row["record_id"],
            stage,
            author,
            verdict,
            tuple(reasons),
            {},
            row["note"],
            datetime.fromisoformat(row["created_at"]),
            row["uid"],
        )
    )


def _resolution(context: Context, row: dict[str, Any]) -> None:
    project, author = context.project, row["resolver"]
    _same("the resolver name", author, rules.check_resolver(author))
    stage, verdict = Stage(row["stage"]), Verdict(row["verdict"])
    reasons = json.loads(row["reasons"])
    rules.check_reasons(project, stage, verdict, reasons)
    rules.check_text("a note", row["note"], rules.NOTE_LIMIT, lines=True)
    _, study = context.study(row["record_id"])
    study.resolutions.append(
        Resolution(
            0,
            row["record_id"],
            stage,
            author,
            verdict,
            tuple(reasons),
            row["note"],
            datetime.fromisoformat(row["created_at"]),
            row["uid"],
        )
    )


def _tag_resolution(context: Context, row: dict[str, Any]) -> None:
    """Consensus tags as `screener resolve-tags` checks and stores them (the study's tag
    conflict itself is not re-checked: tags are not part of the possible histories)."""
    author = row["resolver"]
    _same("the resolver name", author, rules.check_resolver(author))
    tags = json.loads(row["tags"])
    _new_terms(rules.check_tags(context.project, tags, context.terms))
    _same("the tags", tags, {k: list(v) for k, v in consensus_tags(tags).items()})
    rules.check_text("a note", row["note"], rules.NOTE_LIMIT, lines=True)


def _retrieval(context: Context, row: dict[str, Any]) -> None:
    author, status = row["reviewer"], RetrievalStatus(row["status"])
    _reviewer(context, author)
    _same("the reason", row["reason"], row["reason"].strip())
    stored = rules.check_retrieval(context.project, status, row["reason"], row["pdf_path"])
    _same("the PDF path", row["pdf_path"], stored)
    _, study = context.study(row["record_id"])
    study.retrievals.append(
        Retrieval(
            0,
            row["record_id"],
            status,
            row["reason"],
            row["pdf_path"],
            author,
            datetime.fromisoformat(row["created_at"]),
            row["uid"],
        )
    )


def check_term(context: Context, row: dict[str, Any]) -> None:
    """A term added to an open vocabulary; it counts as known for the lines that use it."""
    _reviewer(context, row["reviewer"])
    vocabulary, term = row["vocabulary"], row["term"]
    ((_, stored),) = rules.check_tags(context.project, {vocabulary: [term]}, {vocabulary: ()})
    _same("the term", term, stored)
    known = context.terms.setdefault(vocabulary, [])
    if term not in known:
        known.append(term)


def _extraction(context: Context, row: dict[str, Any]) -> None:
    project = context.project
    _reviewer(context, row["reviewer"])
    form_field = field_named(project, row["field"])
    if row["kind"] == "consensus" and not project.protocol.extraction.dual:
        raise ScreenerError("consensus values are for dual extraction ([extraction] dual)")
    value = json.loads(row["value"])
    vocabulary = project.protocol.vocabularies.get(form_field.vocabulary)
    known = context.terms.get(form_field.vocabulary, [])
    checked, added = check_value(
        form_field, value, known, vocabulary is not None and vocabulary.open
    )
    _same("the value", row["value"], json.dumps(checked, ensure_ascii=False))
    _new_terms([(form_field.vocabulary, term) for term in added])


_CHECKS: dict[str, Callable[[Context, dict[str, Any]], None]] = {
    "decision": _decision,
    "resolution": _resolution,
    "tag_resolution": _tag_resolution,
    "retrieval": _retrieval,
    "vocabulary_term": check_term,
    "extraction": _extraction,
}
