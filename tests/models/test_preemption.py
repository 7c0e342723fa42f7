"""herz.models.preemption: bargaining, preemption, prevention (issue 3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.models import preemption as pm

FAST = settings(max_examples=80, deadline=None)


def test_clipped_range():
    br = pm.bargaining_range(0.95, 0.1, 0.2)
    assert br.high == pytest.approx(1.15) and br.clipped == pytest.approx((0.85, 1.0))


def test_issue_15_preemption_range_clipped_like_bargaining_range():
    # p_f = 0.95, p_s = 0.9, c_A = 0.1, c_B = 0.3: safe divisions [0.85, 1.2] -> [0.85, 1]
    res = pm.preemption(0.95, 0.9, 0.1, 0.3)
    assert res.peace and res.range == pytest.approx((0.85, 1.2))
    assert res.clipped == pytest.approx((0.85, 1.0))
    # and at the bottom: p_f = 0.1, p_s = 0.05, c_A = 0.3 -> lower -0.2 clipped to 0
    low = pm.preemption(0.1, 0.05, 0.3, 0.1)
    assert low.range == pytest.approx((-0.2, 0.15)) and low.clipped == pytest.approx((0.0, 0.15))
    assert low.to_dict()["clipped"] == pytest.approx([0.0, 0.15])
    assert pm.preemption(0.7, 0.3, 0.1, 0.1).clipped is None
    with pytest.raises(ParameterError, match="cost_a = 0"):
        pm.preemption(0.7, 0.3, 0, 0.1)


@FAST
@given(pf=st.floats(0, 1), ps=st.floats(0, 1), ca=st.floats(0.01, 1), cb=st.floats(0.01, 1))
def test_clipped_preemption_range_lies_in_the_issue_space(pf, ps, ca, cb):
    res = pm.preemption(pf, ps, ca, cb)
    if res.peace:
        lo, hi = res.clipped
        assert 0.0 <= lo <= hi <= 1.0
        assert lo == max(res.lower, 0.0) and hi == min(res.upper, 1.0)


def test_boundary_gap_equals_costs_is_peace():
    # p_f - p_s = 0.5 = c_A + c_B: the single division x = p_f - c_A = p_s + c_B = 0.5
    res = pm.preemption(0.75, 0.25, 0.25, 0.25)
    assert res.peace and res.range == pytest.approx((0.5, 0.5))


@FAST
@given(pf=st.floats(0, 1), ps=st.floats(0, 1), ca=st.floats(0.01, 1), cb=st.floats(0.01, 1))
def test_preemption_condition(pf, ps, ca, cb):
    res = pm.preemption(pf, ps, ca, cb)
    if abs((pf - ps) - (ca + cb)) > 1e-12:
        assert res.peace == (pf - ps < ca + cb)


@FAST
@given(delta=st.floats(0.01, 10), a=st.floats(0.1, 10), b=st.floats(0.1, 10))
def test_first_strike_probabilities(delta, a, b):
    pf, ps = pm.first_strike_probabilities(delta, a, b)
    assert pf == pytest.approx(a / (a + delta * b))
    assert ps == pytest.approx(delta * a / (b + delta * a))
    # offense dominance (delta < 1) gives a first-strike advantage, defense dominance a penalty
    if delta < 1 - 1e-9:
        assert pf > ps
    elif delta > 1 + 1e-9:
        assert pf < ps


@FAST
@given(delta=st.floats(0.01, 10))
def test_equal_forces_gap(delta):
    pf, ps = pm.first_strike_probabilities(delta)
    assert pf - ps == pytest.approx((1 - delta) / (1 + delta), abs=1e-12)


@FAST
@given(pt=st.floats(0, 1), pn=st.floats(0, 1), d=st.floats(0.01, 0.99), ca=st.floats(0.01, 1))
def test_prevention_condition_forms_agree(pt, pn, d, ca):
    res = pm.preventive_war(pt, pn, d, ca)
    lhs = (pt - d * pn) / (1 - d) - (1 - d) * ca
    if abs(lhs - 1) > 1e-9:
        assert res.war == (lhs > 1)
    if abs(pn - res.critical_p_next) > 1e-9:
        assert res.war == (pn < res.critical_p_next)


def test_bad_inputs():
    with pytest.raises(ParameterError, match="cost_a"):
        pm.bargaining_range(0.5, 0.0, 0.1)
    with pytest.raises(ParameterError, match="p_first"):
        pm.preemption(1.5, 0.3, 0.1, 0.1)
    with pytest.raises(ParameterError, match="forces"):
        pm.contest_success(0.0, 0.0, 1.0)
    with pytest.raises(ParameterError, match="discount"):
        pm.preventive_war(0.5, 0.4, 1.0, 0.1)
