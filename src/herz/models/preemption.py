"""Fearon's bargaining range, preemptive war and preventive war.

Two risk-neutral states, A and B, bargain over an issue normalised to [0, 1]; A
gets ``x``. In a war A wins with probability ``p``; fighting costs ``c_A`` and
``c_B`` (> 0). Both prefer any x in [p - c_A, p + c_B] to war: the bargaining
range, which war's costs keep open.

*Preemption.* If A wins with ``p_first`` when it strikes first and ``p_second``
when B does (a first-strike advantage p_first > p_second), a division is safe
from attack only if x >= p_first - c_A and x <= p_second + c_B; one exists iff
p_first - p_second <= c_A + c_B.

*Offense dominance.* With the contest success function p = a/(a + delta*d)
(delta the defence multiplier, a and d the attacker's and defender's forces)
and equal forces, p_first = 1/(1 + delta) and p_second = delta/(1 + delta): the
first-strike gap is (1 - delta)/(1 + delta), and preemptive war follows iff
delta < (1 - C)/(1 + C) with C = c_A + c_B.

*Prevention.* A whose power falls from p_t to p_{t+1}, facing a B that cannot
commit to future transfers, fights now iff p_t/(1 - delta) - c_A >
1 + delta*[p_{t+1}/(1 - delta) - c_A] (delta here a discount factor).

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3): 379-414. doi:10.1017/S0020818300033324.

Powell, R. (2006). War as a commitment problem. *International Organization*
60(1): 169-203. doi:10.1017/S0020818306060061.

Van Evera, S. (1998). Offense, defense, and the causes of war. *International
Security* 22(4): 5-43. doi:10.1162/isec.22.4.5.

Hirshleifer, J. (1989). Conflict and rent-seeking success functions: ratio vs.
difference models of relative success. *Public Choice* 63(2): 101-112.
doi:10.1007/BF00153394.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from herz.errors import ParameterError, require_finite, require_positive, require_probability

__all__ = [
    "BargainingRange",
    "Preemption",
    "Prevention",
    "bargaining_range",
    "contest_success",
    "critical_balance",
    "first_strike_probabilities",
    "preemption",
    "preemption_from_balance",
    "preventive_war",
]


@dataclass(frozen=True)
class BargainingRange:
    """The divisions x (A's share) both sides prefer to war: [low, high].

    ``low`` = p - c_A and ``high`` = p + c_B as in Fearon; ``clipped`` is the
    range intersected with the issue space [0, 1].
    """

    low: float
    high: float
    clipped: tuple[float, float]

    @property
    def width(self) -> float:
        """Return high - low = c_A + c_B."""
        return self.high - self.low

    def to_dict(self) -> dict[str, Any]:
        """Return the range as plain values."""
        return {"low": self.low, "high": self.high, "clipped": list(self.clipped),
                "width": self.width}


def bargaining_range(p: float, cost_a: float, cost_b: float) -> BargainingRange:
    """Fearon's bargaining range [p - c_A, p + c_B].

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3): 379-414. doi:10.1017/S0020818300033324. Validation
    case FEAR-1.
    """
    pp = require_probability("p", p)
    ca, cb = require_positive("cost_a", cost_a), require_positive("cost_b", cost_b)
    low, high = pp - ca, pp + cb
    return BargainingRange(low, high, (max(low, 0.0), min(high, 1.0)))


@dataclass(frozen=True)
class Preemption:
    """Whether a self-enforcing peaceful division exists under a first-strike advantage.

    ``peace`` iff gap = p_first - p_second <= c_A + c_B; ``range`` is then
    [p_first - c_A, p_second + c_B], else None (preemptive war). As in
    :class:`BargainingRange`, ``clipped`` is that range intersected with the
    issue space [0, 1] (the divisions that can actually be made), None at war.
    """

    p_first: float
    p_second: float
    cost_a: float
    cost_b: float
    gap: float
    total_cost: float
    peace: bool
    lower: float
    upper: float
    range: tuple[float, float] | None
    clipped: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values."""
        return {"p_first": self.p_first, "p_second": self.p_second, "cost_a": self.cost_a,
                "cost_b": self.cost_b, "gap": self.gap, "total_cost": self.total_cost,
                "peace": self.peace, "war": not self.peace,
                "a_will_not_attack_if_x_at_least": self.lower,
                "b_will_not_attack_if_x_at_most": self.upper,
                "range": None if self.range is None else list(self.range),
                "clipped": None if self.clipped is None else list(self.clipped)}


def preemption(p_first: float, p_second: float, cost_a: float, cost_b: float) -> Preemption:
    """Fearon's preemption condition: peace iff p_first - p_second <= c_A + c_B.

    A will not attack iff x >= p_first - c_A; B will not attack iff
    x <= p_second + c_B. Preemptive war is unavoidable when the first-strike
    advantage exceeds the combined costs of war.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3): 379-414, section "Preemptive war and offensive
    advantages". Condition [R] and algebra [D] as in herz MODELS.md sec. 5.
    Validation case FEAR-2.
    """
    pf = require_probability("p_first", p_first)
    ps = require_probability("p_second", p_second)
    ca, cb = require_positive("cost_a", cost_a), require_positive("cost_b", cost_b)
    lower, upper = pf - ca, ps + cb
    peace = lower <= upper
    # lower = p_first - c_A < 1 and upper = p_second + c_B > 0, so at peace the clipped
    # range is never empty
    return Preemption(pf, ps, ca, cb, pf - ps, ca + cb, peace, lower, upper,
                      (lower, upper) if peace else None,
                      (max(lower, 0.0), min(upper, 1.0)) if peace else None)


def contest_success(attacker: float, defender: float, offense_defense_balance: float) -> float:
    """Probability that the attacker wins: a / (a + delta*d).

    References
    ----------
    Hirshleifer, J. (1989). Conflict and rent-seeking success functions.
    *Public Choice* 63(2): 101-112. doi:10.1007/BF00153394. Defence multiplier
    delta as in herz MODELS.md secs. 2.3 and 5.
    """
    a = require_finite("attacker", attacker)
    d = require_finite("defender", defender)
    if a < 0 or d < 0 or a + d == 0:
        raise ParameterError("forces", (attacker, defender), "must be >= 0 and not both zero")
    delta = require_positive("offense_defense_balance", offense_defense_balance)
    return a / (a + delta * d)


def first_strike_probabilities(
    offense_defense_balance: float, forces_a: float = 1.0, forces_b: float = 1.0,
) -> tuple[float, float]:
    """A's chances of winning if A strikes first and if B strikes first.

    p_first = a/(a + delta*b) (A attacks); p_second = 1 - b/(b + delta*a)
    = delta*a/(b + delta*a) (B attacks, A defends). Equal forces give
    1/(1 + delta) and delta/(1 + delta).

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3): 379-414. The contest-function link is herz MODELS.md
    sec. 5 [D].
    """
    pf = contest_success(forces_a, forces_b, offense_defense_balance)
    ps = 1.0 - contest_success(forces_b, forces_a, offense_defense_balance)
    return pf, ps


def critical_balance(cost_a: float, cost_b: float) -> float | None:
    """Offense-defense balance below which preemptive war follows: (1 - C)/(1 + C).

    For equal forces the first-strike gap is (1 - delta)/(1 + delta), which
    exceeds C = c_A + c_B iff delta < (1 - C)/(1 + C). ``None`` when C >= 1
    (no delta > 0 makes war preemptive).

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3): 379-414; Van Evera, S. (1998). Offense, defense, and
    the causes of war. *International Security* 22(4): 5-43. Threshold: herz
    MODELS.md sec. 5 [D].
    """
    total = require_positive("cost_a", cost_a) + require_positive("cost_b", cost_b)
    if total >= 1.0:
        return None
    return (1.0 - total) / (1.0 + total)


def preemption_from_balance(
    offense_defense_balance: float, cost_a: float, cost_b: float, forces_a: float = 1.0,
    forces_b: float = 1.0,
) -> Preemption:
    """The preemption verdict with first-strike chances from the contest success function.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3): 379-414. Link to the offense-defense balance: herz
    MODELS.md sec. 5 [D].
    """
    pf, ps = first_strike_probabilities(offense_defense_balance, forces_a, forces_b)
    return preemption(pf, ps, cost_a, cost_b)


@dataclass(frozen=True)
class Prevention:
    """Preventive war under a shift of power that B cannot commit to compensate."""

    p_now: float
    p_next: float
    discount: float
    cost_a: float
    value_war: float
    value_peace: float
    war: bool
    critical_p_next: float

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values."""
        return {"p_now": self.p_now, "p_next": self.p_next, "discount": self.discount,
                "cost_a": self.cost_a, "value_war": self.value_war,
                "value_peace": self.value_peace, "war": self.war,
                "critical_p_next": self.critical_p_next}


def preventive_war(p_now: float, p_next: float, discount: float, cost_a: float) -> Prevention:
    """Fearon's commitment problem: whether a declining A fights now.

    Value of war now: p_t/(1 - delta) - c_A. Best value of peace when B cannot
    commit to future transfers: everything today plus the reservation value
    tomorrow, 1 + delta*[p_{t+1}/(1 - delta) - c_A]. War iff the first is
    larger, i.e. iff p_{t+1} < ``critical_p_next`` =
    [p_t - (1 - delta)*(1 + (1 - delta)*c_A)] / delta.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3): 379-414, section "Preventive war as a commitment
    problem". Powell, R. (2006). War as a commitment problem. *International
    Organization* 60(1): 169-203. Payoffs [V], condition [D]: herz MODELS.md
    sec. 5.
    """
    pt = require_probability("p_now", p_now)
    pn = require_probability("p_next", p_next)
    d = require_finite("discount", discount)
    if not 0.0 < d < 1.0:
        raise ParameterError("discount", discount, "must be in (0, 1)")
    ca = require_positive("cost_a", cost_a)
    v_war = pt / (1.0 - d) - ca
    v_peace = 1.0 + d * (pn / (1.0 - d) - ca)
    crit = (pt - (1.0 - d) * (1.0 + (1.0 - d) * ca)) / d
    return Prevention(pt, pn, d, ca, v_war, v_peace, v_war > v_peace, crit)
