"""Why two records are one study, related, a question for a reviewer, or different: each
field compared with its agreement weight, and the rule that decided (`screener dedup
PROJECT --explain ID1 ID2`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screener.dedup.links import pair_states
from screener.errors import ScreenerError
from screener.models import LinkVerdict, Record
from screener.project import Project


@dataclass(frozen=True, slots=True)
class ExplainedField:
    """One field of the two records, the level it compares at and its weight in bits."""

    field: str
    value_a: str
    value_b: str
    level: str
    weight: float
    note: str
    conflict: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "values": [self.value_a, self.value_b],
            "level": self.level,
            "weight": round(self.weight, 2),
            "note": self.note,
            "conflict": self.conflict,
        }


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """The matcher's judgement of a pair as a run would make it now. ``prior`` + ``score``
    = ``posterior`` (log2-odds that the two are one paper); ``compared`` says whether a run
    compares the pair at all (they share a blocking key); ``in_force`` describes the
    verdict now stored for the pair ('' when none: the pair counts as different)."""

    record_a: int
    record_b: int
    fields: tuple[ExplainedField, ...]
    prior: float
    score: float
    posterior: float
    probability: float
    verdict: LinkVerdict
    rule: str
    reason: str
    related_kind: str
    compared: bool
    in_force: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": [self.record_a, self.record_b],
            "verdict": str(self.verdict),
            "rule": self.rule,
            "reason": self.reason,
            "related_kind": self.related_kind or None,
            "prior_bits": round(self.prior, 2),
            "score_bits": round(self.score, 2),
            "posterior_bits": round(self.posterior, 2),
            "probability": round(self.probability, 6),
            "fields": [f.as_dict() for f in self.fields],
            "compared_by_a_run": self.compared,
            "in_force": self.in_force or None,
        }


def _values(record: Record) -> dict[str, str]:
    pages = record.start_page + (f"-{record.end_page}" if record.end_page else "")
    return {
        "title": record.title,
        "authors": "; ".join(record.authors),
        "journal": record.journal or record.journal_abbrev,
        "year": "" if record.year is None else str(record.year),
        "volume": record.volume,
        "issue": record.issue,
        "pages": pages or record.pages,
        "abstract": record.abstract[:120],
        "doi": record.doi,
        "pmid": record.pmid,
    }


def _in_force(project: Project, a: int, b: int) -> str:
    state = pair_states(project.store.links.events()).get((a, b))
    if state is None:
        return ""
    if state.reviewer:
        return f"{state.verdict} by reviewer {state.reviewer}"
    by = f"rule {state.rule}" if state.rule else str(state.method)
    return f"{state.verdict} ({by}{', skipped by a reviewer' if state.skipped else ''})"


def explain_pair(project: Project, a: int, b: int) -> PairExplanation:
    """Judge records ``a`` and ``b`` as a run would now, among all the project's records
    (the weights depend on how common each value is in the project)."""
    # numpy and rapidfuzz: only an explanation or a run needs them
    from screener.dedup.blocking import blocking_keys
    from screener.dedup.evidence import compare
    from screener.dedup.frequencies import Frequencies
    from screener.dedup.prepared import prepare
    from screener.dedup.rules import decide

    if a == b:
        raise ScreenerError(f"record {a} cannot be compared with itself")
    a, b = min(a, b), max(a, b)
    stored = project.store.records.by_id([a, b])
    missing = [str(i) for i in (a, b) if i not in stored]
    if missing:
        raise ScreenerError(f"no record {', '.join(missing)} in this project")
    prepared = {r.id: prepare(r) for r in project.store.records.match_inputs()}
    freq = Frequencies(list(prepared.values()))
    x, y = prepared[a], prepared[b]
    evidence = compare(x, y, freq)
    decision = decide(x, y, evidence, freq)
    values_a, values_b = _values(stored[a].record), _values(stored[b].record)
    fields = tuple(
        ExplainedField(
            f.field,
            values_a[f.field],
            values_b[f.field],
            f.level,
            f.weight,
            f.note,
            f.conflict,
        )
        for f in evidence.fields
    )
    return PairExplanation(
        record_a=a,
        record_b=b,
        fields=fields,
        prior=evidence.prior,
        score=evidence.score,
        posterior=evidence.posterior,
        probability=evidence.probability,
        verdict=decision.verdict,
        rule=str(decision.rule),
        reason=decision.reason,
        related_kind=str(decision.related or ""),
        compared=bool(set(blocking_keys(x)) & set(blocking_keys(y))),
        in_force=_in_force(project, a, b),
    )
