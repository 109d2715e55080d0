"""Data extraction: the studies to extract, reviewers' values checked against the form, dual
extraction compared field by field, consensus values, and the value in force per field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from screener.errors import ScreenerError
from screener.extraction.studies import included_check, included_studies
from screener.extraction.values import check_value, format_value, parse_text, same_value
from screener.models import (
    ExtractedValue,
    Extraction,
    ExtractionKind,
)
from screener.project import Project
from screener.protocol import ExtractionField, ExtractionForm
from screener.screening.decisions import check_reviewer, vocabulary_terms
from screener.screening.state import (
    event_order,
)
from screener.screening.studies import StudyOfMap

__all__ = [
    "check_value",
    "format_value",
    "included_check",
    "included_studies",
    "parse_text",
    "same_value",
]


class FieldStatus(StrEnum):
    """How the reviewers' values of one field of one study compare."""

    EQUAL = "equal"  # every reviewer needed gave the same value
    DIFFER = "differ"  # they gave different values
    MISSING = "missing"  # fewer reviewers than needed gave a value
    RESOLVED = "resolved"  # a consensus value is in force, whatever the reviewers gave
    FILLED = "filled"  # single extraction: a value is in force (nothing to compare)


def form_fields(project: Project) -> tuple[ExtractionField, ...]:
    fields = project.protocol.extraction.fields
    if not fields:
        raise ScreenerError(
            "protocol.toml has no extraction form: add [extraction.fields.NAME] sections "
            "(see the commented example in a new project's protocol.toml)"
        )
    return fields


def field_named(project: Project, name: str) -> ExtractionField:
    fields = form_fields(project)
    for candidate in fields:
        if candidate.name == name:
            return candidate
    known = ", ".join(f.name for f in fields)
    raise ScreenerError(f"no extraction field {name!r} in protocol.toml (fields: {known})")


def _members(project: Project, studies: Sequence[int], lookup: StudyOfMap) -> list[int]:
    wanted = set(studies)
    return sorted(wanted | {r for r, s in lookup.duplicates.items() if s in wanted})


# -- recording -----------------------------------------------------------------------------


def record_values(
    project: Project,
    study: int,
    reviewer: str,
    values: Mapping[str, object],
    *,
    consensus: bool = False,
) -> list[Extraction]:
    """Check and record a reviewer's values (field name -> value, None clears a field) of one
    included study, in one transaction; new terms of open vocabularies are added with them.
    With ``consensus`` the values are consensus values set by ``reviewer`` as resolver."""
    name = check_reviewer(project, reviewer)
    if not values:
        raise ScreenerError("no values to record")
    store = project.store
    terms = vocabulary_terms(project)
    vocabularies = project.protocol.vocabularies
    clean: dict[str, ExtractedValue] = {}
    new_terms: list[tuple[str, str]] = []
    for field_name, value in values.items():
        form_field = field_named(project, field_name)
        known = terms.get(form_field.vocabulary, ())
        is_open = form_field.vocabulary in vocabularies and vocabularies[form_field.vocabulary].open
        checked, added = check_value(form_field, value, known, is_open)
        clean[field_name] = checked
        new_terms += [
            (form_field.vocabulary, t) for t in added if (form_field.vocabulary, t) not in new_terms
        ]
    kind = ExtractionKind.CONSENSUS if consensus else ExtractionKind.VALUE
    with store.transaction():
        study_id = included_check(project, study)
        if consensus and not project.protocol.extraction.dual:
            raise ScreenerError("consensus values are for dual extraction ([extraction] dual)")
        for vocabulary, term in new_terms:
            store.events.add_vocabulary_term(vocabulary, term, name)
        return store.extraction.add_extractions(study_id, clean, name, kind)


# -- what is in force ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldState:
    """One field of one study: each reviewer's value in force, any consensus, the comparison
    and the value in force."""

    field: ExtractionField
    values: dict[str, ExtractedValue]  # reviewer -> their latest value (cleared ones left out)
    consensus: Extraction | None
    status: FieldStatus
    value: ExtractedValue  # in force: consensus, else the agreed (or single) value, else None


@dataclass(frozen=True, slots=True)
class StudyExtraction:
    """Every field of one study, in form order."""

    study_id: int
    fields: tuple[FieldState, ...]
    dual: bool = True

    @property
    def reviewers(self) -> list[str]:
        return sorted({r for f in self.fields for r in f.values})

    def done(self, reviewer: str) -> int:
        """How many fields ``reviewer`` has filled in; with single extraction a study is
        extracted once, so every field with a value in force counts, whoever filled it."""
        if not self.dual:
            return sum(1 for f in self.fields if f.value is not None)
        return sum(1 for f in self.fields if reviewer in f.values)

    def count(self, status: FieldStatus) -> int:
        return sum(1 for f in self.fields if f.status is status)

    def in_force(self) -> dict[str, ExtractedValue]:
        return {f.field.name: f.value for f in self.fields}


def study_extractions(
    fields: Sequence[ExtractionField],
    events: Iterable[Extraction],
    study_of: StudyOfMap | None,
    *,
    dual: bool,
    studies: Iterable[int] = (),
    ordered: bool = False,
) -> dict[int, StudyExtraction]:
    """Per study, every field's state from the extraction events (pure). Events are mapped to
    their record's study now (as decisions are); the latest event per (study, field,
    reviewer) and per (study, field) for consensus is in force; a None value clears."""
    duplicates = (study_of or StudyOfMap({})).duplicates
    values: dict[tuple[int, str, str], Extraction] = {}
    consensus: dict[tuple[int, str], Extraction] = {}
    # ``ordered``: the events come in the order they were made (as the store reads them)
    in_order = events if ordered else sorted(events, key=event_order)  # type: ignore[arg-type]
    for event in in_order:
        study = duplicates.get(event.record_id, event.record_id)
        if event.kind is ExtractionKind.CONSENSUS:
            consensus[(study, event.field)] = event
        else:
            values[(study, event.field, event.reviewer)] = event
    by_study: dict[int, dict[str, dict[str, Extraction]]] = {s: {} for s in studies}
    for (study, name, reviewer), event in values.items():
        if event.value is not None:
            by_study.setdefault(study, {}).setdefault(name, {})[reviewer] = event
    for study, _ in consensus:
        by_study.setdefault(study, {})
    result = {}
    nobody: dict[str, Extraction] = {}
    for study, per_field in by_study.items():
        states = []
        for form_field in fields:
            agreed = consensus.get((study, form_field.name))
            if agreed is not None and agreed.value is None:
                agreed = None  # a cleared consensus: back to the reviewers' values
            given = per_field.get(form_field.name, nobody)
            states.append(_field_state(form_field, given, agreed, dual))
        result[study] = StudyExtraction(study, tuple(states), dual)
    return result


def _field_state(
    form_field: ExtractionField,
    events: dict[str, Extraction],
    agreed: Extraction | None,
    dual: bool,
) -> FieldState:
    """``events``: each reviewer's value event in force (cleared ones left out)."""
    given = (
        {r: events[r].value for r in sorted(events)}
        if len(events) > 1
        else {r: e.value for r, e in events.items()}
    )
    shown = list(given.values())
    latest = max(events.values(), key=event_order).value if events else None  # type: ignore[arg-type]
    status, value = decide_field(
        form_field, shown, None if agreed is None else agreed.value, latest, dual
    )
    return FieldState(form_field, given, agreed, status, value)


def decide_field(
    form_field: ExtractionField,
    shown: Sequence[ExtractedValue],
    agreed: ExtractedValue,
    latest: ExtractedValue,
    dual: bool,
) -> tuple[FieldStatus, ExtractedValue]:
    """A field's status and value in force from the reviewers' values (by name), any
    consensus value and the value entered last: the consensus if any, else the agreed value
    (with dual extraction, two reviewers at least), else with single extraction the last.
    Single extraction compares nothing: a field is filled or missing."""
    if agreed is not None:
        return FieldStatus.RESOLVED, agreed
    if not dual:
        return (FieldStatus.FILLED, latest) if shown else (FieldStatus.MISSING, None)
    if len(shown) < 2:
        status = FieldStatus.MISSING
    elif all(same_value(form_field, shown[0], v) for v in shown[1:]):
        status = FieldStatus.EQUAL
    else:
        status = FieldStatus.DIFFER
    return status, shown[0] if status is FieldStatus.EQUAL else None


def values_in_force(
    project: Project, studies: Sequence[int]
) -> dict[int, tuple[dict[str, ExtractedValue], list[str]]]:
    """Per study, each field's value in force and who extracted it: what the evidence
    exports need of :func:`project_extractions`, worked out from plain rows (thousands of
    included studies make a hundred thousand events). Values stay JSON text until the end:
    equal values of several studies are one object: read them, do not change them."""
    form = project.protocol.extraction
    duplicates = project.store.links.study_map()
    members = _members(project, studies, StudyOfMap(duplicates))
    rows = project.store.extraction.rows(members)
    given, agreed = _latest_texts(rows, duplicates)
    distinct = list({row[4] for row in rows})  # a few hundred texts: every one parsed once
    parsed = dict(zip(distinct, json.loads("[" + ",".join(distinct) + "]"), strict=True))
    _drop_cleared(given, agreed, {text for text, value in parsed.items() if value is None})
    memo: dict[Signature, ExtractedValue] = {}
    return {
        study: _study_values(form, given.get(study, {}), agreed.get(study, {}), parsed, memo)
        for study in studies
    }


Texts = dict[str, str]  # reviewer (or field) -> value as JSON text
Signature = tuple[str, tuple[str, ...], str | None, str | None]


def _latest_texts(
    rows: Sequence[tuple[int, str, str, str, str]], duplicates: Mapping[int, int]
) -> tuple[dict[int, dict[str, Texts]], dict[int, Texts]]:
    """Per study and field, each reviewer's latest value (kept in the order the values were
    given: a re-given one moves last), and per study each field's latest consensus."""
    given: dict[int, dict[str, Texts]] = {}
    agreed: dict[int, Texts] = {}
    consensus_kind = str(ExtractionKind.CONSENSUS)
    for record, name, kind, who, text in rows:
        study = duplicates.get(record, record)
        if kind == consensus_kind:
            agreed.setdefault(study, {})[name] = text
            continue
        slots = given.setdefault(study, {}).setdefault(name, {})
        slots.pop(who, None)
        slots[who] = text
    return given, agreed


def _drop_cleared(
    given: dict[int, dict[str, Texts]], agreed: dict[int, Texts], cleared: set[str]
) -> None:
    """A cleared value is left out; a cleared consensus: back to the reviewers' values."""
    if not cleared:
        return
    for texts in [*agreed.values(), *(s for f in given.values() for s in f.values())]:
        for key in [k for k, text in texts.items() if text in cleared]:
            del texts[key]


def _study_values(
    form: ExtractionForm,
    per_field: dict[str, Texts],
    consensus_of: Texts,
    parsed: Mapping[str, ExtractedValue],
    memo: dict[Signature, ExtractedValue],
) -> tuple[dict[str, ExtractedValue], list[str]]:
    """One study's value in force of every form field, and who extracted it.
    :func:`decide_field` runs once per distinct signature (field, reviewers' texts by name,
    consensus text, text entered last): most fields of most studies repeat one."""
    needed = 2 if form.dual else 1
    values: dict[str, ExtractedValue] = {}
    names: set[str] = set()
    for form_field in form.fields:
        name = form_field.name
        slots = per_field.get(name, {})
        consensus = consensus_of.get(name)
        names.update(slots)
        if consensus is None and len(slots) < needed:
            values[name] = None  # missing: nothing in force yet
            continue
        shown = tuple([slots[who] for who in sorted(slots)] if len(slots) > 1 else slots.values())
        last = next(reversed(slots.values())) if slots else None
        signature = (name, shown, consensus, last)
        if signature not in memo:
            memo[signature] = decide_field(
                form_field,
                [parsed[text] for text in shown],
                None if consensus is None else parsed[consensus],
                None if last is None else parsed[last],
                form.dual,
            )[1]
        values[name] = memo[signature]
    return values, sorted(names)


def project_extractions(
    project: Project, studies: Sequence[int] | None = None
) -> dict[int, StudyExtraction]:
    """:func:`study_extractions` of the included studies (or of ``studies``), reading only
    their events."""
    store = project.store
    wanted = included_studies(project) if studies is None else list(studies)
    lookup = StudyOfMap(store.links.study_map())
    events = store.extraction.extractions(record_ids=_members(project, wanted, lookup))
    found = study_extractions(
        project.protocol.extraction.fields,
        events,
        lookup,
        dual=project.protocol.extraction.dual,
        studies=wanted,
        ordered=True,
    )
    return {s: found[s] for s in wanted}


def conflicts(project: Project) -> list[tuple[int, FieldState]]:
    """Fields where two reviewers' values differ and no consensus is in force."""
    found = project_extractions(project)
    return [
        (study, state)
        for study, extraction in found.items()
        for state in extraction.fields
        if state.status is FieldStatus.DIFFER
    ]
