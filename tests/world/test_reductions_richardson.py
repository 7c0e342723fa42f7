"""Reduction 1: two states, no noise, beliefs and identity fixed, linear policy = Richardson.

Expected values come from herz.models.richardson (the discrete map and the
exact solution of the ODE), which is validated against closed forms there.
"""

import numpy as np
import pytest

from herz.models import richardson as rm
from herz.world import Mechanisms, WorldParams, initial_state, run_batch
from herz.world.noise import world_keys

RICH = rm.RichardsonParams(k=0.3, l=0.2, a=0.4, b=0.5, g=1.0, h=2.0)  # MODELS.md RICH-1


def _world(dt: float, x0: float, y0: float, fear_floor: float = 1.0, mistrust: float = 0.4,
           offense_defense: bool = False, order: str = "simultaneous") -> WorldParams:
    # fear = fear_floor + (1 - fear_floor) * mu; with fear_floor = 1 the weight is 1.
    # Spending closes its gap at once (inertia 1), without shock or budget cap: the arsenal
    # x = O + D then follows x' = (1 - a dt) x + dt (k fear y + g), Richardson's map.
    # mu = p_greedy (the correct prior); greedy states build nothing extra (greed_build 0).
    return WorldParams(
        n_states=2, dt=dt, update_order=order,
        mechanisms=Mechanisms(perception=False, belief_update=False, arms_policy=True,
                              offense_defense=offense_defense, signalling=False, war=False,
                              identity=False, community=False),
        initial_arms=(x0, y0), initial_arms_spread=0.0, reaction=(RICH.k, RICH.l),
        fatigue=(RICH.a, RICH.b), grievance=(RICH.g, RICH.h), greed_build=0.0,
        p_greedy=mistrust, fear_floor=fear_floor, budget_share=1e9, distinguishability=0.0,
        spending_inertia=1.0, spending_shock=0.0, output_spread=0.0, growth_rate=0.0,
        growth_spread=0.0,
    )


def _run(p: WorldParams, steps: int) -> np.ndarray:
    state = initial_state(p, world_keys(0, 1))
    out = np.empty((steps + 1, 2))
    out[0] = state.arms()[0]
    for t in range(steps):
        from herz.world import step

        step(state, p)
        out[t + 1] = state.arms()[0]
    return out


@pytest.mark.parametrize("order", ["simultaneous", "sequential"])
@pytest.mark.parametrize("offense_defense", [False, True])
def test_discrete_map_equals_richardson(order, offense_defense):
    p = _world(1.0, 3.0, 1.0, offense_defense=offense_defense, order=order)
    got = _run(p, 40)
    ref = rm.discrete_map(RICH, 3.0, 1.0, 40)
    np.testing.assert_allclose(got[:, 0], ref.x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], ref.y, rtol=1e-12, atol=1e-12)


def test_fixed_beliefs_scale_the_reaction_coefficient():
    # fear = 0.5 + 0.5 * mu with mu = 0.4 -> 0.7: k_eff = 0.7 k
    p = _world(0.5, 2.0, 5.0, fear_floor=0.5, mistrust=0.4)
    got = _run(p, 30)
    ref = rm.discrete_map(
        rm.RichardsonParams(k=0.7 * RICH.k, l=0.7 * RICH.l, a=RICH.a, b=RICH.b, g=RICH.g,
                            h=RICH.h), 2.0, 5.0, 30, dt=0.5)
    np.testing.assert_allclose(got[:, 0], ref.x, rtol=1e-12)
    np.testing.assert_allclose(got[:, 1], ref.y, rtol=1e-12)


def test_small_steps_converge_to_the_ode_at_first_order():
    errs = []
    for dt in (0.02, 0.01, 0.005):
        steps = round(4.0 / dt)
        got = _run(_world(dt, 3.0, 1.0), steps)
        exact = rm.solve(RICH, 3.0, 1.0, [4.0])
        errs.append(abs(got[-1, 0] - exact.x[0]) + abs(got[-1, 1] - exact.y[0]))
    assert errs[-1] < 2e-3
    # explicit Euler: halving dt halves the error
    assert errs[0] / errs[1] == pytest.approx(2.0, rel=0.05)
    assert errs[1] / errs[2] == pytest.approx(2.0, rel=0.05)


def test_runaway_is_capped_and_flagged():
    unstable = dict(reaction=(0.3, 0.3), fatigue=(0.2, 0.2), grievance=(1.0, 1.0))  # RICH-3
    p = _world(1.0, 1.0, 1.0).replace(runaway_level=1e4, **unstable)
    state = initial_state(p, world_keys(0, 1))
    rec = run_batch(p, state, 300)
    assert state.runaway_step[0] > 0
    assert np.all(np.isfinite(rec["arms_mean"]))
    assert rec["arms_mean"].max() <= 2 * 1e4
