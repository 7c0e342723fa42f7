"""Mechanism 2, belief update: Bayes' rule on what i observes of j.

mu[i, j] is i's probability that j is greedy (trust is 1 - mu). Each step i
observes whether j built up (perception), whether j sent it a costly signal,
and whether j attacked anyone. Under "j is greedy" a build-up is seen with
probability ``build_prob_greedy`` (beta_U), under "j is a security seeker"
with ``build_prob_seeker`` (beta_T < beta_U), so every observed build
multiplies the odds that j is greedy by beta_U / beta_T and every observed
restraint by (1 - beta_U) / (1 - beta_T): Kydd's rational spiral. A signal
that only security seekers send (separating) drives mu to its floor, a
pooling signal teaches nothing; an attack multiplies the odds by
``attack_evidence``. Beliefs stay in [belief_floor, 1 - belief_floor].

Noise makes security seekers misread each other: a perceived build-up that is
only noise counts as evidence of greed (Jervis's spiral model).

References
----------
Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
371-400. doi:10.1353/wp.1997.0012.

Kydd, A. H. (2005). *Trust and Mistrust in International Relations*.
Princeton University Press. ch. 2.

Jervis, R. (1976). *Perception and Misperception in International Politics*.
Princeton University Press. ch. 3.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from herz.world._kernels import beliefs_kernel
from herz.world.params import WorldParams

__all__ = ["SIGNAL_NONE", "SIGNAL_POOLING", "SIGNAL_SEPARATING", "bayes", "update_beliefs"]

#: Codes of the ``signals`` array: no signal, an informative (separating) one, a pooling one.
SIGNAL_NONE, SIGNAL_SEPARATING, SIGNAL_POOLING = 0, 1, 2


def bayes(mu: NDArray[np.float64] | float, likelihood_ratio: NDArray[np.float64] | float
          ) -> NDArray[np.float64]:
    """Posterior probability of "greedy" from prior ``mu`` and a likelihood ratio.

    The ratio is P(observation | greedy) / P(observation | seeker).

    mu' = mu * LR / (mu * LR + 1 - mu); an infinite ratio gives 1, a zero ratio 0.
    """
    m = np.asarray(mu, dtype=float)
    lr = np.asarray(likelihood_ratio, dtype=float)
    with np.errstate(invalid="ignore"):
        post = m * lr / (m * lr + (1.0 - m))
    return np.asarray(np.where(np.isinf(lr), 1.0, post), dtype=float)


def update_beliefs(mistrust: NDArray[np.float64], built: NDArray[np.bool_],
                   signals: NDArray[np.int8], attacks: NDArray[np.bool_],
                   params: WorldParams) -> NDArray[np.float64]:
    """Return the updated beliefs mu[i, j] after one step of observation.

    ``built[i, j]``: i saw j build up; ``signals[j, i]``: code of the signal j
    sent i (see :data:`SIGNAL_SEPARATING`); ``attacks[j, k]``: j attacked k.
    """
    bu, bt = params.build_prob_greedy, params.build_prob_seeker
    has_sig = bool(signals.any())
    has_att = bool(attacks.any())
    attacker = np.asarray(attacks.any(axis=2)) if has_att else _NO_ATTACKER
    out = np.empty_like(mistrust)
    beliefs_kernel(mistrust, built, signals if has_sig else _NO_SIGNAL, has_sig, attacker,
                   has_att, bu / bt, (1.0 - bu) / (1.0 - bt), float(params.attack_evidence),
                   float(params.belief_floor), out)
    return out


_NO_SIGNAL = np.zeros((1, 1, 1), dtype=np.int8)
_NO_ATTACKER = np.zeros((1, 1), dtype=np.bool_)
