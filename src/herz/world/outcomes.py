"""Outcome of each world: Booth and Wheeler's logics, with the measures behind them.

Each world is classified over the last ``outcome_window`` share of the run, in
this order of precedence:

- ``war``: any war occurred (its step and dyad are reported);
- ``transcended`` (transcender): security communities cover at least
  ``transcended_coverage`` of the states at the end and arms did not grow over
  the window;
- ``spiral`` (fatalist): arms rose relative to the start (end / start >=
  ``spiral_arms_ratio``, or a runaway) while mean trust among security seekers
  fell by at least ``spiral_trust_drop``;
- ``mitigated`` (mitigator): arms bounded (no runaway and growth over the window
  at most ``bounded_growth``), no war, no covering community;
- ``unresolved``: none of these (arms still growing without a fall in trust,
  or rising at the end of the run); the share of such worlds says the run was
  too short to judge.

The measures keep Booth and Wheeler's two halves of the dilemma apart: the
dilemma of interpretation shows in ``trust_start``, ``trust_end`` and
``trust_change`` (what perception and belief update made of the others), the
dilemma of response in ``arms_ratio``, ``arms_growth``, ``n_wars`` and
``runaway`` (what states did about it).

Measures of the later mechanisms: ``n_greedy_end`` and ``motive_changes``
(motive drift; ``n_greedy`` counts greedy states at the start),
``war_years`` (years of war fought, summed over wars), ``mean_war_duration``
(mean length in years of the wars that ended; NaN if none did) and
``wars_ongoing`` (wars still being fought at the end). With one-step wars
``mean_war_duration`` is ``dt`` and ``war_years`` is ``n_wars * dt``.

"Escape" is mitigated or transcended. Trust is the mean of 1 - mu[i, j] over
ordered pairs of security seekers (over all pairs when fewer than two states
are security seekers). The time to escape is the first step from which the
mean arsenal never again exceeds its level then by more than
``bounded_growth`` (NaN for worlds that did not escape).

References
----------
Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation
and Trust in World Politics*. Palgrave Macmillan.
"""

from __future__ import annotations

import enum

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.world._kernels import seeker_trust_kernel
from herz.world.params import WorldParams

__all__ = ["OUTCOME_COLUMNS", "Outcome", "classify", "seeker_trust"]


class Outcome(enum.StrEnum):
    """Booth and Wheeler's classification of a world (plus ``unresolved``)."""

    WAR = "war"
    SPIRAL = "spiral"
    MITIGATED = "mitigated"
    TRANSCENDED = "transcended"
    UNRESOLVED = "unresolved"

    @property
    def escaped(self) -> bool:
        """Whether the world escaped the dilemma (mitigated or transcended)."""
        return self in (Outcome.MITIGATED, Outcome.TRANSCENDED)


OUTCOME_COLUMNS = (
    "world", "outcome", "escaped", "n_greedy", "arms_start", "arms_end", "arms_ratio",
    "arms_growth", "trust_start", "trust_end", "trust_change", "n_wars", "first_war_step",
    "first_war_attacker", "first_war_target", "community_coverage", "runaway", "runaway_step",
    "time_to_escape", "n_greedy_end", "motive_changes", "war_years", "mean_war_duration",
    "wars_ongoing",
)


def seeker_trust(mistrust: NDArray[np.float64], greedy: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Mean trust 1 - mu[i, j] over ordered pairs of security seekers, (W,).

    Over all ordered pairs when a world has fewer than two security seekers.
    """
    out = np.empty(mistrust.shape[0])
    seeker_trust_kernel(np.ascontiguousarray(mistrust), np.ascontiguousarray(greedy), out)
    return out


def classify(params: WorldParams, arms_mean: NDArray[np.float64], trust: NDArray[np.float64],
             coverage: NDArray[np.float64], n_wars: NDArray[np.int64],
             runaway_step: NDArray[np.int64]) -> pd.DataFrame:
    """Classify worlds from their per-step series, (W, steps + 1) each."""
    w, t1 = arms_mean.shape
    steps = t1 - 1
    t0 = max(0, min(steps - 1, int(np.floor(steps * (1.0 - params.outcome_window)))))
    a0, a_end, a_win = arms_mean[:, 0], arms_mean[:, -1], arms_mean[:, t0]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(a0 > 0, a_end / np.where(a0 > 0, a0, 1.0), np.inf)
        growth = np.where(a_win > 0, a_end / np.where(a_win > 0, a_win, 1.0) - 1.0,
                          np.where(a_end > 0, np.inf, 0.0))
    runaway = runaway_step >= 0
    war = n_wars > 0
    trust_change = trust[:, -1] - trust[:, 0]
    rising = (ratio >= params.spiral_arms_ratio) | runaway
    trust_fell = trust_change <= -params.spiral_trust_drop
    bounded = ~runaway & (growth <= params.bounded_growth)
    covered = coverage[:, -1] >= params.transcended_coverage
    label = np.full(w, Outcome.UNRESOLVED.value, dtype=object)
    label[bounded] = Outcome.MITIGATED.value
    label[rising & trust_fell] = Outcome.SPIRAL.value
    label[covered & (growth <= 0.0) & ~runaway] = Outcome.TRANSCENDED.value
    label[war] = Outcome.WAR.value
    escaped = np.isin(label, [Outcome.MITIGATED.value, Outcome.TRANSCENDED.value])
    # time to escape: first t with max_{u >= t} A_u <= (1 + bounded_growth) A_t
    suffix_max = np.maximum.accumulate(arms_mean[:, ::-1], axis=1)[:, ::-1]
    settled = suffix_max <= (1.0 + params.bounded_growth) * arms_mean
    first = np.where(settled.any(axis=1), settled.argmax(axis=1), -1)
    tte = np.where(escaped & (first >= 0), first * params.dt, np.nan)
    return pd.DataFrame({
        "outcome": label, "escaped": escaped, "arms_start": a0, "arms_end": a_end,
        "arms_ratio": ratio, "arms_growth": growth, "trust_start": trust[:, 0],
        "trust_end": trust[:, -1], "trust_change": trust_change,
        "community_coverage": coverage[:, -1], "runaway": runaway, "time_to_escape": tte,
    })
