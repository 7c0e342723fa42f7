"""Branching worlds at entry into the dilemma, with common random numbers (DESIGN 4.1-4.4).

A *trunk* runs a batch of worlds through the burn-in and an entry window,
following every pair of security seekers with the world's own episode detector
(:class:`herz.world.outcomes.TrajectoryTracker`). When a pair enters the dilemma
(a mutual race while mutual trust falls, docs/background/outcomes.md) the world
is copied at that year into one branch per *arm*: the control (the calibrated
world, unchanged), the realist arm (escape mechanisms off, every state fearing
every other as greedy) and one branch per route and dose. Each branch then runs
for a fixed follow-up and :class:`PairFollow` records how that pair's spell
ends: exit (by the world's exit rule), war between the two (by cause),
predation against either, death of either, or a change of type.

Common random numbers: every draw of the world is a pure function of (world
key, stream, step, index) (:mod:`herz.world.noise`), so a branch meets the same
shocks as the control year by year; the control continues the trunk bit for bit
and a route at dose 0 is the control bit for bit (tests/studies/test_branching.py).
Entries before the end of the burn-in are not branched, and worlds with no entry
in the window are counted and set aside.

References
----------
Glasserman, P. and Yao, D. D. (1992). Some guidelines and guarantees for common
random numbers. *Management Science* 38(6): 884-908.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.world.episodes import CAUSES, EpisodeRule, SpellEnd
from herz.world.noise import world_keys
from herz.world.outcomes import TrajectoryTracker, observe
from herz.world.params import WorldParams
from herz.world.state import WorldState, initial_state
from herz.world.step import step

__all__ = [
    "ARM_COLUMNS",
    "FACTORIAL",
    "ROUTES",
    "Arm",
    "Entry",
    "PairFollow",
    "Route",
    "Trunk",
    "branch_entries",
    "realist",
    "reference_arms",
    "route_arms",
    "run_trunk",
    "take_worlds",
]

#: How a spell's end is written in the branch table.
END_LABELS = {0: "open", int(SpellEnd.EXIT): "exit", int(SpellEnd.WAR): "war",
              int(SpellEnd.PREDATION): "predation", int(SpellEnd.DEATH): "death",
              int(SpellEnd.LEFT): "left"}


@dataclass(frozen=True)
class Route:
    """A route out of the dilemma as an intervention on the world (DESIGN 4.3).

    ``dose`` runs from 0 (the calibrated world: the route does nothing, and the
    branch is the control bit for bit) to 1 (the route's full strength, stated
    in ``full``). ``scope`` says whom it touches (``system``: every state, as a
    technology or a norm does; ``pair``: the two states in the dilemma only),
    ``mode`` whether it makes an option available that the states' own policy
    may take or not (``option``), or forces an action (``forced``).
    """

    name: str
    label: str
    parameter: str
    scope: Literal["system", "pair"]
    mode: Literal["option", "forced"]
    full: str
    docs: str
    move: Callable[[WorldParams, float], dict[str, Any]] = field(repr=False, compare=False)

    def apply(self, params: WorldParams, dose: float) -> WorldParams:
        """``params`` with the route at ``dose`` (0: unchanged, 1: full strength)."""
        if not 0.0 <= float(dose) <= 1.0:
            raise ParameterError(f"routes.{self.name}.dose", dose, "must be in [0, 1]")
        return params.replace(**self.move(params, float(dose)))


#: Dose 1 of defensive technology multiplies the offense-defense balance by this factor.
DEFENCE_FACTOR = 4.0


def _defence(p: WorldParams, dose: float) -> dict[str, Any]:
    return {"offense_defense_balance": float(p.offense_defense_balance) * DEFENCE_FACTOR ** dose}


def _toward_one(name: str) -> Callable[[WorldParams, float], dict[str, Any]]:
    def move(p: WorldParams, dose: float) -> dict[str, Any]:
        v = float(getattr(p, name))
        return {name: v + dose * (1.0 - v)}
    return move


def _switch_on(mechanism: str, name: str, full: float
               ) -> Callable[[WorldParams, float], dict[str, Any]]:
    """A mechanism switched on at strength ``dose * full`` (dose 0: left as it is)."""
    def move(p: WorldParams, dose: float) -> dict[str, Any]:
        if dose == 0.0:
            return {}
        return {"mechanisms": dataclasses.replace(p.mechanisms, **{mechanism: True}),
                name: dose * full}
    return move


#: The routes the world has (defensive technology, distinguishability, perspective-taking,
#: identity-building, community institutions).
ROUTES: tuple[Route, ...] = (
    Route("defensive_technology", "defensive technology", "offense_defense_balance", "system",
          "option", f"offense-defense balance x {DEFENCE_FACTOR:g} (defence cheaper; states "
          "still choose their own offence share)", "docs/background/arms-offense-defense.md",
          _defence),
    Route("distinguishability", "distinguishability", "distinguishability", "system", "forced",
          "d moved all the way to 1 (every defensive purchase read as defence)",
          "docs/background/perception-beliefs.md", _toward_one("distinguishability")),
    Route("perspective_taking", "perspective-taking", "perspective_taking", "system", "forced",
          "perspective-taking 1 (the misperception bias removed, unless identity threat makes "
          "it backfire)", "docs/background/perception-beliefs.md",
          _toward_one("perspective_taking")),
    Route("identity_building", "identity-building", "mechanisms.identity, identity_plasticity",
          "system", "option", "identities move with events at plasticity 0.2 (dose 0.5: the "
          "world's default 0.1; dose 0: the mechanism off, as in the calibrated world)",
          "docs/background/identity-communities.md",
          _switch_on("identity", "identity_plasticity", 0.2)),
    Route("community_institutions", "community institutions",
          "mechanisms.community, institution_growth", "system", "option",
          "institutions grow with cooperation at 0.2 a year (dose 0.5: the world's default "
          "0.1; dose 0: the mechanism off, as in the calibrated world)",
          "docs/background/identity-communities.md",
          _switch_on("community", "institution_growth", 0.2)),
)

#: The factorial's combinations of routes at full dose (pairs and the triple).
FACTORIAL: tuple[tuple[str, ...], ...] = (
    ("defensive_technology", "distinguishability"),
    ("defensive_technology", "perspective_taking"),
    ("distinguishability", "perspective_taking"),
    ("defensive_technology", "distinguishability", "perspective_taking"),
)


def realist(params: WorldParams) -> WorldParams:
    """The realist arm: escape mechanisms off, every state fears every other as greedy.

    Offensive realism on (fear = 1, Mearsheimer 2001), perspective-taking 0,
    and identity, communities and signalling off.
    """
    mech = dataclasses.replace(params.mechanisms, identity=False, community=False,
                               signalling=False)
    return params.replace(offensive_realism=True, perspective_taking=0.0, mechanisms=mech)


@dataclass(frozen=True)
class Arm:
    """One branch taken at every entry: the realist switch and routes at doses."""

    name: str
    kind: Literal["control", "realist", "route", "factorial"]
    routes: tuple[tuple[str, float], ...] = ()

    @property
    def dose(self) -> float:
        """The dose of a single-route arm (1 for combinations, 0 for the references)."""
        if not self.routes:
            return 0.0
        return self.routes[0][1] if len(self.routes) == 1 else 1.0

    def apply(self, params: WorldParams) -> WorldParams:
        """The arm's parameters from the calibrated ones."""
        p = realist(params) if self.kind == "realist" else params
        by_name = {r.name: r for r in ROUTES}
        for name, dose in self.routes:
            if name not in by_name:
                raise ParameterError("arm.routes", name, f"must be one of {sorted(by_name)}")
            p = by_name[name].apply(p, dose)
        return p


def reference_arms() -> list[Arm]:
    """The control (calibrated world) and the realist arm."""
    return [Arm("control", "control"), Arm("realist", "realist")]


def route_arms(doses: Sequence[float], factorial: bool = True,
               routes: Iterable[Route] = ROUTES) -> list[Arm]:
    """One arm per route and dose, then the factorial's combinations at full dose."""
    arms = [Arm(f"{r.name}@{d:g}", "route", ((r.name, float(d)),)) for r in routes
            for d in doses]
    if factorial:
        arms += [Arm("+".join(c), "factorial", tuple((n, 1.0) for n in c)) for c in FACTORIAL]
    return arms


def take_worlds(state: WorldState, rows: NDArray[np.intp]) -> WorldState:
    """A deep copy of the worlds ``rows`` of ``state`` (rows may repeat)."""
    w = state.worlds
    kw: dict[str, Any] = {}
    for f in dataclasses.fields(state):
        v = getattr(state, f.name)
        if isinstance(v, np.ndarray) and v.ndim and v.shape[0] == w:
            kw[f.name] = v[rows].copy()
        elif isinstance(v, dict):
            kw[f.name] = {k: (a[rows].copy() if isinstance(a, np.ndarray) and a.shape[:1] == (w,)
                              else a) for k, a in v.items()} if f.name != "extra" else {}
        else:
            kw[f.name] = v
    return WorldState(**kw)


@dataclass
class Entry:
    """Worlds whose pairs entered in one year: their copied state and the pairs."""

    t: int
    state: WorldState
    world: NDArray[np.int64]
    i: NDArray[np.intp]
    j: NDArray[np.intp]
    pre_trust: NDArray[np.float32]


@dataclass
class Trunk:
    """The trunk of a batch: who entered when, and the copies taken there."""

    params: WorldParams
    worlds: NDArray[np.int64]
    entries: list[Entry]
    entered: NDArray[np.bool_]
    n_greedy: NDArray[np.int64]
    steps: int


def run_trunk(params: WorldParams, worlds: int, seed: int | np.random.SeedSequence,
              window: int, *, world_offset: int = 0,
              progress: Callable[[int], None] | None = None) -> Trunk:
    """Run ``worlds`` worlds to ``burn_in + window`` and copy each at every fresh entry.

    Entries count from the year after the burn-in to ``burn_in + window``; pairs
    already in a spell at the end of the burn-in are the detector's (they are
    not branched). World i is keyed as in :func:`herz.world.simulate`.
    """
    if window < 1:
        raise ParameterError("window", window, "must be a whole number >= 1")
    keys = world_keys(seed, worlds, world_offset)
    idx = np.arange(world_offset, world_offset + worlds, dtype=np.int64)
    state = initial_state(params, keys, idx)
    n_greedy = state.greedy.sum(axis=1).astype(np.int64)
    tracker = TrajectoryTracker(params, state)
    det = tracker.detector
    burn = det.rule.burn_in
    entered = np.zeros(worlds, dtype=bool)
    entries: list[Entry] = []
    steps = burn + int(window)
    for t in range(1, steps + 1):
        seen = len(det._entries)
        step(state, params)
        tracker.update(state)
        if progress is not None:
            progress(1)
        if t <= burn or len(det._entries) == seen:
            continue
        ww = np.concatenate([e[0] for e in det._entries[seen:]]).astype(np.intp)
        pp = np.concatenate([e[1] for e in det._entries[seen:]]).astype(np.intp)
        tr = np.concatenate([e[3] for e in det._entries[seen:]]).astype(np.float32)
        entered[ww] = True
        entries.append(Entry(t, take_worlds(state, ww), idx[ww], det.iu[pp], det.ju[pp], tr))
    return Trunk(params, idx, entries, entered, n_greedy, steps)


class PairFollow:
    """How one pair's spell ends, year by year after its entry (the world's exit rule).

    The same rule as :class:`herz.world.episodes.EpisodeDetector` for a spell
    already open, through the same :class:`~herz.world.episodes.EpisodeRule`
    methods: competing outcomes first (a change of type, death, predation
    against either, war between the two, the later overriding), then an
    ``m``-year window of calm years whose burden trend is steady (and whose
    trust meets the rule's reading) ends it by an exit dated to the window's
    first year.
    """

    def __init__(self, entry: Entry, params: WorldParams, rule: EpisodeRule) -> None:
        s = entry.state
        self.rule = rule
        self.rows = np.arange(s.worlds)
        self.i, self.j = entry.i, entry.j
        n = s.worlds
        m = rule.exit_years
        # log burden of the two members over the last m + 1 years (year 0: the entry)
        self.lb_ring = np.full((m + 1, n, 2), np.nan)
        cap0 = params.budget_share * np.asarray(s.output, dtype=float)
        sp0 = np.asarray(s.spending, dtype=float)
        self.lb_ring[0] = rule.log_burden(np.stack([sp0[self.rows, self.i],
                                                    sp0[self.rows, self.j]], axis=1),
                                          np.stack([cap0[self.rows, self.i],
                                                    cap0[self.rows, self.j]], axis=1))
        self.trust_ring = np.zeros((m, n), dtype=np.float32) if rule.trust_window else None
        self.floor = rule.trust_floor(entry.pre_trust)
        self.calm = np.zeros(n, dtype=np.int64)
        self.end = np.zeros(n, dtype=np.int8)
        self.end_year = np.full(n, -1, dtype=np.int64)
        self.exit_year = np.full(n, -1, dtype=np.int64)
        self.cause = np.zeros(n, dtype=np.int8)
        self.years = 0

    @property
    def done(self) -> bool:
        """Every spell has ended."""
        return bool((self.end > 0).all())

    def update(self, obs: dict[str, Any]) -> None:
        """Read the branch's state after one more year (``herz.world.outcomes.observe``)."""
        r, i, j, rule = self.rows, self.i, self.j, self.rule
        self.years += 1
        t = self.years
        spend = np.asarray(obs["spending"], dtype=float)
        cap = np.asarray(obs["cap"], dtype=float)
        sp2 = np.stack([spend[r, i], spend[r, j]], axis=1)
        cap2 = np.stack([cap[r, i], cap[r, j]], axis=1)
        m1 = rule.exit_years + 1
        lb = rule.log_burden(sp2, cap2)
        calm_state = rule.calm_state(sp2, cap2, lb, self.lb_ring[(t - 1) % m1])
        self.lb_ring[t % m1] = lb
        mu = np.asarray(obs["mistrust"])
        trust = (1.0 - 0.5 * (mu[r, i, j] + mu[r, j, i])).astype(np.float32)
        if self.trust_ring is not None:
            self.trust_ring[t % rule.exit_years] = trust
        cause = np.asarray(obs["war_cause"])
        c = np.where(cause[r, i, j] > 0, cause[r, i, j], cause[r, j, i]).astype(np.int8)
        at_war = np.asarray(obs["at_war"], dtype=bool)
        fighting = (c > 0) | at_war[r, i, j] | at_war[r, j, i]
        disp = np.asarray(obs["dispute"], dtype=bool)
        dispute = disp[r, i, j] | disp[r, j, i]
        pred = cause == 1
        preyed = pred[r, :, i].any(axis=1) | pred[r, :, j].any(axis=1)
        alive = np.asarray(obs["alive"], dtype=bool)
        seek = np.asarray(obs["seeker"], dtype=bool)
        open_ = self.end == 0
        e = np.zeros_like(self.end)
        e[open_ & ~(seek[r, i] & seek[r, j])] = SpellEnd.LEFT
        e[open_ & ~(alive[r, i] & alive[r, j])] = SpellEnd.DEATH
        e[open_ & preyed] = SpellEnd.PREDATION
        e[open_ & (c > 0)] = SpellEnd.WAR
        still = open_ & (e == 0)
        calm = (still & calm_state[:, 0] & calm_state[:, 1] & ~fighting & ~dispute
                & rule.trust_year_ok(trust, self.floor))
        self.calm = np.where(calm, self.calm + 1, 0)
        lb_then = self.lb_ring[(t - rule.exit_years) % m1]
        steady = rule.steady(lb, lb_then)
        tmean = self.trust_ring.mean(axis=0) if self.trust_ring is not None else None
        ex = still & rule.exit_due(self.calm, steady[:, 0], steady[:, 1], trust, tmean,
                                   self.floor)
        e[ex] = SpellEnd.EXIT
        new = e > 0
        self.end[new] = e[new]
        self.end_year[new] = t
        self.exit_year[ex] = t - rule.exit_years + 1
        war = e == SpellEnd.WAR
        self.cause[war] = c[war]


#: Columns of the branch table (one row per entry and arm).
ARM_COLUMNS = ("world", "t_entry", "i", "j", "arm", "kind", "dose", "end", "end_year",
               "exit_year", "war_cause", "informativeness", "n_greedy", "follow")


def branch_entries(trunk: Trunk, arms: Sequence[Arm], follow: int, *,
                   rule: EpisodeRule | None = None,
                   progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Run every arm from every entry copy for ``follow`` years (or until all spells end).

    Returns one row per entry and arm (:data:`ARM_COLUMNS`): how the spell
    ended (``end``: exit, war, predation, death, left, or open at the end of
    the follow-up), the year of the end and of the exit counted from the entry,
    the cause of a war between the two, and the pair's motive informativeness
    at entry (mean of I_ij and I_ji, Glaser's information about motives).
    """
    if follow < 1:
        raise ParameterError("follow", follow, "must be a whole number >= 1")
    rule_ = rule if rule is not None else EpisodeRule.from_params(trunk.params)
    frames: list[pd.DataFrame] = []
    greedy_by_world = dict(zip(trunk.worlds.tolist(), trunk.n_greedy.tolist(), strict=True))
    for entry in trunk.entries:
        s = entry.state
        r = np.arange(s.worlds)
        info = 0.5 * (s.informativeness[r, entry.i, entry.j]
                      + s.informativeness[r, entry.j, entry.i])
        for arm in arms:
            pa = arm.apply(trunk.params)
            branch = s.copy()
            fol = PairFollow(entry, trunk.params, rule_)
            for _ in range(int(follow)):
                step(branch, pa)
                fol.update(observe(branch, pa))
                if fol.done:
                    break
            frames.append(pd.DataFrame({
                "world": entry.world, "t_entry": entry.t, "i": entry.i, "j": entry.j,
                "arm": arm.name, "kind": arm.kind, "dose": arm.dose,
                "end": [END_LABELS[int(v)] for v in fol.end],
                "end_year": np.where(fol.end > 0, fol.end_year, follow),
                "exit_year": np.where(fol.exit_year >= 0, fol.exit_year, -1),
                "war_cause": [CAUSES[int(v) - 1] if v > 0 else "" for v in fol.cause],
                "informativeness": info,
                "n_greedy": [greedy_by_world[int(w)] for w in entry.world],
                "follow": int(follow),
            }))
            if progress is not None:
                progress(1)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ARM_COLUMNS})
    return pd.concat(frames, ignore_index=True)[list(ARM_COLUMNS)]
