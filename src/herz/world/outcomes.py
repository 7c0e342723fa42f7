"""Outcome of each world over its whole trajectory (DESIGN.md section 3).

Version 1 classified a world once, over the last quarter of its run: a war at
any time overrode everything after it, 69% of worlds "escaped at year 0"
(their dynamics were settled before anything was measured: they never had a
dilemma), and an arms race held at the budget ceiling counted as mitigated.
Version 2 follows every pair of security seekers year by year after a burn-in
(:mod:`herz.world.episodes`): when it enters the dilemma (a mutual arms race
while mutual trust falls), whether and by which route it exits (mitigated, or
transcended when institutions and identity carry the exit), and which
competing outcome ends it instead (war between the two, by cause; predation on
a member; a member's death), with spells still running at the horizon
censored, not counted as fatalism.

:class:`TrajectoryTracker` is what :func:`herz.world.simulate` runs: online,
one update per step, no full trajectories needed. Its per-world columns
(:data:`TRAJECTORY_COLUMNS`, meanings in
:data:`herz.world.episodes.WORLD_COLUMN_DOCS`) and the per-spell table
(``simulate(..., pairs=True)``) are the outcomes; ``outcome`` is a summary
label of the world's first spell (:class:`Outcome`), kept for tables that
want one word per world.

References
----------
Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation
and Trust in World Politics*. Palgrave Macmillan (fatalist, mitigator and
transcender logics).
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np
import pandas as pd

from herz.world.episodes import WORLD_COLUMNS, EpisodeDetector, EpisodeResult, EpisodeRule
from herz.world.params import WorldParams

__all__ = ["OUTCOME_COLUMNS", "TRAJECTORY_COLUMNS", "Outcome", "TrajectoryTracker", "observe",
           "trajectory_inputs"]


class Outcome(enum.StrEnum):
    """Summary label of a world.

    Version 2 (:class:`TrajectoryTracker`, DESIGN.md section 3) labels a world by
    its first seeker-pair spell after burn-in: ``mitigated`` or ``transcended``
    (it exited by that route), ``war`` (a war between the two, predation against
    a member or a member's death ended it; also a world that never entered but
    had a war), ``unresolved`` (still in the dilemma at the horizon: censoring,
    not fatalism) and ``no_dilemma`` (no pair entered after burn-in and no war:
    nothing to escape from; set aside, never counted as an escape). Version 1's
    ``spiral`` label is gone: a spiral still running at the horizon is censored.
    """

    WAR = "war"
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
        "spending": state.spending,
        "cap": params.world_value("budget_share", 1) * np.asarray(state.output),
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


def trajectory_inputs(paths: Any, params: WorldParams) -> dict[str, Any]:
    """The episode detector's inputs from ``simulate(..., trajectories=True)``'s Dataset.

    For the offline detector (:func:`herz.world.episodes.detect_episodes`, and
    the sensitivity over k, x and m): the cap is ``budget_share`` times output,
    seekers are the states not greedy in each step (``greedy_path``; fixed
    over the run when the Dataset holds types per world only), institutions 1 for two members of one
    community. Wars and disputes enter only if the Dataset stores them
    (``war_cause``: cause of the wars started each step; ``disputes``;
    ``at_war_pairs``); without them the offline run sees no competing war.
    """
    def arr(name: str) -> Any:
        v = paths[name]
        return np.asarray(getattr(v, "values", v))

    com = arr("community")
    inst = ((com[..., :, None] == com[..., None, :]) & (com[..., :, None] >= 0)).astype(float)
    out: dict[str, Any] = {
        "spending": arr("spending"),
        "cap": params.world_value("budget_share", arr("output").ndim - 1) * arr("output"),
        "mistrust": arr("mistrust"),
        # types per step where stored (they turn over: motive_turnover), else per world
        "seeker": ~arr("greedy_path" if "greedy_path" in getattr(paths, "data_vars", paths)
                       else "greedy").astype(bool),
        "alive": arr("alive"), "identity": arr("identity"), "institutions": inst,
    }
    names = getattr(paths, "data_vars", paths)
    for src, dst in (("war_cause", "war_cause"), ("disputes", "dispute"),
                     ("at_war_pairs", "at_war"), ("relevant", "relevant")):
        if src in names:
            out[dst] = arr(src)
    return out
