"""herz.models.games: taxonomy, equilibria, thresholds (issue 3)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from herz.errors import ParameterError
from herz.models import games as gm
from herz.models.games import GameClass

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- taxonomy

# Orderings from the literature (Rapoport & Guyer 1966; Jervis 1978): 4 = best, 1 = worst.
NAMED = [
    # (R, S, T, P, class)
    (3, 1, 4, 2, GameClass.PRISONERS_DILEMMA),   # T > R > P > S
    (4, 1, 3, 2, GameClass.STAG_HUNT),           # R > T > P > S (Jervis: CC > DC > DD > CD)
    (4, 1, 2, 3, GameClass.STAG_HUNT),           # R > P > T > S (assurance)
    (3, 2, 4, 1, GameClass.CHICKEN),             # T > R > S > P
    (2, 1, 4, 3, GameClass.DEADLOCK),            # T > P > R > S
    (4, 3, 2, 1, GameClass.HARMONY),             # R > S > T > P
    (4, 2, 3, 1, GameClass.HARMONY),             # R > T > S > P
    (2, 3, 4, 1, GameClass.LEADER),              # T > S > R > P
    (2, 4, 3, 1, GameClass.HERO),                # S > T > R > P
    (3, 1, 2, 4, GameClass.COORDINATION),        # P > R > T > S: DD payoff-dominant
    (2, 1, 3, 4, GameClass.DEADLOCK),            # P > T > R > S: D dominant, DD best
    (1, 3, 4, 2, GameClass.ANTI_COORDINATION),   # T > S > P > R
    (2, 4, 1, 3, GameClass.INVERTED_PD),         # S > P > R > T
]


@pytest.mark.parametrize(("r", "s", "t", "p", "cls"), NAMED)
def test_named_orderings(r, s, t, p, cls):
    assert gm.classify(r, s, t, p).game_class is cls


def test_all_24_strict_orderings_get_a_named_class():
    for perm in itertools.permutations((1, 2, 3, 4)):
        c = gm.classify(*perm)
        assert c.game_class is not GameClass.BOUNDARY
        assert c.ties == () and c.neighbours == ()


def test_ordering_string_and_ties():
    c = gm.classify(3, 0, 5, 1)
    assert c.ordering == "T>R>P>S"
    b = gm.classify(3, 0, 3, 1)  # T = R: between PD and stag hunt
    assert b.game_class is GameClass.BOUNDARY
    assert b.ties == ("T=R",)
    assert set(b.neighbours) == {GameClass.PRISONERS_DILEMMA, GameClass.STAG_HUNT}


def test_bad_payoffs_rejected():
    with pytest.raises(ParameterError, match="R"):
        gm.classify(float("nan"), 0, 5, 1)
    with pytest.raises(ParameterError, match="col"):
        gm.Game(np.zeros((2, 2)), np.zeros((2, 3)))


payoff = st.integers(-20, 20)


@FAST
@given(r=payoff, s=payoff, t=payoff, p=payoff,
       a=st.floats(0.01, 100.0), b=st.floats(-1000.0, 1000.0))
def test_classification_invariant_to_positive_affine_maps(r, s, t, p, a, b):
    base = gm.classify(r, s, t, p)
    moved = gm.classify(a * r + b, a * s + b, a * t + b, a * p + b)
    assert moved.game_class is base.game_class
    assert moved.ordering == base.ordering
    q0, q1 = gm.cooperation_threshold(r, s, t, p), gm.cooperation_threshold(
        a * r + b, a * s + b, a * t + b, a * p + b)
    assert (q0 is None) == (q1 is None)
    if q0 is not None and q1 is not None:
        assert q1 == pytest.approx(q0, abs=1e-9)


# --------------------------------------------------------------------------- thresholds


def test_cooperation_threshold_by_class():
    # stag hunt 4,1,3,2: q* = (2-1)/((4-3)+(2-1)) = 1/2
    assert gm.cooperation_threshold(4, 1, 3, 2) == 0.5
    assert gm.cooperation_threshold(3, 0, 5, 1) is None      # PD: never
    assert gm.cooperation_threshold(4, 3, 2, 1) == 0.0       # harmony: always
    assert gm.cooperation_threshold(3, 2, 4, 1) is None      # chicken: only when q is low
    region = gm.best_response_region(3, 2, 4, 1)
    # chicken: (S-P) + q[(R-T)-(S-P)] = 1 - 2q >= 0 iff q <= 1/2
    assert (region.low, region.high) == (0.0, 0.5)
    assert gm.best_response_region(3, 0, 5, 1).empty
    assert gm.best_response_region(4, 3, 2, 1).always


@FAST
@given(r=payoff, s=payoff, t=payoff, p=payoff, q=st.floats(0, 1))
def test_best_response_region_matches_expected_payoffs(r, s, t, p, q):
    region = gm.best_response_region(r, s, t, p)
    gain = q * r + (1 - q) * s - (q * t + (1 - q) * p)
    inside = not region.empty and region.low <= q <= region.high
    near_edge = not region.empty and min(abs(q - region.low), abs(q - region.high)) < 1e-9
    if abs(gain) > 1e-9 and not near_edge:
        assert inside == (gain > 0)


def test_repeated_threshold():
    # Axelrod's payoffs: w >= (T - R)/(T - P) = 2/4 (MODELS.md 2.1)
    assert gm.repeated_cooperation_threshold(3, 0, 5, 1) == 0.5
    assert gm.repeated_cooperation_threshold(4, 1, 3, 2) == 0.0


def test_risk_dominance():
    # stag hunt 5,0,3,2: R - T = 2 < P - S = 2? equal -> tie; use 5,0,4,2: 1 < 2 -> DD
    assert gm.risk_dominant(gm.symmetric_2x2(5, 0, 4, 2)) == (1, 1)
    # 5,0,2,1: R - T = 3 > P - S = 1 -> CC risk-dominant, and q* = 1/4 < 1/2
    assert gm.risk_dominant(gm.symmetric_2x2(5, 0, 2, 1)) == (0, 0)
    assert gm.cooperation_threshold(5, 0, 2, 1) == 0.25
    assert gm.risk_dominant(gm.symmetric_2x2(4, 1, 3, 2)) is None  # tie
    assert gm.risk_dominant(gm.symmetric_2x2(3, 0, 5, 1)) is None  # one equilibrium


# --------------------------------------------------------------------------- equilibria


def test_equilibria_of_named_games():
    pd = gm.equilibria(gm.symmetric_2x2(3, 0, 5, 1))
    assert len(pd) == 1 and pd.equilibria[0].row.tolist() == [0, 1] and not pd.degenerate
    stag = gm.equilibria(gm.symmetric_2x2(4, 1, 3, 2))
    assert [e.pure for e in stag.equilibria] == [True, True, False]
    chicken = gm.equilibria(gm.symmetric_2x2(3, 2, 4, 1))
    # anti-coordination: (C,D), (D,C) and the mixed one at q = 1/2
    pure = sorted((tuple(e.row), tuple(e.col)) for e in chicken.equilibria if e.pure)
    assert pure == [((0, 1), (1, 0)), ((1, 0), (0, 1))]
    mixed = next(e for e in chicken.equilibria if not e.pure)
    assert mixed.row == pytest.approx([0.5, 0.5])


def test_matching_pennies_unique_mixed():
    g = gm.Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    eqs = gm.equilibria(g)
    assert len(eqs) == 1 and not eqs.degenerate
    assert eqs.equilibria[0].row == pytest.approx([0.5, 0.5])


def test_degenerate_game_reported_not_dropped():
    # all payoffs equal: every profile is an equilibrium (a continuum); reported as degenerate
    eqs = gm.equilibria(gm.symmetric_2x2(1, 1, 1, 1))
    assert eqs.degenerate and eqs.notes
    assert len(eqs) >= 1
    # a pure strategy with two best replies: degenerate
    g = gm.Game([[1, 1], [0, 0]], [[1, 1], [0, 2]])
    assert gm.is_degenerate(g)
    assert gm.equilibria(g).degenerate
    assert not gm.is_degenerate(gm.symmetric_2x2(4, 1, 3, 2))


def test_three_by_three_rock_paper_scissors():
    rps = gm.Game.symmetric([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    eqs = gm.equilibria(rps)
    assert len(eqs) == 1
    assert eqs.equilibria[0].row == pytest.approx([1 / 3] * 3)


def _games(max_n: int = 3):
    def build(n, m, data):
        a = np.array(data[: n * m], dtype=float).reshape(n, m)
        b = np.array(data[n * m: 2 * n * m], dtype=float).reshape(n, m)
        return gm.Game(a, b)

    return st.integers(1, max_n).flatmap(
        lambda n: st.integers(1, max_n).flatmap(
            lambda m: st.lists(st.integers(-9, 9), min_size=2 * n * m, max_size=2 * n * m).map(
                lambda d: build(n, m, d))))


def _independent_best_response_check(game: gm.Game, x, y, tol=1e-9) -> bool:
    # written out here, not via herz: each player's payoff equals its best pure payoff
    u_row = [sum(game.row[i, j] * y[j] for j in range(len(y))) for i in range(len(x))]
    u_col = [sum(game.col[i, j] * x[i] for i in range(len(x))) for j in range(len(y))]
    own_row = sum(x[i] * u_row[i] for i in range(len(x)))
    own_col = sum(y[j] * u_col[j] for j in range(len(y)))
    return own_row >= max(u_row) - tol and own_col >= max(u_col) - tol


@FAST
@given(game=_games())
def test_every_equilibrium_is_a_mutual_best_response(game):
    eqs = gm.equilibria(game)
    assert len(eqs) >= 1  # every finite game has one (Nash 1951), and nondegenerate ones are found
    for e in eqs.equilibria:
        assert np.all(e.row >= 0) and e.row.sum() == pytest.approx(1.0)
        assert np.all(e.col >= 0) and e.col.sum() == pytest.approx(1.0)
        assert _independent_best_response_check(game, e.row, e.col)


def _as_set(eqs: gm.EquilibriumSet) -> set[tuple[float, ...]]:
    return {tuple(np.round(np.concatenate([e.row, e.col]), 7)) for e in eqs.equilibria}


@FAST
@given(game=_games(), data=st.data())
def test_relabelling_permutes_but_does_not_change_equilibria(game, data):
    n, m = game.shape
    rperm = data.draw(st.permutations(range(n)))
    cperm = data.draw(st.permutations(range(m)))
    assume(not gm.is_degenerate(game))
    base = gm.equilibria(game)
    assume(not base.degenerate)
    moved = gm.equilibria(game.permute(rperm, cperm))
    expected = {tuple(np.round(np.concatenate([e.row[rperm], e.col[cperm]]), 7))
                for e in base.equilibria}
    assert _as_set(moved) == expected
    swapped = gm.equilibria(game.swap_players())
    assert {tuple(np.round(np.concatenate([e.col, e.row]), 7)) for e in swapped.equilibria} \
        == _as_set(base)


@FAST
@given(game=_games(2), data=st.data())
def test_relabelling_keeps_pure_equilibria_even_when_degenerate(game, data):
    # pure equilibria are found exactly whatever the degeneracy
    n, m = game.shape
    rperm = data.draw(st.permutations(range(n)))
    cperm = data.draw(st.permutations(range(m)))
    pure = {(int(np.argmax(e.row)), int(np.argmax(e.col)))
            for e in gm.equilibria(game).equilibria if e.pure}
    moved = {(int(np.argmax(e.row)), int(np.argmax(e.col)))
             for e in gm.equilibria(game.permute(rperm, cperm)).equilibria if e.pure}
    assert moved == {(rperm.index(i), cperm.index(j)) for i, j in pure}
    # and these are exactly the pure profiles that are mutual best responses
    brute = {(i, j) for i in range(n) for j in range(m)
             if game.row[i, j] == game.row[:, j].max() and game.col[i, j] == game.col[i, :].max()}
    assert pure == brute


# --------------------------------------------------------------------------- scale (issue 15)

# Issue 15's reproducer: degenerate (gambit's exact enumeration agrees); at payoffs of 1e7
# the old absolute residual 1e-10 missed the degeneracy and two equilibria were lost.
ISSUE_A = np.array([[-4, 5, 1], [5, -2, -2], [-5, -2, 5]], dtype=float)
ISSUE_B = np.array([[-5, 3, -2], [-5, 3, -1], [2, -2, 0]], dtype=float)

SCALES = [10.0 ** k for k in range(-7, 8)]


def test_issue_15_equilibria_kept_at_large_payoffs():
    base = gm.equilibria(gm.Game(ISSUE_A, ISSUE_B))
    big = gm.equilibria(gm.Game(1e7 * ISSUE_A, 1e7 * ISSUE_B))
    assert len(base) == 3 and base.degenerate
    assert len(big) == 3 and big.degenerate and big.notes
    assert gm.is_degenerate(gm.Game(1e7 * ISSUE_A, 1e7 * ISSUE_B))
    assert _as_set(big) == _as_set(base)
    for e in big.equilibria:
        assert _independent_best_response_check(gm.Game(1e7 * ISSUE_A, 1e7 * ISSUE_B),
                                                e.row, e.col, tol=1e-9 * 1e7)


def _scale_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    gen = np.random.default_rng(20261202)
    cases = [("issue 15", ISSUE_A, ISSUE_B),
             # degenerate: a pure strategy with two best replies; all payoffs equal
             ("tied replies", np.array([[1.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 2.0]])),
             ("constant", np.ones((2, 3)), np.ones((2, 3))),
             # degenerate: duplicated row for the row player, a continuum of equilibria
             ("duplicate row", np.array([[3.0, 0.0], [3.0, 0.0], [1.0, 2.0]]),
              np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))]
    for k in range(3):  # random real-valued games: nondegenerate with probability 1
        n, m = int(gen.integers(2, 5)), int(gen.integers(2, 5))
        cases.append((f"normal {k}", gen.normal(size=(n, m)), gen.normal(size=(n, m))))
    for k in range(3):  # random small-integer games: often degenerate
        n, m = int(gen.integers(2, 4)), int(gen.integers(2, 4))
        cases.append((f"integer {k}", gen.integers(-5, 6, size=(n, m)).astype(float),
                      gen.integers(-5, 6, size=(n, m)).astype(float)))
    return cases


@pytest.mark.parametrize(("name", "a", "b"), _scale_cases(),
                         ids=[c[0] for c in _scale_cases()])
def test_equilibrium_set_invariant_under_scaling(name, a, b):
    base = gm.equilibria(gm.Game(a, b))
    assert len(base) >= 1
    for s in SCALES:
        scaled = gm.equilibria(gm.Game(s * a, s * b))
        assert scaled.degenerate == base.degenerate, (name, s)
        assert gm.is_degenerate(gm.Game(s * a, s * b)) == gm.is_degenerate(gm.Game(a, b))
        assert _as_set(scaled) == _as_set(base), (name, s)
        for e, e0 in zip(scaled.equilibria, base.equilibria, strict=True):
            assert e.payoffs == pytest.approx((s * e0.payoffs[0], s * e0.payoffs[1]),
                                              rel=1e-9, abs=1e-12 * s)


def test_scale_relative_tolerances_in_thresholds_and_risk_dominance():
    # a stag hunt and a near-tie at tiny and huge scales: the same answers
    for s in SCALES:
        assert gm.cooperation_threshold(4 * s, 1 * s, 3 * s, 2 * s) == pytest.approx(0.5)
        assert gm.risk_dominant(gm.symmetric_2x2(5 * s, 0, 2 * s, 1 * s)) == (0, 0)
        # C is a best response for every q in harmony, at any scale
        assert gm.best_response_region(4 * s, 3 * s, 2 * s, 1 * s).always
    # payoffs 1e-13 apart are a stag hunt, not a tie (the old absolute floor of 1 in the
    # scale of best_response_region made C a best response "always")
    assert gm.classify(4e-13, 1e-13, 3e-13, 2e-13).game_class is GameClass.STAG_HUNT
    region = gm.best_response_region(4e-13, 1e-13, 3e-13, 2e-13)
    assert (region.low, region.high) == (pytest.approx(0.5), 1.0)
