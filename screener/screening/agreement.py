"""Agreement between two reviewers' include/exclude decisions: kappa, PABAK and Gwet's AC1."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from itertools import combinations
from statistics import NormalDist
from typing import Any

from screener.models import Decision, Stage, Verdict
from screener.project import Project
from screener.screening.state import includes
from screener.screening.studies import ReviewState, review_state

# The two-sided 95% normal quantile (R's qnorm(0.975)), i.e. the "1.96" of kappa +- 1.96 SE.
Z_95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between reviewers A and B on the records both decided at one stage.

    Decisions are binary: include (with "maybe" counted as include, as Covidence does) or
    exclude. The four counts form the 2x2 table (rows: A, columns: B).

    - ``percent_agreement``: observed agreement po as a percentage (0-100).
    - ``kappa``: Cohen's (1960) kappa, (po - pe) / (1 - pe), with pe from each reviewer's own
      include rate. ``kappa_se`` is its large-sample (non-null) standard error of Fleiss,
      Cohen & Everitt (1969), the one R's ``psych::cohen.kappa``, SAS PROC FREQ (ASE) and
      statsmodels report; ``kappa_ci_low``/``kappa_ci_high`` are kappa +- 1.96 SE, clipped
      to [-1, 1].
    - ``pabak``: prevalence- and bias-adjusted kappa of Byrt, Bishop & Carlin (1993), 2po - 1.
    - ``gwet_ac1``: Gwet's (2008) AC1 for two raters and two categories.

    Undefined values are None rather than errors: with n = 0 every statistic is None; when
    both reviewers put every record in the same category (pe = 1) kappa, its SE and CI are
    None (0/0), while percent agreement, PABAK and AC1 are still defined (all perfect). When
    only one reviewer puts every record in one category, kappa is 0 and the formula's SE is
    0 as well, so the interval collapses to [0, 0]: it says nothing about precision there.
    """

    n: int
    both_include: int
    both_exclude: int
    only_a_include: int
    only_b_include: int
    percent_agreement: float | None
    kappa: float | None
    kappa_se: float | None
    kappa_ci_low: float | None
    kappa_ci_high: float | None
    pabak: float | None
    gwet_ac1: float | None

    def as_dict(self) -> dict[str, Any]:
        """The counts and statistics as plain JSON values (None for undefined ones)."""
        return asdict(self)


def counts_as_include(verdict: Verdict) -> bool:
    """Whether a decision counts as include for agreement: include and maybe do."""
    if verdict is Verdict.UNDO:
        raise ValueError("an undo event is not a decision; pass current decisions only")
    return verdict is not Verdict.EXCLUDE


def paired_decisions(
    decisions_a: Mapping[int, Verdict], decisions_b: Mapping[int, Verdict]
) -> list[tuple[bool, bool]]:
    """(A includes, B includes) for each record id both reviewers decided, in id order."""
    shared = sorted(decisions_a.keys() & decisions_b.keys())
    return [
        (counts_as_include(decisions_a[record]), counts_as_include(decisions_b[record]))
        for record in shared
    ]


def agreement(pairs: Iterable[tuple[bool, bool]]) -> Agreement:
    """Agreement statistics for (A includes, B includes) pairs, one pair per record."""
    counts = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
    for a_includes, b_includes in pairs:
        counts[(bool(a_includes), bool(b_includes))] += 1
    return agreement_from_counts(
        both_include=counts[(True, True)],
        only_a_include=counts[(True, False)],
        only_b_include=counts[(False, True)],
        both_exclude=counts[(False, False)],
    )


def agreement_from_counts(
    *, both_include: int, only_a_include: int, only_b_include: int, both_exclude: int
) -> Agreement:
    """Agreement statistics from the four cells of the 2x2 table."""
    cells = (both_include, only_a_include, only_b_include, both_exclude)
    if any(count < 0 for count in cells):
        raise ValueError(f"counts must not be negative: {cells}")
    n = sum(cells)
    table = _Table(both_include, only_a_include, only_b_include, both_exclude)
    percent: float | None = None
    pabak: float | None = None
    ac1: float | None = None
    kappa: float | None = None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    if n > 0:
        po = table.observed()
        percent = float(po * 100)
        pabak = float(2 * po - 1)
        ac1 = float(table.gwet_ac1())
        exact_kappa = table.kappa()
        if exact_kappa is not None:
            kappa = float(exact_kappa)
            se = table.kappa_se(exact_kappa)
            ci_low = max(-1.0, kappa - Z_95 * se)
            ci_high = min(1.0, kappa + Z_95 * se)
    return Agreement(
        n=n,
        both_include=both_include,
        both_exclude=both_exclude,
        only_a_include=only_a_include,
        only_b_include=only_b_include,
        percent_agreement=percent,
        kappa=kappa,
        kappa_se=se,
        kappa_ci_low=ci_low,
        kappa_ci_high=ci_high,
        pabak=pabak,
        gwet_ac1=ac1,
    )


@dataclass(frozen=True, slots=True)
class _Table:
    """The 2x2 table in exact proportions.

    Fractions keep kappa within [-1, 1] and make the statistics identical, not merely close,
    when the reviewers are swapped; counts are small, so the cost does not matter.
    """

    both_include: int
    only_a_include: int
    only_b_include: int
    both_exclude: int

    @property
    def n(self) -> int:
        return self.both_include + self.only_a_include + self.only_b_include + self.both_exclude

    def _p(self, count: int) -> Fraction:
        return Fraction(count, self.n)

    def observed(self) -> Fraction:
        return self._p(self.both_include + self.both_exclude)

    def include_rates(self) -> tuple[Fraction, Fraction]:
        """The proportion of records A includes and the proportion B includes."""
        return (
            self._p(self.both_include + self.only_a_include),
            self._p(self.both_include + self.only_b_include),
        )

    def chance(self) -> Fraction:
        """Cohen's chance agreement: both include or both exclude, independently."""
        a_rate, b_rate = self.include_rates()
        return a_rate * b_rate + (1 - a_rate) * (1 - b_rate)

    def kappa(self) -> Fraction | None:
        pe = self.chance()
        if pe == 1:
            return None
        return (self.observed() - pe) / (1 - pe)

    def kappa_se(self, kappa: Fraction) -> float:
        """Fleiss, Cohen & Everitt (1969): the large-sample SE of kappa (not the one under H0).

        var = [sum_i p_ii (1 - (p_i. + p_.i)(1 - k))^2
               + (1 - k)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
               - (k - pe (1 - k))^2] / (n (1 - pe)^2)
        with i, j over {include, exclude}, rows = reviewer A, columns = reviewer B.
        """
        a_rate, b_rate = self.include_rates()
        pe = self.chance()
        rest = 1 - kappa
        diagonal = self._p(self.both_include) * (1 - (a_rate + b_rate) * rest) ** 2
        diagonal += self._p(self.both_exclude) * (1 - ((1 - a_rate) + (1 - b_rate)) * rest) ** 2
        # Cell (A include, B exclude) is p_ij with i = include, j = exclude: its weight pairs
        # B's include rate with A's exclude rate, and the other off-diagonal cell the reverse.
        off_diagonal = rest**2 * (
            self._p(self.only_a_include) * (b_rate + (1 - a_rate)) ** 2
            + self._p(self.only_b_include) * ((1 - b_rate) + a_rate) ** 2
        )
        correction = (kappa - pe * rest) ** 2
        variance = (diagonal + off_diagonal - correction) / (self.n * (1 - pe) ** 2)
        # The exact variance is never negative; max() is only a guard for the sqrt.
        return math.sqrt(max(0.0, float(variance)))

    def gwet_ac1(self) -> Fraction:
        """Gwet (2008): chance agreement pe = sum_q pi_q (1 - pi_q) / (Q - 1) with Q = 2,
        pi_q the mean of the two reviewers' rates for category q, so pe = 2 pi (1 - pi)."""
        a_rate, b_rate = self.include_rates()
        mean_rate = (a_rate + b_rate) / 2
        pe = 2 * mean_rate * (1 - mean_rate)  # at most 1/2, so AC1 is always defined
        return (self.observed() - pe) / (1 - pe)


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
