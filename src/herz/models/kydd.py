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
  untrustworthy one by sinking a cost m in [G_U, G_T], which exists iff its
  trust in the receiver is at least c / (1/(1 - delta) - t_U + c)
  (:func:`reassurance`, :func:`separating_interval`, :func:`minimum_trust`).

Status: the payoff normalisation is attributed to Kydd (2005), ch. 2 [R: not
re-checked against the book]; the thresholds follow from it [D]; the
costly-signal model is a herz construction [D] consistent with Kydd's (2000)
verified result that reassurance requires trustworthy types to value
cooperation more than untrustworthy types value exploitation.

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError, require_finite, require_probability

__all__ = [
    "Reassurance",
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
    "trust_threshold",
    "two_type_equilibrium",
]


def _positive(name: str, value: float) -> float:
    v = require_finite(name, value)
    if not v > 0:
        raise ParameterError(name, value, "must be > 0")
    return v


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
    c = _positive("exploitation_cost", exploitation_cost)
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

    c = _positive("exploitation_cost", exploitation_cost)
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


def _likelihoods(build: bool, bu: float, bt: float, rho: float) -> tuple[float, float]:
    # probability of *observing* a build (or no build) under each type, when the
    # posture is read correctly with probability rho
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
    of observations does not matter. With ``distinguishability`` rho < 1 the
    observation is the posture as read, correct with probability rho, so the
    likelihood of seeing a build is rho*beta + (1 - rho)*(1 - beta); rho = 1/2
    makes observations uninformative.

    References
    ----------
    Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
    371-400. Updating as in herz MODELS.md sec. 3.3 [D]; the noisy reading
    (rho) follows MODELS.md sec. 2.3's definition of distinguishability.
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
    L_U = beta_U). With ``threshold`` (e.g. :func:`trust_threshold`), reports
    when trust first falls below it: a spiral between two security seekers.

    References
    ----------
    Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
    371-400. doi:10.1353/wp.1997.0012. Updating as in herz MODELS.md sec. 3.3
    [D]. Validation case KYDD-2.
    """
    pi = require_probability("trust", trust)
    bu, bt = _check_betas(beta_greedy, beta_seeker)
    rho = require_probability("distinguishability", distinguishability)
    if rho < 0.5:
        raise ParameterError("distinguishability", distinguishability,
                             "must be between 0.5 (indistinguishable) and 1")
    obs = tuple(bool(o) for o in observations)
    path = [pi]
    notes: list[str] = []
    for o in obs:
        lu, lt = _likelihoods(o, bu, bt, rho)
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
    return Spiral(arr, obs, bu, bt, rho, thr, below, tuple(notes))


# --------------------------------------------------------------------------- reassurance


@dataclass(frozen=True)
class Reassurance:
    """Costly-signal reassurance: values, the separating interval and the trust threshold.

    ``value_trustworthy`` = G_T and ``value_untrustworthy`` = G_U are the values
    of being trusted; a separating equilibrium exists iff G_U <= G_T, with any
    signal cost m in ``interval`` = [G_U, G_T]; ``least_cost`` = G_U. ``min_trust``
    is the least trust in the receiver for which separation is possible (None
    if none suffices: 1/(1 - delta) <= t_U - c). ``trustworthy_cooperates``
    checks that a trustworthy sender still prefers to cooperate after
    signalling (G_T >= trust*t_T); ``reassures`` needs both. With a given
    ``signal_cost`` m, ``separates_at_signal_cost`` says whether that signal
    separates: G_U <= m <= G_T and the trustworthy sender still cooperates.
    """

    discount: float
    exploitation_cost: float
    temptation_untrustworthy: float
    temptation_trustworthy: float
    trust_in_receiver: float
    value_trustworthy: float
    value_untrustworthy: float
    separating: bool
    interval: tuple[float, float] | None
    least_cost: float | None
    min_trust: float | None
    trustworthy_cooperates: bool
    reassures: bool
    signal_cost: float | None = None
    separates_at_signal_cost: bool | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain values."""
        return {
            "discount": self.discount, "exploitation_cost": self.exploitation_cost,
            "temptation_untrustworthy": self.temptation_untrustworthy,
            "temptation_trustworthy": self.temptation_trustworthy,
            "trust_in_receiver": self.trust_in_receiver,
            "value_trustworthy": self.value_trustworthy,
            "value_untrustworthy": self.value_untrustworthy,
            "separating": self.separating,
            "interval": None if self.interval is None else list(self.interval),
            "least_cost": self.least_cost, "min_trust": self.min_trust,
            "trustworthy_cooperates": self.trustworthy_cooperates,
            "reassures": self.reassures, "signal_cost": self.signal_cost,
            "separates_at_signal_cost": self.separates_at_signal_cost,
            "notes": list(self.notes),
        }


def _check_reassurance(discount: float, exploitation_cost: float,
                       temptation_untrustworthy: float) -> tuple[float, float, float]:
    d = require_finite("discount", discount)
    if not 0.0 <= d < 1.0:
        raise ParameterError("discount", discount, "must be in [0, 1)")
    c = _positive("exploitation_cost", exploitation_cost)
    tu = require_finite("temptation_untrustworthy", temptation_untrustworthy)
    if not tu > 1.0:
        raise ParameterError("temptation_untrustworthy", temptation_untrustworthy,
                             "must be > 1 (an untrustworthy type prefers to exploit)")
    return d, c, tu


def minimum_trust(discount: float, exploitation_cost: float,
                  temptation_untrustworthy: float) -> float | None:
    """Least trust in the receiver at which a costly signal can separate.

    pi_R >= c / (1/(1 - delta) - t_U + c); ``None`` when the denominator is
    <= 0 (no trust suffices). A value above 1 also means separation is
    impossible. It does not depend on the receiver's prior about the sender.

    References
    ----------
    Kydd, A. (2000). Trust, reassurance, and cooperation. *International
    Organization* 54(2): 325-357. Model and threshold: herz MODELS.md sec. 3.4
    [D, a herz construction consistent with Kydd 2000].
    """
    d, c, tu = _check_reassurance(discount, exploitation_cost, temptation_untrustworthy)
    denom = 1.0 / (1.0 - d) - tu + c
    if denom <= 0.0:
        return None
    return c / denom


def reassurance(
    discount: float, exploitation_cost: float, temptation_untrustworthy: float,
    temptation_trustworthy: float, trust_in_receiver: float, signal_cost: float | None = None,
) -> Reassurance:
    """Whether a costly signal can reassure, and which signal costs separate.

    Sender S is trustworthy (t_T < 1) or untrustworthy (t_U > 1) and trusts the
    receiver with probability pi_R. If trusted, two trustworthy players
    cooperate forever (discount factor delta); an untrustworthy sender exploits
    once and the relationship reverts to mutual defection:

        G_T = pi_R/(1 - delta) - (1 - pi_R)*c,   G_U = pi_R*t_U

    Separation iff G_U <= G_T, with any signal cost m in [G_U, G_T]; a given
    ``signal_cost`` m separates iff it lies in that interval (only the
    trustworthy type then finds paying m worth being trusted).

    References
    ----------
    Kydd, A. (2000). Trust, reassurance, and cooperation. *International
    Organization* 54(2): 325-357. doi:10.1162/002081800551190. Model: herz
    MODELS.md sec. 3.4 [D, a herz construction consistent with Kydd 2000's
    verified result].
    """
    d, c, tu = _check_reassurance(discount, exploitation_cost, temptation_untrustworthy)
    tt = _trustworthy_t("temptation_trustworthy", temptation_trustworthy)
    pi = require_probability("trust_in_receiver", trust_in_receiver)
    g_t = pi / (1.0 - d) - (1.0 - pi) * c
    g_u = pi * tu
    sep = g_u <= g_t
    coop = g_t >= pi * tt
    notes = []
    at_cost = None
    if signal_cost is not None:
        m = require_finite("signal_cost", signal_cost)
        if m < 0:
            raise ParameterError("signal_cost", signal_cost, "must be >= 0")
        at_cost = bool(g_u <= m <= g_t and coop)
        if not at_cost and sep:
            notes.append(f"signal cost {m:g} lies outside the separating interval "
                         f"[{g_u:g}, {g_t:g}]")
    if sep and not coop:
        notes.append("a trustworthy sender would rather exploit after signalling (G_T < trust*t_T)")
    if not sep:
        notes.append("no signal separates: any cost a trustworthy sender would pay, an "
                     "untrustworthy one would pay too")
    return Reassurance(
        d, c, tu, tt, pi, g_t, g_u, sep, (g_u, g_t) if sep else None, g_u if sep else None,
        minimum_trust(d, c, tu), coop, sep and coop,
        None if signal_cost is None else float(signal_cost), at_cost, tuple(notes),
    )


def separating_interval(
    discount: float, exploitation_cost: float, temptation_untrustworthy: float,
    trust_in_receiver: float,
) -> tuple[float, float] | None:
    """Signal costs that separate the types: [pi_R*t_U, pi_R/(1 - delta) - (1 - pi_R)*c], or None.

    References
    ----------
    Kydd, A. (2000). Trust, reassurance, and cooperation. *International
    Organization* 54(2): 325-357. Model: herz MODELS.md sec. 3.4 [D].
    """
    d, c, tu = _check_reassurance(discount, exploitation_cost, temptation_untrustworthy)
    pi = require_probability("trust_in_receiver", trust_in_receiver)
    g_t = pi / (1.0 - d) - (1.0 - pi) * c
    g_u = pi * tu
    return (g_u, g_t) if g_u <= g_t else None
