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
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.world.episodes import WORLD_COLUMNS, EpisodeDetector, EpisodeResult, EpisodeRule
from herz.world.params import WorldParams

__all__ = ["OUTCOME_COLUMNS", "TRAJECTORY_COLUMNS", "Outcome", "TrajectoryTracker", "observe"]


class Outcome(enum.StrEnum):
    """Summary label of a world.

    Version 2 (:class:`TrajectoryTracker`, DESIGN.md section 3) labels a world by
    its first seeker-pair spell after burn-in: ``mitigated`` or ``transcended``
    (it exited by that route), ``war`` (a war between the two, predation against
    a member or a member's death ended it; also a world that never entered but
    had a war), ``unresolved`` (still in the dilemma at the horizon: censoring,
    not fatalism) and ``no_dilemma`` (no pair entered after burn-in and no war:
    nothing to escape from; set aside, never counted as an escape). ``spiral``
    is the version 1 label of :func:`classify`.
    """

    WAR = "war"
    SPIRAL = "spiral"
    MITIGATED = "mitigated"
    TRANSCENDED = "transcended"
    UNRESOLVED = "unresolved"
    NO_DILEMMA = "no_dilemma"

    @property
    def escaped(self) -> bool:
        """Whether the world escaped the dilemma (mitigated or transcended)."""
        return self in (Outcome.MITIGATED, Outcome.TRANSCENDED)


#: Per-world columns of the trajectory outcomes (DESIGN.md section 3).
TRAJECTORY_COLUMNS = WORLD_COLUMNS

#: Every column of :func:`herz.simulate`'s per-world frame: the trajectory outcomes, then
#: descriptive measures of the world (what analysis treats as outcomes, not factors).
OUTCOME_COLUMNS: tuple[str, ...] = (
    "world", "outcome", "escaped", "path",
    *[c for c in TRAJECTORY_COLUMNS if c not in ("world", "outcome", "escaped", "path")],
    "n_wars", "first_war_step", "n_greedy", "n_greedy_end", "arms_start", "arms_end",
    "arms_ratio", "output_start", "output_end", "trust_start", "trust_end", "trust_change",
    "trust_shadow_end", "psychological_spiral", "informativeness", "motive_changes",
    "runaway_step", "time_to_escape",
)


def observe(state: Any, params: WorldParams) -> dict[str, Any]:
    """What the episode detector reads from a version 2 state after a step.

    Wars started this step carry the cause the war decision recorded; the
    institution stock is ``state.mech["community.institutions"]`` when the
    community mechanism keeps one, else 1 for two members of one community.
    """
    attacks = np.asarray(state.attacks, dtype=bool)
    cause = np.where(attacks, np.asarray(state.war_cause), 0).astype(np.int8)
    mech = getattr(state, "mech", {}) or {}
    inst = mech.get("community.institutions")
    if inst is None:
        com = np.asarray(state.community)
        inst = ((com[:, :, None] == com[:, None, :]) & (com[:, :, None] >= 0)).astype(float)
    return {
        "spending": state.spending, "cap": params.budget_share * np.asarray(state.output),
        "mistrust": state.mistrust, "seeker": ~np.asarray(state.greedy, dtype=bool),
        "alive": state.alive, "war_cause": cause, "dispute": state.disputes,
        "at_war": state.at_war, "institutions": inst, "identity": state.identity,
        "relevant": getattr(state, "relevant", None),
    }


class TrajectoryTracker:
    """Online trajectory outcomes of a batch of worlds (DESIGN.md section 3).

    Create it on the starting state (year 0), call :meth:`update` after every
    step, then read :meth:`world_frame` (one row per world in batch order,
    columns :data:`TRAJECTORY_COLUMNS`) and :meth:`pair_frame` (one row per
    seeker-pair spell; ``world`` is the batch position). The rule's thresholds
    are the parameters' (:meth:`herz.world.episodes.EpisodeRule.from_params`);
    memory is about 24 bytes per unordered pair and world
    (:class:`herz.world.episodes.EpisodeDetector`).
    """

    def __init__(self, params: WorldParams, state: Any, rule: EpisodeRule | None = None) -> None:
        self.params = params
        self.rule = rule if rule is not None else EpisodeRule.from_params(params)
        self.detector = EpisodeDetector(state.worlds, state.n_states, self.rule)
        self._result: EpisodeResult | None = None
        self.update(state)

    def update(self, state: Any) -> None:
        """Read the state after one more step."""
        if self._result is not None:
            raise RuntimeError("the tracker has finished: its frames have been read")
        self.detector.update(**observe(state, self.params))

    def result(self) -> EpisodeResult:
        """The detector's result (censoring open spells at the last year read)."""
        if self._result is None:
            self._result = self.detector.finish()
        return self._result

    def world_frame(self) -> pd.DataFrame:
        """Per-world trajectory outcomes, in batch order."""
        return self.result().worlds

    def pair_frame(self) -> pd.DataFrame:
        """Per seeker-pair spell table (``world`` = position in the batch)."""
        return self.result().spells
