"""Duplicate detection over a project's records: prepare them, count their values, block,
weigh the evidence of each candidate pair and let the named rules decide."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from screener.dedup.blocking import candidate_codes
from screener.dedup.evidence import compare, title_level
from screener.dedup.frequencies import Frequencies
from screener.dedup.prepared import Prepared, prepare
from screener.dedup.rules import Decision, Rule, decide
from screener.models import LinkMethod, LinkVerdict, MatchInput


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair judged to be one study, related, or uncertain (for a reviewer). ``score`` is
    the probability that the two are one paper; ``rule`` names the rule that decided."""

    a: int
    b: int
    verdict: LinkVerdict
    method: LinkMethod
    score: float
    reason: str
    rule: str = ""


def judge(x: Prepared, y: Prepared, freq: Frequencies) -> tuple[Decision, float]:
    """The decision on a pair and the probability that the two are one paper. Two shortcuts
    give the decision the rules would give without weighing every field: plainly different
    titles and no identifier, volume and first page in common (most candidate pairs: no rule
    links them), and the same identifier with the same title and sort of item (the
    commonest duplicates: same_identifier merges them)."""
    if _same_identifier(x, y):
        if x.core_key == y.core_key and x.numbers == y.numbers and _same_sort(x, y):
            label = "same DOI" if x.doi and x.doi == y.doi else "same PMID"
            return Decision(LinkVerdict.SAME, Rule.SAME_IDENTIFIER, label), 1.0
    elif not (x.page and x.page == y.page and x.volume == y.volume):
        level, similarity = title_level(x, y)
        if level in ("missing", "different"):
            rule = Rule.NO_TITLE if level == "missing" else Rule.WEAK_EVIDENCE
            why = (
                "a record has no title" if level == "missing" else f"titles {similarity:.2f} alike"
            )
            return Decision(LinkVerdict.DIFFERENT, rule, why), 0.0
    evidence = compare(x, y, freq)
    return decide(x, y, evidence, freq), evidence.probability


def _same_identifier(x: Prepared, y: Prepared) -> bool:
    return bool((x.doi and x.doi == y.doi) or (x.pmid and x.pmid == y.pmid))


def _same_sort(x: Prepared, y: Prepared) -> bool:
    return x.kinds == y.kinds and x.channel is y.channel


def candidate(x: Prepared, y: Prepared, decision: Decision, probability: float) -> Candidate:
    """The pair's link as the service stores it (smaller id first)."""
    first, second = (x.id, y.id) if x.id < y.id else (y.id, x.id)
    return Candidate(
        first,
        second,
        decision.verdict,
        decision.method,
        round(probability, 4),
        decision.reason,
        str(decision.rule),
    )


def find_candidates(
    records: Sequence[MatchInput],
    *,
    compared_up_to: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[Candidate]:
    """Judge candidate pairs. Pairs whose two ids are both <= ``compared_up_to`` are not
    compared (incremental runs compare only new records against everything); the value
    frequencies count all records. Pairs not returned are different papers.
    ``progress(done, total)`` is called now and then."""
    prepared = [prepare(r) for r in records]
    freq = Frequencies(prepared)
    codes = candidate_codes(prepared, compared_up_to)
    total, n = len(codes), len(prepared)
    found = []
    step = max(1, total // 100)
    for count, code in enumerate(codes, 1):
        x, y = prepared[code // n], prepared[code % n]
        decision, probability = judge(x, y, freq)
        if decision.verdict is not LinkVerdict.DIFFERENT:
            found.append(candidate(x, y, decision, probability))
        if progress and count % step == 0:
            progress(count, total)
    if progress:
        progress(total, total)
    return found


__all__ = ["Candidate", "find_candidates", "judge", "prepare"]
