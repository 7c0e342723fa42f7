"""Mechanism 3, the arms policy: the dilemma of response.

Each state adds arms in reaction to the threat it perceives, weighted by
distance, mistrust and enmity, held back by fatigue and expense, within its
budget (a discrete Richardson map):

    build_i = dt * (k_i * threat_i + g_i + greedy_i * greed_build),  at most arms_budget * dt
    threat_i = sum_j w[i,j] fear[i,j] P[i,j] shield[i,j] / sum_j w[i,j]   (``mean``; ``sum`` drops the division)
    fear[i,j] = (fear_floor + (1 - fear_floor) mu[i,j]) * (1 - identity_threat_weight * s[i,j])
                * (1 - community_threat_cut * institutions[i,j])
    O_i <- (1 - a_i dt) O_i + q_i build_i,   D_i <- (1 - a_i dt) D_i + (1 - q_i) build_i

shield[i, j] = exp(-b[i, j]) is the buffer that shields i from j (Garver 2001;
1 without buffers, see :mod:`herz.world.state`): a buffered state feels less
threat whatever the weighting, since the mean normalises the weights but not
the shield.

q_i is the offensive share of new arms: 1 for greedy states (they build
offence for gain), 1 / (1 + delta) for security seekers when the
offense-defense mechanism is on (else the initial offensive share), and 0 for
parties to arms control (it caps offence). A negative build (goodwill) is
taken from both stocks in proportion. Stocks never fall below 0 and stop at
``runaway_level``. Under offensive realism fear = 1: every other state is
treated as greedy (Mearsheimer).

With two states, beliefs and identities fixed and no noise, the total arsenal
x = O + D follows x' = x + dt (k fear y - a x + g): Richardson's discrete map
with reaction coefficient k * fear.

References
----------
Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.

Glaser, C. L. (1997). The security dilemma revisited. *World Politics* 50(1):
171-201. doi:10.1017/S0043887100014763.

Posen, B. R. (1984). *The Sources of Military Doctrine*. Cornell University Press.

Mearsheimer, J. J. (2001). *The Tragedy of Great Power Politics*. Norton.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import pressure_kernel
from herz.world.offense_defense import offense_share
from herz.world.params import ThreatAggregation, WorldParams
from herz.world.state import WorldState

__all__ = ["fear", "perceived_pressure", "update_arms"]


_ONE = np.ones((1, 1, 1))


def fear(mistrust: NDArray[np.float64], identity: NDArray[np.float64], params: WorldParams,
         inst: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """Weight fear[i, j] of the threat i perceives from j (see the module docstring)."""
    if params.offensive_realism:
        f = np.ones_like(mistrust)
    else:
        f = params.fear_floor + (1.0 - params.fear_floor) * mistrust
    if params.identity_threat_weight > 0.0:
        f *= 1.0 - params.identity_threat_weight * identity
    if inst is not None:
        f *= 1.0 - params.community_threat_cut * inst
    return f


def perceived_pressure(threat: NDArray[np.float64], fear_w: NDArray[np.float64],
                       weight: NDArray[np.float64] | None,
                       aggregation: ThreatAggregation,
                       shield: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """Threat each state reacts to, (W, N): weighted mean (or sum) of fear * threat.

    ``shield`` (buffer zones) scales each threat after the weighting: unlike the
    weights, it is not normalised away by the mean. The NumPy definition;
    :func:`update_arms` runs the same sum as one compiled loop
    (``herz.world._kernels.pressure_kernel``).
    """
    n = threat.shape[-1]
    x = fear_w * threat
    if shield is not None:
        x = x * shield
    if weight is None:
        total = x.sum(axis=2)
        if aggregation is ThreatAggregation.MEAN:
            total /= n - 1
        return total
    total = (x * weight).sum(axis=2)
    if aggregation is ThreatAggregation.MEAN:
        norm = weight.sum(axis=2)
        total = np.divide(total, norm, out=np.zeros_like(total), where=norm > 0)
    return total


def update_arms(state: WorldState, params: WorldParams, threat: NDArray[np.float64],
                mistrust: NDArray[np.float64], identity: NDArray[np.float64],
                inst: NDArray[np.float64] | None = None,
                offense_capped: NDArray[np.bool_] | None = None,
                pressure: NDArray[np.float64] | None = None,
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the new (offense, defense) stocks, (W, N) each.

    ``pressure`` (W, N), if given, is the perceived pressure already summed (the
    step computes it in the same pass as perception).
    """
    dt = params.dt
    k = np.asarray(params.per_state("reaction"))
    a = np.asarray(params.per_state("fatigue"))
    g = np.asarray(params.per_state("grievance"))
    if pressure is None:
        pressure = np.empty((state.worlds, state.n_states))
        pressure_kernel(
            threat, mistrust, identity, _ONE if inst is None else inst, inst is not None,
            _ONE if state.weight is None else state.weight, state.weight is not None,
            float(params.fear_floor), bool(params.offensive_realism),
            float(params.identity_threat_weight), float(params.community_threat_cut),
            params.threat_aggregation is ThreatAggregation.MEAN, pressure, state.shield,
            state.shield is not None)
    build = dt * (k * pressure + g + params.greed_build * state.greedy)
    np.minimum(build, params.arms_budget * dt, out=build)
    seeker_q = (offense_share(params.offense_defense_balance) if params.mechanisms.offense_defense
                else params.initial_offense_share)
    q = np.where(state.greedy, 1.0, seeker_q)
    if offense_capped is not None:
        q = np.where(offense_capped, 0.0, q)
    o, d = state.offense, state.defense
    gain = np.maximum(build, 0.0)
    cut = np.minimum(build, 0.0)
    total = o + d
    share_o = np.divide(o, total, out=np.full_like(o, 0.5), where=total > 0)
    keep = 1.0 - a * dt
    new_o = keep * o + q * gain + share_o * cut
    new_d = keep * d + (1.0 - q) * gain + (1.0 - share_o) * cut
    np.clip(new_o, 0.0, params.runaway_level, out=new_o)
    np.clip(new_d, 0.0, params.runaway_level, out=new_d)
    return new_o, new_d
