"""Agreement statistics: worked examples from the literature, edge cases and properties.

Each expected value is computed here from the textbook formula and the table's counts (rows:
reviewer A, columns: reviewer B; a = both include, b = only A includes, c = only B includes,
d = both exclude), then compared with the published, rounded figure where there is one.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.models import Verdict
from screener.screening.agreement import (
    Agreement,
    agreement,
    agreement_from_counts,
    counts_as_include,
    paired_decisions,
)


def _from_table(a: int, b: int, c: int, d: int) -> Agreement:
    return agreement_from_counts(both_include=a, only_a_include=b, only_b_include=c, both_exclude=d)


def _pairs(a: int, b: int, c: int, d: int) -> list[tuple[bool, bool]]:
    return [(True, True)] * a + [(True, False)] * b + [(False, True)] * c + [(False, False)] * d


def _cohen(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    """po, pe and kappa as in Cohen (1960): pe from each rater's own marginal rates."""
    n = a + b + c + d
    po = (a + d) / n
    a_yes, b_yes = (a + b) / n, (a + c) / n
    pe = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    return po, pe, (po - pe) / (1 - pe)


def _fleiss_cohen_everitt_se(a: int, b: int, c: int, d: int) -> float:
    """Fleiss, Cohen & Everitt (1969) large-sample SE, written over the cells p_ij as in the
    paper (and Fleiss, Levin & Paik 2003, ch. 18) rather than the module's 2x2 expansion."""
    n = a + b + c + d
    p = [[a / n, b / n], [c / n, d / n]]
    row = [p[0][0] + p[0][1], p[1][0] + p[1][1]]  # p_i.
    col = [p[0][0] + p[1][0], p[0][1] + p[1][1]]  # p_.j
    po = p[0][0] + p[1][1]
    pe = row[0] * col[0] + row[1] * col[1]
    k = (po - pe) / (1 - pe)
    total = sum(p[i][i] * (1 - (row[i] + col[i]) * (1 - k)) ** 2 for i in range(2))
    total += (1 - k) ** 2 * sum(
        p[i][j] * (col[i] + row[j]) ** 2 for i in range(2) for j in range(2) if i != j
    )
    total -= (k - pe * (1 - k)) ** 2
    return math.sqrt(max(0.0, total) / (n * (1 - pe) ** 2))  # float rounding can go below 0


def _gwet_ac1(a: int, b: int, c: int, d: int) -> float:
    """Gwet (2008), two raters: pe = (1 / (Q - 1)) sum_q pi_q (1 - pi_q) with Q = 2."""
    n = a + b + c + d
    po = (a + d) / n
    pi_yes = ((a + b) / n + (a + c) / n) / 2
    pi_no = 1 - pi_yes
    pe = (pi_yes * (1 - pi_yes) + pi_no * (1 - pi_no)) / (2 - 1)
    return (po - pe) / (1 - pe)


def _delta_method_se(a: int, b: int, c: int, d: int) -> float:
    """The SE of kappa by the multinomial delta method with a numerical gradient.

    Fleiss, Cohen & Everitt's formula is this asymptotic variance in closed form, so the two
    must agree; this derivation shares no algebra with either implementation.
    """

    def kappa_of(cells: list[float]) -> float:  # scale-free, so sum_k p_k dk/dp_k = 0
        total = sum(cells)
        pa, pb, pc, pd = (cell / total for cell in cells)
        a_yes, b_yes = pa + pb, pa + pc
        pe = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
        return ((pa + pd) - pe) / (1 - pe)

    n = a + b + c + d
    p = [a / n, b / n, c / n, d / n]
    step = 1e-6
    gradient = []
    for k in range(4):
        up, down = list(p), list(p)
        up[k] += step
        down[k] -= step
        gradient.append((kappa_of(up) - kappa_of(down)) / (2 * step))
    mean = sum(pk * gk for pk, gk in zip(p, gradient, strict=True))
    second = sum(pk * gk * gk for pk, gk in zip(p, gradient, strict=True))
    return math.sqrt(max(0.0, second - mean**2) / n)


def test_wikipedia_cohens_kappa_example() -> None:
    # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by A and B;
    # both yes 20, A yes B no 5, A no B yes 10, both no 15: po = 0.7, pe = 0.5, kappa = 0.4.
    result = agreement(_pairs(20, 5, 10, 15))
    po, pe, kappa = _cohen(20, 5, 10, 15)
    assert (result.n, result.both_include, result.only_a_include) == (50, 20, 5)
    assert (result.only_b_include, result.both_exclude) == (10, 15)
    assert result.percent_agreement == pytest.approx(100 * po)
    assert result.kappa == pytest.approx(kappa)
    assert (po, pe, result.kappa) == pytest.approx((0.7, 0.5, 0.4))
    se = _fleiss_cohen_everitt_se(20, 5, 10, 15)
    assert result.kappa_se == pytest.approx(se)
    assert result.kappa_ci_low == pytest.approx(kappa - 1.959964 * se)
    assert result.kappa_ci_high == pytest.approx(kappa + 1.959964 * se)
    # statsmodels 0.15 cohens_kappa (SAS PROC FREQ formulas) gives SE 0.12700 and
    # 95% CI 0.1511 to 0.6489 for this table.
    assert (result.kappa_se, result.kappa_ci_low, result.kappa_ci_high) == pytest.approx(
        (0.12700, 0.1511, 0.6489), abs=1e-4
    )
    assert result.pabak == pytest.approx(2 * po - 1)
    assert result.gwet_ac1 == pytest.approx(_gwet_ac1(20, 5, 10, 15))


@pytest.mark.parametrize(
    ("table", "published_kappa"),
    [((40, 9, 6, 45), 0.70), ((80, 10, 5, 5), 0.32)],
)
def test_same_agreement_different_prevalence(
    table: tuple[int, int, int, int], published_kappa: float
) -> None:
    # Feinstein & Cicchetti (1990), "High agreement but low kappa: I", the prevalence
    # paradox that Byrt, Bishop & Carlin (1993) answer with PABAK: both tables have
    # po = 0.85 but kappa 0.70 and 0.32; PABAK = 2po - 1 = 0.70 for both.
    result = _from_table(*table)
    po, _, kappa = _cohen(*table)
    assert result.percent_agreement == pytest.approx(100 * po) == pytest.approx(85.0)
    assert result.kappa == pytest.approx(kappa)
    assert result.kappa == pytest.approx(published_kappa, abs=0.005)
    assert result.pabak == pytest.approx(2 * po - 1) == pytest.approx(0.70)
    assert result.kappa_se == pytest.approx(_fleiss_cohen_everitt_se(*table))
    assert result.gwet_ac1 == pytest.approx(_gwet_ac1(*table))


@pytest.mark.parametrize(
    ("table", "published_kappa"),
    [((45, 15, 25, 15), 0.13), ((25, 35, 5, 35), 0.26)],
)
def test_same_agreement_different_bias(
    table: tuple[int, int, int, int], published_kappa: float
) -> None:
    # Feinstein & Cicchetti (1990), the bias paradox (also discussed by Byrt et al. 1993):
    # po = 0.60 in both, yet the table with the larger rater bias has the higher kappa.
    result = _from_table(*table)
    po, _, kappa = _cohen(*table)
    assert result.percent_agreement == pytest.approx(100 * po) == pytest.approx(60.0)
    assert result.kappa == pytest.approx(kappa)
    assert result.kappa == pytest.approx(published_kappa, abs=0.005)
    assert result.pabak == pytest.approx(2 * po - 1) == pytest.approx(0.20)


def test_kappa_paradox_table_gwet_ac1() -> None:
    # The 125-subject table (118, 5, 2, 0) with which the kappa-paradox literature, Gwet
    # (2008) among it, shows high agreement with a slightly negative kappa: po = 0.944,
    # kappa = -0.02, while AC1 stays about 0.94.
    table = (118, 5, 2, 0)
    result = _from_table(*table)
    po, _, kappa = _cohen(*table)
    assert result.percent_agreement == pytest.approx(100 * po) == pytest.approx(94.4)
    assert result.kappa == pytest.approx(kappa)
    assert result.kappa == pytest.approx(-0.02, abs=0.005)
    assert result.gwet_ac1 == pytest.approx(_gwet_ac1(*table))
    assert result.gwet_ac1 == pytest.approx(0.94, abs=0.005)
    assert result.pabak == pytest.approx(2 * po - 1)
    assert result.kappa_se == pytest.approx(_fleiss_cohen_everitt_se(*table))


@pytest.mark.parametrize("table", [(20, 5, 10, 15), (118, 5, 2, 0), (1, 2, 3, 4), (9, 1, 0, 1)])
def test_kappa_se_is_the_delta_method_variance(table: tuple[int, int, int, int]) -> None:
    assert _from_table(*table).kappa_se == pytest.approx(_delta_method_se(*table), rel=1e-6)


@pytest.mark.parametrize(("table", "clipped"), [((1, 0, 1, 2), "high"), ((0, 1, 2, 0), "low")])
def test_confidence_interval_is_clipped_to_the_kappa_range(
    table: tuple[int, int, int, int], clipped: str
) -> None:
    # Four or three records: kappa +- 1.96 SE runs past one end of [-1, 1].
    result = _from_table(*table)
    _, _, kappa = _cohen(*table)
    se = _fleiss_cohen_everitt_se(*table)
    low, high = kappa - 1.959964 * se, kappa + 1.959964 * se
    assert (high > 1) if clipped == "high" else (low < -1)
    assert result.kappa_ci_low == pytest.approx(max(-1.0, low))
    assert result.kappa_ci_high == pytest.approx(min(1.0, high))
    assert (result.kappa_ci_high if clipped == "high" else result.kappa_ci_low) in (1.0, -1.0)


def test_no_shared_decisions_gives_no_statistics() -> None:
    result = agreement([])
    assert result.n == 0
    assert result.percent_agreement is None
    assert result.kappa is None and result.kappa_se is None
    assert result.kappa_ci_low is None and result.kappa_ci_high is None
    assert result.pabak is None and result.gwet_ac1 is None
    assert json.loads(json.dumps(result.as_dict()))["kappa"] is None


@pytest.mark.parametrize("table", [(12, 0, 0, 0), (0, 0, 0, 7)])
def test_one_category_only_leaves_kappa_undefined(table: tuple[int, int, int, int]) -> None:
    # pe = 1, so kappa is 0/0; observed agreement, PABAK and AC1 are still perfect.
    result = _from_table(*table)
    assert result.kappa is None and result.kappa_se is None
    assert result.kappa_ci_low is None and result.kappa_ci_high is None
    assert result.percent_agreement == 100.0
    assert result.pabak == 1.0
    assert result.gwet_ac1 == 1.0


def test_perfect_agreement_and_perfect_disagreement() -> None:
    perfect = _from_table(6, 0, 0, 4)
    assert (perfect.kappa, perfect.kappa_se) == (1.0, 0.0)
    assert (perfect.kappa_ci_low, perfect.kappa_ci_high) == (1.0, 1.0)
    opposite = _from_table(0, 5, 5, 0)  # po = 0 with pe = 0.5: kappa = -1
    assert opposite.kappa == -1.0
    assert opposite.pabak == -1.0
    assert opposite.percent_agreement == 0.0


def test_one_reviewer_including_everything_gives_kappa_zero() -> None:
    result = _from_table(7, 3, 0, 0)
    po, pe, kappa = _cohen(7, 3, 0, 0)
    assert po == pe and kappa == 0.0
    assert result.kappa == 0.0
    # The documented degenerate interval: the asymptotic SE is exactly 0 here.
    assert result.kappa_se == pytest.approx(_fleiss_cohen_everitt_se(7, 3, 0, 0), abs=1e-12)
    assert (result.kappa_se, result.kappa_ci_low, result.kappa_ci_high) == (0.0, 0.0, 0.0)
    assert result.gwet_ac1 == pytest.approx(_gwet_ac1(7, 3, 0, 0))


def test_as_dict_is_plain_json() -> None:
    result = _from_table(20, 5, 10, 15)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["n"] == 50 and data["both_include"] == 20 and data["only_b_include"] == 10
    assert data["kappa"] == pytest.approx(0.4)
    assert set(data) == {
        "n",
        "both_include",
        "both_exclude",
        "only_a_include",
        "only_b_include",
        "percent_agreement",
        "kappa",
        "kappa_se",
        "kappa_ci_low",
        "kappa_ci_high",
        "pabak",
        "gwet_ac1",
    }


def test_negative_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        _from_table(1, -1, 0, 0)


def test_maybe_counts_as_include() -> None:
    assert counts_as_include(Verdict.INCLUDE) is True
    assert counts_as_include(Verdict.MAYBE) is True
    assert counts_as_include(Verdict.EXCLUDE) is False
    with pytest.raises(ValueError, match="undo"):
        counts_as_include(Verdict.UNDO)


def test_paired_decisions_keep_records_both_decided() -> None:
    a = {3: Verdict.MAYBE, 1: Verdict.INCLUDE, 2: Verdict.EXCLUDE, 9: Verdict.INCLUDE}
    b = {1: Verdict.EXCLUDE, 3: Verdict.INCLUDE, 2: Verdict.EXCLUDE, 7: Verdict.MAYBE}
    assert paired_decisions(a, b) == [(True, False), (False, False), (True, True)]
    result = agreement(paired_decisions(a, b))
    assert (result.n, result.both_include, result.only_a_include) == (3, 1, 1)


counts = st.integers(min_value=0, max_value=400)
tables = st.tuples(counts, counts, counts, counts)


@given(tables)
def test_statistics_stay_in_range(table: tuple[int, int, int, int]) -> None:
    result = _from_table(*table)
    if result.n == 0:
        return
    assert result.percent_agreement is not None and 0 <= result.percent_agreement <= 100
    assert result.pabak is not None and -1 <= result.pabak <= 1
    assert result.gwet_ac1 is not None and -1 <= result.gwet_ac1 <= 1
    if result.kappa is not None:
        assert -1 <= result.kappa <= 1
        assert result.kappa_se is not None and result.kappa_se >= 0
        assert result.kappa_ci_low is not None and result.kappa_ci_high is not None
        assert -1 <= result.kappa_ci_low <= result.kappa <= result.kappa_ci_high <= 1


@given(tables)
def test_swapping_reviewers_changes_no_statistic(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    forward, swapped = _from_table(a, b, c, d), _from_table(a, c, b, d)
    assert (swapped.only_a_include, swapped.only_b_include) == (c, b)
    for name in ("percent_agreement", "kappa", "kappa_se", "kappa_ci_low", "kappa_ci_high"):
        assert getattr(swapped, name) == getattr(forward, name), name
    assert (swapped.pabak, swapped.gwet_ac1) == (forward.pabak, forward.gwet_ac1)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=120))
def test_pairs_and_counts_agree_whatever_the_order(pairs: list[tuple[bool, bool]]) -> None:
    table = (
        pairs.count((True, True)),
        pairs.count((True, False)),
        pairs.count((False, True)),
        pairs.count((False, False)),
    )
    assert agreement(pairs) == _from_table(*table) == agreement(reversed(pairs))


@given(tables)
def test_statistics_match_the_formulas(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    n = a + b + c + d
    result = _from_table(*table)
    if n == 0:
        return
    assert result.pabak == pytest.approx(2 * (a + d) / n - 1, abs=1e-12)
    assert result.gwet_ac1 == pytest.approx(_gwet_ac1(*table), abs=1e-9)
    a_yes, b_yes = (a + b) / n, (a + c) / n
    if a_yes == b_yes and a_yes in (0.0, 1.0):  # pe = 1
        assert result.kappa is None
        return
    _, pe, kappa = _cohen(*table)
    assert result.kappa == pytest.approx(kappa, abs=1e-9)
    if 1 - pe > 0.05:  # the numerical derivative needs a well-conditioned kappa
        assert result.kappa_se == pytest.approx(_delta_method_se(*table), rel=1e-4, abs=1e-6)
