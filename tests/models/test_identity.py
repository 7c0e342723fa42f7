"""herz.models.identity: identity as payoff transformation (issue 3)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.models import identity as im
from herz.models.games import GameClass

FAST = settings(max_examples=80, deadline=None)


@st.composite
def prisoners_dilemmas(draw):
    # T > R > P > S with integer gaps
    s = draw(st.integers(-10, 10))
    p = s + draw(st.integers(1, 10))
    r = p + draw(st.integers(1, 10))
    t = r + draw(st.integers(1, 10))
    return r, s, t, p


@FAST
@given(pd=prisoners_dilemmas())
def test_bands_follow_models_7_5(pd):
    r, s, t, p = pd
    rt, sp = im.identity_thresholds(r, s, t, p)
    assert rt == pytest.approx((t - r) / (r - s)) and sp == pytest.approx((p - s) / (t - p))
    bands = im.identity_bands(r, s, t, p)
    assert bands[0].low == -1.0 and bands[-1].high == 1.0
    # below both thresholds: PD; above both: harmony; between: chicken if sp < rt else stag hunt
    lo_thr, hi_thr = sorted((rt, sp))
    for b in bands:
        mid = (b.low + b.high) / 2
        if mid < lo_thr:
            assert b.game_class is GameClass.PRISONERS_DILEMMA
        elif mid > hi_thr:
            assert b.game_class is GameClass.HARMONY
        elif sp < rt:
            # T' > R', S' > P' and R' > P': anti-coordination. MODELS.md calls it chicken;
            # R' > S' (chicken proper) holds iff lambda < (R - S)/(T - R), which can fail
            # when (T - R)/(R - S) > 1, giving leader or hero instead.
            assert b.game_class in (GameClass.CHICKEN, GameClass.LEADER, GameClass.HERO)
            if rt <= 1:
                assert b.game_class is GameClass.CHICKEN
        else:
            assert b.game_class is GameClass.STAG_HUNT
    # band edges inside (-1, 1) are thresholds where the class changes
    for left, right in itertools.pairwise(bands):
        assert left.game_class is not right.game_class


def test_lambda_zero_is_identity_and_minus_one_ties_r_and_p():
    assert im.transform(3, 0, 5, 1, 0.0) == (3, 0, 5, 1)
    r, _s, _t, p = im.transform(3, 0, 5, 1, -1.0)
    assert r == p == 0.0
    assert im.transformed_class(3, 0, 5, 1, -1.0).game_class is GameClass.BOUNDARY


def test_enmity_keeps_pd():
    # lambda < 0 widens T' - R' = (T - R) + lambda (S - R) > 0 and P' - S' > 0
    for lam in (-0.9, -0.5, -0.1):
        assert im.transformed_class(3, 0, 5, 1, lam).game_class is GameClass.PRISONERS_DILEMMA


def test_bad_inputs():
    with pytest.raises(ParameterError, match="identity_weight"):
        im.transform(3, 0, 5, 1, 1.5)
    with pytest.raises(ParameterError, match="payoffs"):
        im.identity_thresholds(4, 1, 3, 2)  # a stag hunt, not a PD
