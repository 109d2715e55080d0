"""When to stop screening: records since the last include and a statistical stopping test.

The test is Callaghan & Müller-Hansen (2020), "Statistical stopping criteria for automated
screening in systematic reviews", Systematic Reviews 9:273. With N records in all, of
which the reviewer has screened ``s`` and found ``r`` relevant, take the last ``n``
screened as a sample drawn at random, without replacement, from the ``M = N - s + n``
records that were still unscreened when the sample began; ``k`` of the sample are
relevant. The null hypothesis is that recall is below a target τ, i.e. that there are at
least ``R = floor(r / τ) + 1`` relevant records in all, so at least ``K = R - (r - k)`` in
the sampled population. Its p-value is the hypergeometric probability of finding ``k`` or
fewer relevant in ``n`` draws from ``M`` with ``K`` successes:

    p(n) = P[X <= k],  X ~ Hypergeometric(M, K, n)

taken at the most favourable window ``n`` (every run of the last 1..s decisions is tried,
as in the paper). When p < α (0.05) the reviewer has reached recall τ with 95%
confidence. :func:`stopping_estimate` reports the highest τ on a 1% grid that passes: a
lower confidence bound on recall.

Assumptions: the sampled records are as likely to be relevant as the rest of the
unscreened ones. That holds exactly when the last records were screened in random order;
under a relevance ranking the unscreened remainder is, if anything, poorer in relevant
records than the sample, which makes the test conservative. Decisions are the reviewer's
own (include and maybe count as relevant). The test advises; it never excludes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from screener.models import Stage
from screener.project import Project
from screener.screening.state import event_order, includes
from screener.screening.studies import my_decisions

ALPHA = 0.05
TARGETS = tuple(t / 100 for t in range(50, 100))  # recall targets tried, 50% to 99%


def since_last_relevant(labels: Sequence[int]) -> int:
    """Records screened since the last relevant one (all of them when there is none)."""
    for position, label in enumerate(reversed(labels)):
        if label:
            return position
    return len(labels)


def p_value(labels: Sequence[int], total: int, target: float) -> float:
    """The smallest p-value over all windows of the last screened records for the null
    hypothesis "recall < ``target``"; ``labels`` are 1/0 in screening order and ``total``
    is the number of records to screen in all."""
    screened = len(labels)
    if screened == 0 or total <= 0:
        return 1.0
    if screened >= total:
        return 0.0  # everything is screened: recall is 1
    found = int(sum(labels))
    needed = int(np.floor(found / target)) + 1  # least relevant total under the null
    n = np.arange(1, screened + 1)  # window sizes: the last n decisions
    k = np.cumsum(np.asarray(labels[::-1], dtype=np.int64))  # relevant in each window
    population = total - screened + n
    successes = needed - (found - k)
    possible = successes <= population
    from scipy.stats import hypergeom  # SciPy loads here, not when the dashboard starts

    p = np.zeros(screened)
    # A null with more relevant records than the population holds is impossible: p = 0.
    p[possible] = hypergeom.cdf(k[possible], population[possible], successes[possible], n[possible])
    return float(p.min())


@dataclass(frozen=True, slots=True)
class StoppingEstimate:
    """What the stopping aid shows for one reviewer at one stage."""

    total: int  # records (studies) at the stage
    screened: int
    relevant: int  # include or maybe
    since_last_relevant: int
    recall_bound: float | None  # recall reached with 95% confidence; None: not even 50%
    p_at_95: float  # the test's p-value for a 95% recall target

    @property
    def may_stop_at_95(self) -> bool:
        return self.p_at_95 < ALPHA

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "screened": self.screened,
            "relevant": self.relevant,
            "since_last_relevant": self.since_last_relevant,
            "recall_bound": self.recall_bound,
            "p_at_95": self.p_at_95,
        }


def _highest_target(labels: Sequence[int], total: int) -> float | None:
    """The highest target of TARGETS that the test passes. The p-value grows with the
    target (a higher target needs fewer missing records), so the passing targets are a
    prefix of TARGETS and a binary search finds its end."""
    low, high = 0, len(TARGETS)  # TARGETS[:low] pass; TARGETS[high:] fail
    while low < high:
        middle = (low + high) // 2
        if p_value(labels, total, TARGETS[middle]) < ALPHA:
            low = middle + 1
        else:
            high = middle
    return TARGETS[low - 1] if low else None


def stopping_estimate(labels: Sequence[int], total: int) -> StoppingEstimate:
    """The stopping aid from a reviewer's decisions (1 relevant, 0 not, in order)."""
    bound = _highest_target(labels, total) if labels and int(sum(labels)) else None
    return StoppingEstimate(
        total=total,
        screened=len(labels),
        relevant=int(sum(labels)),
        since_last_relevant=since_last_relevant(labels),
        recall_bound=1.0 if labels and len(labels) >= total else bound,
        p_at_95=p_value(labels, total, 0.95),
    )


def reviewer_stopping(project: Project, reviewer: str) -> StoppingEstimate:
    """The stopping aid for ``reviewer`` at title/abstract: their own decisions in force, in
    the order they made them, against every study of the project."""
    mine = sorted(my_decisions(project, reviewer, Stage.TITLE_ABSTRACT).values(), key=event_order)
    labels = [int(includes(d.verdict)) for d in mine]
    return stopping_estimate(labels, len(project.store.links.study_ids()))
