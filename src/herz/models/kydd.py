"""Kydd's trust, rational spirals and costly-signal reassurance.

The security dilemma game in Kydd's normalisation (payoffs of the row player;
the column player's are symmetric with its own c and t)::

                 Cooperate     Defect
    Cooperate      1, 1       -c_i, t_j
    Defect         t_i, -c_j    0, 0

``c > 0`` is the cost of being exploited, ``t`` the temptation. A player is
*trustworthy* (a security seeker with assurance-game preferences) if t < 1 and
*untrustworthy* (greedy, prisoner's-dilemma preferences) if t > 1. Trust is the
probability that the other is trustworthy.

Three results, all from herz MODELS.md sec. 3:

* the minimum trust threshold: a trustworthy player cooperates iff its trust is
  at least c / (1 - t + c) (:func:`trust_threshold`);
* the rational spiral: if greedy states build arms more often than security
  seekers, every observed build-up rationally lowers trust by Bayes' rule
  (:func:`posterior_greedy`, :func:`spiral`);
* costly-signal reassurance: a trustworthy sender can separate itself from an
  untrustworthy one by sinking a cost m in [V_U, V_T], each type's value of
  being trusted at its best response. This needs the types to value mutual
  cooperation differently (an untrustworthy type's reward r_U < 1) and, when
  the untrustworthy type would not sustain cooperation, trust in the receiver
  above c / (1/(1 - delta) - t_U + c) (:func:`reassurance`,
  :func:`separating_interval`, :func:`minimum_trust`).

Status: the payoff normalisation is attributed to Kydd (2005), ch. 2 [R: not
re-checked against the book]; the thresholds follow from it [D]; the
costly-signal model is a herz construction [D] consistent with Kydd's (2000)
verified result that reassurance requires trustworthy types to be readier to
accept risk to reach mutual cooperation (here r_U < 1); the corrected model of
MODELS.md sec. 3.4 (December 2026).

References
----------
Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
371-400. doi:10.1353/wp.1997.0012.

Kydd, A. (2000). Trust, reassurance, and cooperation. *International
Organization* 54(2): 325-357. doi:10.1162/002081800551190.

Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2
"Trust and the Security Dilemma". Princeton, NJ: Princeton University Press.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.errors import (
    ParameterError,
    require_finite,
    require_nonnegative,
    require_positive,
    require_probability,
)

__all__ = [
    "Reassurance",
    "SignalRegime",
    "Spiral",
    "TwoTypeEquilibrium",
    "cooperates",
    "cutoff_equilibria",
    "minimum_trust",
    "normalise",
    "posterior_greedy",
    "reassurance",
    "separating_interval",
    "spiral",
    "sustains_cooperation",
    "trust_threshold",
    "two_type_equilibrium",
]


def _trustworthy_t(name: str, value: float) -> float:
    v = require_finite(name, value)
    if not v < 1:
        raise ParameterError(name, value, "must be < 1 (a trustworthy type prefers to reciprocate)")
    return v


def trust_threshold(exploitation_cost: float, temptation: float) -> float:
    """Minimum trust for a trustworthy player to cooperate: c / (1 - t + c).

    A trustworthy player (t < 1) with probability ``p`` that the other
    cooperates gets p*1 + (1 - p)*(-c) from cooperating and p*t from
    defecting, so it cooperates iff p >= c / (1 - t + c). In the two-type game
    untrustworthy types always defect, so p is the trust itself.

    Parameters
    ----------
    exploitation_cost
        c > 0, the cost of being exploited.
    temptation
        t < 1, the trustworthy player's temptation.

    References
    ----------
    Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2.
    Princeton University Press. Formula [R] (attributed, not re-checked);
    derivation herz MODELS.md sec. 3.2 [D]. Validation case KYDD-1.
    """
    c = require_positive("exploitation_cost", exploitation_cost)
    t = _trustworthy_t("temptation", temptation)
    return c / (1.0 - t + c)


def cooperates(trust: float, exploitation_cost: float, temptation: float) -> bool:
    """Return True if a trustworthy player with this trust cooperates (trust >= threshold).

    References
    ----------
    Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2.
    Threshold as in herz MODELS.md sec. 3.2 [D].
    """
    pi = require_probability("trust", trust)
    return pi >= trust_threshold(exploitation_cost, temptation)


def normalise(r: float, s: float, t: float, p: float) -> tuple[float, float]:
    """Kydd's (temptation, exploitation_cost) of a symmetric 2x2 game (R, S, T, P).

    The positive affine map x -> (x - P)/(R - P) sends R to 1 and P to 0, so
    t = (T - P)/(R - P) and c = (P - S)/(R - P). Requires R > P. Then
    c / (1 - t + c) equals Jervis's q* = (P - S)/[(R - T) + (P - S)], and t < 1
    exactly when T < R (a stag hunt: trustworthy).

    References
    ----------
    Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2
    (normalisation [R]); the map is herz's [D].
    """
    r, s, t, p = (require_finite(n, x) for n, x in zip("RSTP", (r, s, t, p), strict=True))
    if not r > p:
        raise ParameterError("R", r, f"must be > P = {p:g} to normalise")
    return ((t - p) / (r - p), (p - s) / (r - p))


@dataclass(frozen=True)
class TwoTypeEquilibrium:
    """The two-type Bayesian equilibrium of the security dilemma game."""

    trust: float
    threshold: float
    trustworthy_cooperate: bool
    p_mutual_cooperation: float

    def to_dict(self) -> dict[str, Any]:
        """Return the equilibrium as plain values."""
        return {"trust": self.trust, "threshold": self.threshold,
                "trustworthy_cooperate": self.trustworthy_cooperate,
                "p_mutual_cooperation": self.p_mutual_cooperation}


def two_type_equilibrium(trust: float, exploitation_cost: float,
                         temptation: float) -> TwoTypeEquilibrium:
    """Equilibrium when each side is trustworthy with prior ``trust``.

    Untrustworthy types always defect (dominant). Trustworthy types cooperate
    iff trust >= c/(1 - t + c); mutual cooperation then happens with
    probability trust**2, otherwise never.

    References
    ----------
    Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2.
    Equilibrium as in herz MODELS.md sec. 3.2 [D].
    """
    pi = require_probability("trust", trust)
    thr = trust_threshold(exploitation_cost, temptation)
    coop = pi >= thr
    return TwoTypeEquilibrium(pi, thr, coop, pi * pi if coop else 0.0)


def cutoff_equilibria(
    exploitation_cost: float, cdf: Callable[[float], float], low: float, high: float,
    grid: int = 4001,
) -> tuple[float, ...]:
    """Cut-off equilibria with a continuum of temptations t ~ F on [low, high].

    In a symmetric cut-off equilibrium types below t_hat cooperate; the cut-off
    type is indifferent when the other cooperates with probability F(t_hat),
    so t_hat = 1 + c - c/F(t_hat). Every root in (low, high] is found by a sign
    change of t - 1 - c + c/F(t) on a grid of ``grid`` points, refined by
    Brent's method (a root where the curve only touches zero can be missed).
    The all-defect equilibrium always exists and is not listed: the tuple holds
    the cut-offs of the equilibria in which some types cooperate.

    References
    ----------
    Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2.
    Princeton University Press. Cut-off condition as in herz MODELS.md sec. 3.2
    [D]; Brent, R. P. (1973). *Algorithms for Minimization without
    Derivatives*, ch. 4.
    """
    from scipy.optimize import brentq

    c = require_positive("exploitation_cost", exploitation_cost)
    lo, hi = require_finite("low", low), require_finite("high", high)
    if not lo < hi:
        raise ParameterError("high", high, f"must be > low = {lo:g}")
    if grid < 3:
        raise ParameterError("grid", grid, "must be >= 3")

    def h(t: float) -> float:
        f = float(cdf(t))
        if not 0.0 <= f <= 1.0:
            raise ParameterError("cdf", f, "must return probabilities in [0, 1]")
        return np.inf if f == 0.0 else t - 1.0 - c + c / f

    ts = np.linspace(lo, hi, int(grid))
    hs = np.array([h(float(t)) for t in ts])
    roots: list[float] = []
    for i in range(len(ts) - 1):
        a, b = hs[i], hs[i + 1]
        if a == 0.0:
            roots.append(float(ts[i]))
        elif np.isfinite(a) and np.isfinite(b) and a * b < 0:
            roots.append(float(brentq(h, ts[i], ts[i + 1], xtol=1e-14, rtol=1e-14)))
    if hs[-1] == 0.0:
        roots.append(float(ts[-1]))
    return tuple(roots)


# --------------------------------------------------------------------------- the spiral


def _check_betas(beta_greedy: float, beta_seeker: float) -> tuple[float, float]:
    bu = require_probability("beta_greedy", beta_greedy)
    bt = require_probability("beta_seeker", beta_seeker)
    if not bt < bu:
        raise ParameterError("beta_seeker", beta_seeker,
                             f"must be < beta_greedy = {bu:g} (greedy states build more often)")
    return bu, bt


def _likelihoods(build: bool, bu: float, bt: float, d: float) -> tuple[float, float]:
    # probability of *observing* a build (or no build) under each type, when the
    # posture is read correctly with probability rho = (1 + d)/2
    rho = (1.0 + d) / 2.0
    lu = rho * bu + (1.0 - rho) * (1.0 - bu)
    lt = rho * bt + (1.0 - rho) * (1.0 - bt)
    return (lu, lt) if build else (1.0 - lu, 1.0 - lt)


def posterior_greedy(
    prior_greedy: float, builds: int = 1, restraints: int = 0, *, beta_greedy: float = 1.0,
    beta_seeker: float = 0.5, distinguishability: float = 1.0,
) -> float:
    """Probability that the other is greedy after observing builds and restraints.

    Greedy states build with probability ``beta_greedy`` (beta_U), security
    seekers with ``beta_seeker`` (beta_T < beta_U). Each observed build
    multiplies the odds of "greedy" by beta_U/beta_T (Bayes' rule); the order
    of observations does not matter. With ``distinguishability`` d < 1 the
    observation is the posture as read, correct with probability
    rho = (1 + d)/2, so the likelihood of seeing a build is
    rho*beta + (1 - rho)*(1 - beta); d = 0 (rho = 1/2) makes observations
    uninformative. d in [0, 1] is the world's distinguishability and that of
    :mod:`herz.models.jervis`.

    References
    ----------
    Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
    371-400. Updating as in herz MODELS.md sec. 3.3 [D]; the noisy reading
    (rho = (1 + d)/2) follows MODELS.md sec. 2.3's definition of distinguishability.
    Validation case KYDD-2 (in terms of trust = 1 - posterior).
    """
    mu = require_probability("prior_greedy", prior_greedy)
    if builds < 0 or int(builds) != builds:
        raise ParameterError("builds", builds, "must be a whole number >= 0")
    if restraints < 0 or int(restraints) != restraints:
        raise ParameterError("restraints", restraints, "must be a whole number >= 0")
    obs = [True] * int(builds) + [False] * int(restraints)
    path = spiral(1.0 - mu, obs, beta_greedy=beta_greedy, beta_seeker=beta_seeker,
                  distinguishability=distinguishability)
    return float(path.greedy[-1])


@dataclass(frozen=True)
class Spiral:
    """Beliefs along a sequence of observations (index 0 is the prior).

    ``trust[n]`` is the probability that the other is a security seeker after
    n observations; ``greedy = 1 - trust``. ``below_threshold_at`` is the first
    n at which trust < ``threshold`` (None if never, or no threshold given).
    """

    trust: NDArray[np.float64]
    observations: tuple[bool, ...]
    beta_greedy: float
    beta_seeker: float
    distinguishability: float
    threshold: float | None = None
    below_threshold_at: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def greedy(self) -> NDArray[np.float64]:
        """Return the probability that the other is greedy at each step."""
        return 1.0 - self.trust

    def to_dict(self) -> dict[str, Any]:
        """Return the path as plain values."""
        return {"trust": self.trust.tolist(), "greedy": self.greedy.tolist(),
                "observations": ["build" if o else "restraint" for o in self.observations],
                "beta_greedy": self.beta_greedy, "beta_seeker": self.beta_seeker,
                "distinguishability": self.distinguishability, "threshold": self.threshold,
                "below_threshold_at": self.below_threshold_at, "notes": list(self.notes)}


def spiral(
    trust: float, observations: Sequence[bool], *, beta_greedy: float = 1.0,
    beta_seeker: float = 0.5, distinguishability: float = 1.0, threshold: float | None = None,
) -> Spiral:
    """The rational spiral: trust after each observed build (True) or restraint (False).

    pi' = pi*L_T / [pi*L_T + (1 - pi)*L_U] with L the likelihood of the
    observation under each type (for a correctly read build, L_T = beta_T and
    L_U = beta_U; see :func:`posterior_greedy` for a noisy reading with
    distinguishability d). With ``threshold`` (e.g. :func:`trust_threshold`), reports
    when trust first falls below it: a spiral between two security seekers.

    References
    ----------
    Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
    371-400. doi:10.1353/wp.1997.0012. Updating as in herz MODELS.md sec. 3.3
    [D]. Validation case KYDD-2.
    """
    pi = require_probability("trust", trust)
    bu, bt = _check_betas(beta_greedy, beta_seeker)
    d = require_finite("distinguishability", distinguishability)
    if not 0.0 <= d <= 1.0:
        raise ParameterError("distinguishability", distinguishability,
                             "must be between 0 (indistinguishable) and 1 (distinguishable)")
    obs = tuple(bool(o) for o in observations)
    path = [pi]
    notes: list[str] = []
    for o in obs:
        lu, lt = _likelihoods(o, bu, bt, d)
        denom = pi * lt + (1.0 - pi) * lu
        if denom <= 0.0:
            notes.append("an observation had probability zero under both types; belief kept")
        else:
            pi = pi * lt / denom
        path.append(pi)
    arr = np.array(path)
    below = None
    if threshold is not None:
        thr = require_probability("threshold", threshold)
        hits = np.flatnonzero(arr < thr)
        below = int(hits[0]) if hits.size else None
    else:
        thr = None
    return Spiral(arr, obs, bu, bt, d, thr, below, tuple(notes))


# --------------------------------------------------------------------------- reassurance


class SignalRegime(enum.StrEnum):
    """Whether some signal cost separates the types (only trustworthy senders pay it)."""

    SEPARATING = "separating"
    POOLING = "pooling"


#: What a trusted sender does next: cooperate while the receiver does, or defect at once.
COOPERATE = "cooperate"
DEFECT = "defect first"


@dataclass(frozen=True)
class Reassurance:
    """Costly-signal reassurance: each type's value of being trusted, the regime, the interval.

    ``value_trustworthy`` (V_T) and ``value_untrustworthy`` (V_U) are what being
    trusted is worth to each type of sender when it then plays its best
    response (``plan_trustworthy``, ``plan_untrustworthy``: "cooperate" or
    "defect first"); not being trusted is worth 0. The ``regime`` is
    separating iff V_U < V_T, and then any signal cost m in ``interval`` =
    [V_U, V_T] is paid by trustworthy senders only (``least_cost`` = V_U).
    ``min_trust`` is the trust in the receiver above which separation is
    possible (0 when it is possible at any trust; None when at none).
    ``trustworthy_cooperates`` says the trusted trustworthy sender cooperates;
    ``reassures`` needs separation and that. :meth:`signals` gives each type's
    choice at any cost. With a given ``signal_cost`` m,
    ``separates_at_signal_cost`` says whether that signal separates.
    """

    discount: float
    exploitation_cost: float
    temptation_untrustworthy: float
    temptation_trustworthy: float
    trust_in_receiver: float
    reward_untrustworthy: float
    value_trustworthy: float
    value_untrustworthy: float
    plan_trustworthy: str
    plan_untrustworthy: str
    regime: SignalRegime
    interval: tuple[float, float] | None
    least_cost: float | None
    min_trust: float | None
    trustworthy_cooperates: bool
    reassures: bool
    signal_cost: float | None = None
    separates_at_signal_cost: bool | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def separating(self) -> bool:
        """Return True if some signal cost separates the types."""
        return self.regime is SignalRegime.SEPARATING

    def signals(self, cost: float) -> tuple[bool, bool]:
        """Whether a (trustworthy, untrustworthy) sender pays ``cost`` to be trusted.

        Each type pays iff being trusted is worth at least the cost. At a cost
        equal to V_U the untrustworthy type is indifferent: it is taken not to
        pay when the types separate (so the closed interval [V_U, V_T]
        separates) and to pay when they pool (V_U >= V_T: it then mimics at
        every cost a trustworthy sender pays). Both are best responses.
        """
        m = require_nonnegative("cost", cost)
        v_u = self.value_untrustworthy
        return (m <= self.value_trustworthy, m < v_u if self.separating else m <= v_u)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values."""
        return {
            "discount": self.discount, "exploitation_cost": self.exploitation_cost,
            "temptation_untrustworthy": self.temptation_untrustworthy,
            "temptation_trustworthy": self.temptation_trustworthy,
            "trust_in_receiver": self.trust_in_receiver,
            "reward_untrustworthy": self.reward_untrustworthy,
            "value_trustworthy": self.value_trustworthy,
            "value_untrustworthy": self.value_untrustworthy,
            "plan_trustworthy": self.plan_trustworthy,
            "plan_untrustworthy": self.plan_untrustworthy,
            "regime": self.regime.value, "separating": self.separating,
            "interval": None if self.interval is None else list(self.interval),
            "least_cost": self.least_cost, "min_trust": self.min_trust,
            "trustworthy_cooperates": self.trustworthy_cooperates,
            "reassures": self.reassures, "signal_cost": self.signal_cost,
            "separates_at_signal_cost": self.separates_at_signal_cost,
            "notes": list(self.notes),
        }


def _check_reassurance(discount: float, exploitation_cost: float, temptation_untrustworthy: float,
                       reward_untrustworthy: float) -> tuple[float, float, float, float]:
    d = require_finite("discount", discount)
    if not 0.0 <= d < 1.0:
        raise ParameterError("discount", discount, "must be in [0, 1)")
    c = require_positive("exploitation_cost", exploitation_cost)
    tu = require_finite("temptation_untrustworthy", temptation_untrustworthy)
    if not tu > 1.0:
        raise ParameterError("temptation_untrustworthy", temptation_untrustworthy,
                             "must be > 1 (an untrustworthy type prefers to exploit)")
    ru = require_finite("reward_untrustworthy", reward_untrustworthy)
    if not ru < tu:
        raise ParameterError("reward_untrustworthy", reward_untrustworthy,
                             f"must be < temptation_untrustworthy = {tu:g} (an untrustworthy "
                             "type prefers exploiting to mutual cooperation)")
    return d, c, tu, ru


def sustains_cooperation(discount: float, reward: float, temptation: float) -> bool:
    """Whether a type prefers cooperating forever with a cooperating partner to exploiting once.

    Against a partner who cooperates as long as it does and defects forever
    after being exploited (grim trigger), cooperating for k periods and then
    exploiting is worth R(1 - delta^k)/(1 - delta) + delta^k T, a line in
    delta^k; the best plan is therefore an extreme: exploit at once (T) or
    never (R/(1 - delta)). The type sustains cooperation iff R/(1 - delta) >= T.

    References
    ----------
    Friedman, J. W. (1971). A non-cooperative equilibrium for supergames.
    *Review of Economic Studies* 38(1): 1-12. doi:10.2307/2296617.
    """
    d = require_finite("discount", discount)
    if not 0.0 <= d < 1.0:
        raise ParameterError("discount", discount, "must be in [0, 1)")
    return require_finite("reward", reward) / (1.0 - d) >= require_finite("temptation", temptation)


def _trusted_value(reward: float, temptation: float, pi: float, d: float, c: float,
                   all_cooperate: bool) -> tuple[float, str]:
    # A trusted sender's best plan: cooperate while the receiver does, or defect at once
    # (cooperating k periods and then exploiting lies between the two, see
    # sustains_cooperation). Receivers who cooperate do so until exploited; with
    # ``all_cooperate`` False untrustworthy receivers exploit at once.
    if all_cooperate:
        cooperate, defect = reward / (1.0 - d), temptation
    else:
        cooperate = pi * reward / (1.0 - d) - (1.0 - pi) * c
        defect = pi * temptation
    return (cooperate, COOPERATE) if cooperate >= defect else (defect, DEFECT)


def _values(d: float, c: float, tu: float, tt: float, pi: float,
            ru: float) -> tuple[float, str, float, str]:
    # untrustworthy receivers behave like untrustworthy senders: they exploit a sender
    # they trust unless they themselves sustain cooperation
    all_cooperate = ru / (1.0 - d) >= tu
    v_t, plan_t = _trusted_value(1.0, tt, pi, d, c, all_cooperate)
    v_u, plan_u = _trusted_value(ru, tu, pi, d, c, all_cooperate)
    return v_t, plan_t, v_u, plan_u


def minimum_trust(discount: float, exploitation_cost: float, temptation_untrustworthy: float,
                  reward_untrustworthy: float = 0.0) -> float | None:
    """Trust in the receiver above which a costly signal can separate the types.

    When the untrustworthy type does not sustain cooperation
    (r_U/(1 - delta) < t_U), separation needs pi_R/(1 - delta) - (1 - pi_R) c
    > pi_R t_U, i.e. pi_R > c / (1/(1 - delta) - t_U + c); ``None`` when the
    denominator is <= 0 (no trust suffices; a value above 1 means the same).
    When it does sustain cooperation every receiver cooperates, and separation
    holds at any trust iff r_U < 1 (0 is returned) and at none otherwise
    (``None``). It does not depend on the receiver's prior about the sender.

    References
    ----------
    Kydd, A. (2000). Trust, reassurance, and cooperation. *International
    Organization* 54(2): 325-357. doi:10.1162/002081800551190. Model: see
    :func:`reassurance` [D, a herz construction consistent with Kydd 2000].
    """
    d, c, tu, ru = _check_reassurance(discount, exploitation_cost, temptation_untrustworthy,
                                      reward_untrustworthy)
    if ru >= 1.0:
        return None  # the untrustworthy type values being trusted at least as much
    if ru / (1.0 - d) >= tu:
        return 0.0
    denom = 1.0 / (1.0 - d) - tu + c
    if denom <= 0.0:
        return None
    return c / denom


def reassurance(
    discount: float, exploitation_cost: float, temptation_untrustworthy: float,
    temptation_trustworthy: float, trust_in_receiver: float, signal_cost: float | None = None,
    *, reward_untrustworthy: float = 0.0,
) -> Reassurance:
    """Whether a costly signal can reassure: each type's value of being trusted and the regime.

    Sender S is trustworthy or untrustworthy and trusts the receiver (believes
    it trustworthy) with probability pi_R. Stage payoffs, in one currency for
    both types (the signal cost m is paid in it too)::

                          CC      DC (exploit)   CD (exploited)   DD
        trustworthy        1      t_T < 1             -c           0
        untrustworthy     r_U     t_U > max(1, r_U)   -c           0

    Before play S may sink a cost m >= 0; a receiver convinced that S is
    trustworthy cooperates while S does (grim trigger, discount factor delta);
    not being trusted leads to mutual defection, worth 0. Each type's value of
    being trusted is its best response, derived, not assumed: cooperating
    forever or defecting at once (any mixed plan lies between,
    :func:`sustains_cooperation`). An untrustworthy receiver exploits a trusted
    sender at once unless it sustains cooperation itself, r_U/(1 - delta) >= t_U.
    Then, with C_T = pi_R/(1 - delta) - (1 - pi_R) c:

    * if r_U/(1 - delta) < t_U: V_T = max(C_T, pi_R t_T), V_U = pi_R t_U;
    * otherwise every receiver cooperates: V_T = 1/(1 - delta), V_U = r_U/(1 - delta).

    A separating equilibrium (only trustworthy senders pay, and paying makes
    the receiver trust) exists iff V_U < V_T, at every m in [V_U, V_T]; else
    every cost a trustworthy sender would pay attracts untrustworthy ones too
    (pooling). This holds iff r_U < 1 and, when untrustworthy types do not
    sustain cooperation, pi_R > c/(1/(1 - delta) - t_U + c).

    Assumption. The types value mutual cooperation differently: r_U < 1 is
    Kydd's (2000) condition that trustworthy types are readier than
    untrustworthy ones to accept risk to reach mutual cooperation; with equal
    values (r_U = 1, Kydd's normalisation applied to both types) no signal can
    separate. The default r_U = 0 (an untrustworthy type gains nothing from
    mutual cooperation over mutual defection) makes it a committed exploiter:
    V_U = pi_R t_U, the first herz model's value, now derived. Kydd's (2005)
    normalisation (CC = 1, DD = 0) holds for the trustworthy type.

    References
    ----------
    Kydd, A. (2000). Trust, reassurance, and cooperation. *International
    Organization* 54(2): 325-357. doi:10.1162/002081800551190.

    Kydd, A. H. (2005). *Trust and Mistrust in International Relations*, ch. 2
    (the normalisation). Princeton, NJ: Princeton University Press.

    Model: herz MODELS.md sec. 3.4 with its December 2026 correction [D, a herz
    construction consistent with Kydd 2000's verified result].
    """
    d, c, tu, ru = _check_reassurance(discount, exploitation_cost, temptation_untrustworthy,
                                      reward_untrustworthy)
    tt = _trustworthy_t("temptation_trustworthy", temptation_trustworthy)
    pi = require_probability("trust_in_receiver", trust_in_receiver)
    v_t, plan_t, v_u, plan_u = _values(d, c, tu, tt, pi, ru)
    regime = SignalRegime.SEPARATING if v_u < v_t else SignalRegime.POOLING
    sep = regime is SignalRegime.SEPARATING
    coop = plan_t == COOPERATE
    notes = []
    at_cost = None
    if signal_cost is not None:
        m = require_nonnegative("signal_cost", signal_cost)
        at_cost = bool(sep and v_u <= m <= v_t)
        if not at_cost and sep:
            notes.append(f"signal cost {m:g} lies outside the separating interval "
                         f"[{v_u:g}, {v_t:g}]")
    if not coop:
        notes.append("a trusted trustworthy sender would defect first (it fears an "
                     "untrustworthy receiver more than it values cooperation)")
    if not sep:
        notes.append("no signal separates: any cost a trustworthy sender would pay, an "
                     "untrustworthy one would pay too (pooling)")
    if plan_u == COOPERATE:
        notes.append("the untrustworthy type sustains cooperation once trusted "
                     "(r_U/(1 - delta) >= t_U), and so does an untrustworthy receiver")
    return Reassurance(
        d, c, tu, tt, pi, ru, v_t, v_u, plan_t, plan_u, regime,
        (v_u, v_t) if sep else None, v_u if sep else None,
        minimum_trust(d, c, tu, ru), coop, sep and coop,
        None if signal_cost is None else float(signal_cost), at_cost, tuple(notes),
    )


def separating_interval(
    discount: float, exploitation_cost: float, temptation_untrustworthy: float,
    trust_in_receiver: float, *, reward_untrustworthy: float = 0.0,
) -> tuple[float, float] | None:
    """Signal costs paid by trustworthy senders only: [V_U, V_T], or None when pooling.

    See :func:`reassurance` for the model and its assumption; the interval
    does not depend on the trustworthy type's temptation (when it would defect
    first, V_T = pi_R t_T < pi_R t_U <= V_U and nothing separates).

    References
    ----------
    Kydd, A. (2000). Trust, reassurance, and cooperation. *International
    Organization* 54(2): 325-357. doi:10.1162/002081800551190. Model: herz
    MODELS.md sec. 3.4, corrected [D].
    """
    res = reassurance(discount, exploitation_cost, temptation_untrustworthy, 0.0,
                      trust_in_receiver, reward_untrustworthy=reward_untrustworthy)
    return res.interval
