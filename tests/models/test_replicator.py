"""herz.models.replicator: rhs, integration, rest points, basins (issue 3)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.models import replicator as rp

FAST = settings(max_examples=60, deadline=None)


@FAST
@given(x=st.floats(0, 1), r=st.integers(-5, 5), s=st.integers(-5, 5), t=st.integers(-5, 5),
       p=st.integers(-5, 5))
def test_general_rhs_reduces_to_2x2_formula(x, r, s, t, p):
    full = rp.rhs([x, 1 - x], [[r, s], [t, p]])
    assert full[0] == pytest.approx(rp.rhs_2x2(x, r, s, t, p), abs=1e-12)
    assert full.sum() == pytest.approx(0.0, abs=1e-12)  # the simplex is invariant


@FAST
@given(gaps=st.tuples(st.integers(1, 9), st.integers(1, 9)), base=st.integers(-5, 5),
       top=st.integers(0, 9))
def test_stag_hunt_rest_point_and_basins(gaps, base, top):
    # stag hunt: R > T and P > S (MODELS.md 8): x* = (P - S)/[(R - T) + (P - S)]
    rt, ps = gaps
    s = base
    p = s + ps
    t = p - 3 + top  # T anywhere, R above it
    r = t + rt
    x_star = ps / (rt + ps)
    points, _ = rp.rest_points([[r, s], [t, p]])
    interior = [pt for pt in points if len(pt.support) == 2]
    assert len(interior) == 1 and interior[0].x[0] == pytest.approx(x_star)
    assert interior[0].stability is rp.Stability.SOURCE
    assert all(pt.stable for pt in points if len(pt.support) == 1)
    basins = rp.basins_2x2(r, s, t, p)
    sizes = {tuple(b.attractor): b.size for b in basins.basins}
    assert sizes[(1.0, 0.0)] == pytest.approx(rt / (rt + ps))
    assert sum(sizes.values()) == pytest.approx(1.0)


def test_chicken_interior_attractor_and_pd():
    # chicken 3,2,4,1: g(x) = (S-P) + x[(R-T)-(S-P)] = 1 - 2x: x* = 1/2 attracts all
    b = rp.basins_2x2(3, 2, 4, 1)
    assert len(b.basins) == 1 and b.basins[0].attractor[0] == pytest.approx(0.5)
    pts, _ = rp.rest_points([[3, 2], [4, 1]])
    assert [pt.stable for pt in pts if len(pt.support) == 2] == [True]
    # PD: D takes over from every interior start
    pd = rp.basins_2x2(3, 0, 5, 1)
    assert len(pd.basins) == 1 and pd.basins[0].attractor.tolist() == [0.0, 1.0]
    traj = rp.integrate([[3, 0], [5, 1]], [0.99, 0.01], [0, 30])
    assert traj.x[-1, 0] < 1e-3


def test_integration_matches_logistic_closed_form():
    # R, S, T, P = 1, 1, 0, 0: R - T = S - P = 1, so g(x) = 1 and dx/dt = x(1-x), the
    # logistic equation with x(t) = 1/(1 + (1/x0 - 1) e^{-t}); x0 = 0.2 gives 1/x0 - 1 = 4
    t = np.array([0.0, 0.5, 1.0, 3.0])
    traj = rp.integrate([[1, 1], [0, 0]], [0.2, 0.8], t)
    assert traj.x[:, 0] == pytest.approx(1 / (1 + 4 * np.exp(-t)), abs=1e-8)


def test_rock_paper_scissors_centre_is_a_neutral_centre():
    # zero-sum RPS: eigenvalues +- i/sqrt(3), and x1 x2 x3 is conserved (Hofbauer and
    # Sigmund 1998, ch. 7): a neutral centre, stable but not attracting (issue 15)
    rps = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    pts, _ = rp.rest_points(rps)
    centre = next(pt for pt in pts if len(pt.support) == 3)
    assert centre.x == pytest.approx([1 / 3] * 3)
    assert centre.stability is rp.Stability.NEUTRAL_CENTRE
    assert "neutral centre" in centre.to_dict()["stability"] and not centre.stable
    assert sorted(abs(centre.eigenvalues.imag)) == pytest.approx([3 ** -0.5] * 2)
    assert np.all(np.abs(centre.eigenvalues.real) < 1e-12)
    # the orbit keeps x1 x2 x3, so it neither spirals in nor out
    traj = rp.integrate(rps, [0.5, 0.3, 0.2], np.linspace(0, 50, 11))
    assert np.prod(traj.x, axis=1) == pytest.approx(0.03, rel=1e-8)
    # rock-paper-scissors with a win worth more than a loss costs: an attracting focus
    # (Hofbauer and Sigmund: stable iff the determinant condition a > b holds), not a centre
    pts, _ = rp.rest_points([[0, -1, 2], [2, 0, -1], [-1, 2, 0]])
    focus = next(pt for pt in pts if len(pt.support) == 3)
    assert focus.stability is rp.Stability.SINK
    pts, _ = rp.rest_points([[0, -2, 1], [1, 0, -2], [-2, 1, 0]])
    assert next(pt for pt in pts if len(pt.support) == 3).stability is rp.Stability.SOURCE


def test_issue_15_integration_stays_on_the_simplex():
    # [[5, 0], [3, 2]] from (0.1, 0.9) to t = 2000 returned shares down to -2.6e-11
    t = np.linspace(0.0, 2000.0, 2001)
    traj = rp.integrate([[5, 0], [3, 2]], [0.1, 0.9], t)
    assert np.all(traj.x >= 0.0)
    assert traj.x.sum(axis=1) == pytest.approx(1.0, abs=1e-15)
    assert traj.x[-1].tolist() == [0.0, 1.0] or traj.x[-1, 0] < 1e-300
    # and it is accurate: g(x) = 4x - 2 (R - T = 2, P - S = 2), so
    # d/dt logit(x) = 4x - 2; the exact solution solves t = int dx / [x(1-x)(4x - 2)]
    # = ln|2x - 1| - [ln x + ln(1 - x)]/2 + const, checked where x is still representable
    def potential(x):
        return np.log(np.abs(2 * x - 1)) - (np.log(x) + np.log1p(-x)) / 2

    early = t <= 20
    x = traj.x[early, 0]
    assert potential(x) - potential(0.1) == pytest.approx(t[early], abs=1e-7)
    # small shares keep their relative accuracy: log x(t) ~ -2t for large t
    later = rp.integrate([[5, 0], [3, 2]], [0.1, 0.9], [0.0, 100.0, 200.0]).x[:, 0]
    assert np.log(later[2]) - np.log(later[1]) == pytest.approx(-200.0, rel=1e-8)


def test_continuum_is_reported():
    pts, notes = rp.rest_points([[1, 1], [1, 1]])
    assert notes and all(len(pt.support) == 1 for pt in pts)
    assert rp.basins_2x2(1, 1, 1, 1).basins == ()


def test_sampled_basins_match_exact_2x2():
    # EVO-1 stag hunt: exact basin of all-C is 2/3; the estimate must lie within 4 se
    est = rp.sample_basins([[1, -0.25], [0.5, 0]], 1500, rng=20261127)
    stag = next(b for b in est.basins if b.attractor[0] == 1.0)
    assert stag.stderr is not None
    assert abs(stag.size - 2 / 3) < 4 * stag.stderr
    assert est.unresolved == 0.0


def test_sampled_basins_symmetric_coordination():
    # identity payoffs on 3 strategies: the game is symmetric under relabelling strategies
    # and Dirichlet(1,1,1) starts are too, so each pure state has basin 1/3
    est = rp.sample_basins(np.eye(3), 1500, rng=7)
    assert len(est.basins) == 3
    for b in est.basins:
        assert b.stderr is not None and abs(b.size - 1 / 3) < 4 * b.stderr
    again = rp.sample_basins(np.eye(3), 1500, rng=7)
    assert [b.size for b in again.basins] == [b.size for b in est.basins]


def test_bad_inputs():
    with pytest.raises(ParameterError, match="payoffs"):
        rp.rhs([1.0], [[1.0]])
    with pytest.raises(ParameterError, match="x"):
        rp.rhs([0.5, 0.6], [[1, 0], [0, 1]])
    with pytest.raises(ParameterError, match="continuation"):
        rp.tft_alld_payoffs(3, 0, 5, 1, 1.0)
