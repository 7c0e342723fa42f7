"""Branching worlds at entry into the dilemma, with common random numbers (DESIGN 4.1-4.4).

A *trunk* runs a batch of worlds through the burn-in and an entry window,
following every pair of security seekers with the world's own episode detector
(:class:`herz.world.episodes.EpisodeDetector`; one per rule when robustness
variants change only thresholds, on the same worlds). When a pair enters the dilemma
(a mutual race while mutual trust falls, docs/background/outcomes.md) the world
is copied at that year into one branch per *arm*: the control (the calibrated
world, unchanged), the realist arm (escape mechanisms off, every state fearing
every other as greedy) and one branch per route and dose (routes of one pair set
the masks of ``state.mech`` the mechanisms read). Each branch then runs
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

Jervis, R. (1978). Cooperation under the security dilemma. *World Politics*
30(2): 167-214 (the four worlds: pp. 211-214).
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
from herz.world.arms_control import TREATY_FORCED, TREATY_PAIRS
from herz.world.community import COMMUNITY_PAIRS
from herz.world.episodes import CAUSES, EpisodeDetector, EpisodeRule, SpellEnd
from herz.world.noise import world_keys
from herz.world.outcomes import observe
from herz.world.params import WorldParams
from herz.world.signalling import SIGNAL_SENDERS, SIGNAL_SENT
from herz.world.state import WorldState, initial_state
from herz.world.step import step

__all__ = [
    "ARM_COLUMNS",
    "COST_YEARS",
    "FACTORIAL",
    "PRIMARY",
    "ROUTES",
    "Arm",
    "Entry",
    "PairFollow",
    "Route",
    "Trunk",
    "arm_name",
    "branch_entries",
    "realist",
    "reference_arms",
    "route_arms",
    "run_trunk",
    "signal_outlay",
    "take_params",
    "take_worlds",
]

#: How a spell's end is written in the branch table.
END_LABELS = {0: "open", int(SpellEnd.EXIT): "exit", int(SpellEnd.WAR): "war",
              int(SpellEnd.PREDATION): "predation", int(SpellEnd.DEATH): "death",
              int(SpellEnd.LEFT): "left"}


#: A route's masks on the state of a branch: (state, i, j) -> ``state.mech`` arrays.
Masks = Callable[[WorldState, NDArray[np.intp], NDArray[np.intp]], dict[str, NDArray[Any]]]


@dataclass(frozen=True)
class Route:
    """A route out of the dilemma as an intervention on the world (DESIGN 4.3).

    ``dose`` runs from 0 (the calibrated world: the route does nothing, and the
    branch is the control bit for bit) to 1 (the route's full strength, stated
    in ``full``). ``scope`` says whom it touches (``system``: every state, as a
    technology or a norm does; ``pair``: the two states in the dilemma only,
    through the optional masks of ``state.mech`` that the mechanisms read:
    ``signals.senders``, ``treaty.pairs``, ``treaty.forced``, ``community.pairs``),
    ``mode`` whether it makes an option available that the states' own policy
    may take or not (``option``), or forces an action (``forced``). ``cost``
    says what the route costs in output-years (only signals have a price in
    the world's own units; :data:`ROUTE_COSTS`).
    """

    name: str
    label: str
    parameter: str
    scope: Literal["system", "pair"]
    mode: Literal["option", "forced"]
    full: str
    docs: str
    move: Callable[[WorldParams, float], dict[str, Any]] = field(repr=False, compare=False)
    masks: Masks | None = field(default=None, repr=False, compare=False)
    cost: str = "0: the world prices nothing for it in output (see the route's docs page)"
    #: The same move on one value per world (the field is ``parameter``), for a batch whose
    #: worlds carry their own values of a per-world field (:meth:`WorldParams.with_world_values`).
    world_move: Callable[[NDArray[np.float64], float], NDArray[np.float64]] | None = field(
        default=None, repr=False, compare=False)

    def apply(self, params: WorldParams, dose: float) -> WorldParams:
        """``params`` with the route at ``dose`` (0: unchanged, 1: full strength)."""
        if not 0.0 <= float(dose) <= 1.0:
            raise ParameterError(f"routes.{self.name}.dose", dose, "must be in [0, 1]")
        return params.replace(**self.move(params, float(dose)))

    def prepare(self, state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp],
                dose: float) -> None:
        """Set the route's masks on a branch (in place; row r's pair is (i[r], j[r])).

        A system-wide route, or any route at dose 0, leaves the state as it is.
        """
        if self.masks is None or float(dose) == 0.0:
            return
        for key, mask in self.masks(state, i, j).items():
            old = state.mech.get(key)
            state.mech[key] = mask if old is None else (old | mask)


#: Dose 1 of defensive technology multiplies the offense-defense balance by this factor.
DEFENCE_FACTOR = 4.0


def _defence(p: WorldParams, dose: float) -> dict[str, Any]:
    return {"offense_defense_balance": float(p.offense_defense_balance) * DEFENCE_FACTOR ** dose}


def _defence_worlds(v: NDArray[np.float64], dose: float) -> NDArray[np.float64]:
    return v * DEFENCE_FACTOR ** dose


def _toward_one_worlds(v: NDArray[np.float64], dose: float) -> NDArray[np.float64]:
    return v + dose * (1.0 - v)


def _toward_one(name: str) -> Callable[[WorldParams, float], dict[str, Any]]:
    def move(p: WorldParams, dose: float) -> dict[str, Any]:
        v = float(getattr(p, name))
        return {name: v + dose * (1.0 - v)}
    return move


def _switch_on(mechanism: str, name: str, full: float | None = None
               ) -> Callable[[WorldParams, float], dict[str, Any]]:
    """A mechanism switched on at strength ``dose * full`` (dose 0: left as it is).

    ``full`` None: twice the calibrated world's value of ``name`` (dose 0.5 is
    the world's own strength).
    """
    def move(p: WorldParams, dose: float) -> dict[str, Any]:
        if dose == 0.0:
            return {}
        top = 2.0 * float(getattr(p, name)) if full is None else full
        return {"mechanisms": dataclasses.replace(p.mechanisms, **{mechanism: True}),
                name: dose * top}
    return move


def _pair_states(state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp]) -> NDArray[np.bool_]:
    m = np.zeros((state.worlds, state.n_states), dtype=bool)
    r = np.arange(state.worlds)
    m[r, i] = True
    m[r, j] = True
    return m


def _pair_pairs(state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp]) -> NDArray[np.bool_]:
    n = state.n_states
    m = np.zeros((state.worlds, n, n), dtype=bool)
    r = np.arange(state.worlds)
    m[r, i, j] = True
    m[r, j, i] = True
    return m


def _senders(state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp]
             ) -> dict[str, NDArray[Any]]:
    return {SIGNAL_SENDERS: _pair_states(state, i, j)}


def _treaty_forced(state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp]
                   ) -> dict[str, NDArray[Any]]:
    m = _pair_pairs(state, i, j)
    return {TREATY_PAIRS: m, TREATY_FORCED: m.copy()}


def _community_pair(state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp]
                    ) -> dict[str, NDArray[Any]]:
    return {COMMUNITY_PAIRS: _pair_pairs(state, i, j)}


_SIGNAL_COST = ("output-years: each signal scraps offence worth signal_cost x budget_share of "
                "the sender's yearly output (docs/background/signalling-war.md)")

#: The routes the world has: system-wide (technology, distinguishability, perspective-taking,
#: signals, arms control, identity, communities) and for the pair in the dilemma only.
ROUTES: tuple[Route, ...] = (
    Route("defensive_technology", "defensive technology", "offense_defense_balance", "system",
          "option", f"offense-defense balance x {DEFENCE_FACTOR:g} (defence cheaper; states "
          "still choose their own offence share)", "docs/background/arms-offense-defense.md",
          _defence, world_move=_defence_worlds),
    Route("distinguishability", "distinguishability", "distinguishability", "system", "forced",
          "d moved all the way to 1 (every defensive purchase read as defence)",
          "docs/background/perception-beliefs.md", _toward_one("distinguishability"),
          world_move=_toward_one_worlds),
    Route("perspective_taking", "perspective-taking", "perspective_taking", "system", "forced",
          "perspective-taking 1 (the misperception bias removed, unless identity threat makes "
          "it backfire)", "docs/background/perception-beliefs.md",
          _toward_one("perspective_taking")),
    Route("costly_signals", "costly signals", "mechanisms.signalling, signal_cost", "system",
          "option", "every state may signal, at twice the world's signal cost (dose 0.5: the "
          "world's cost; dose 0: signalling off, as in the calibrated world)",
          "docs/background/signalling-war.md", _switch_on("signalling", "signal_cost"),
          cost=_SIGNAL_COST),
    Route("arms_control", "arms control with verification",
          "mechanisms.arms_control, verification", "system", "option",
          "every pair may sign treaties, verification 1 (dose 0.5: the world's 0.5; dose 0: "
          "arms control off, as in the calibrated world)",
          "docs/background/signalling-war.md",
          _switch_on("arms_control", "verification", 1.0)),
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
    Route("pair_signals", "costly signals (the pair)",
          "mechanisms.signalling, signal_cost; signals.senders", "pair", "option",
          "the two states in the dilemma (only) may signal, at twice the world's signal cost",
          "docs/background/signalling-war.md", _switch_on("signalling", "signal_cost"),
          _senders, cost=_SIGNAL_COST),
    Route("pair_treaty", "treaty imposed on the pair",
          "mechanisms.arms_control, verification; treaty.pairs, treaty.forced", "pair",
          "forced", "the two states are bound by a treaty whatever their gains (no other pair "
          "signs), verification 1 (dose 0.5: 0.5)", "docs/background/signalling-war.md",
          _switch_on("arms_control", "verification", 1.0), _treaty_forced),
    Route("pair_community", "institutions of the pair",
          "mechanisms.community, institution_growth; community.pairs", "pair", "option",
          "the pair's (only) institutions grow with cooperation at 0.2 a year",
          "docs/background/identity-communities.md",
          _switch_on("community", "institution_growth", 0.2), _community_pair),
)

#: The 2 x 2 factorials (DESIGN 4.3), each factor at the dose given (the single-route cells
#: are the route arms at that dose). Two were picked by measured effects in the calibrated
#: world (one draw of 600 worlds, 88 entries, before the study's full run): system-wide, the
#: two largest single effects, distinguishability x arms control (+5.6 and +14.7 points;
#: signals there lowered exits, -4.6); for the pair, the only two pair routes with an effect,
#: signals x the imposed treaty (-4.6 and +13.6; pair institutions: 0). The third is declared
#: in advance by theory, not by an effect: Jervis's (1978) own 2 x 2, his "four worlds" of the
#: offense-defense balance x whether offence and defence can be told apart, here defensive
#: technology x distinguishability (both system-wide), whose interaction is his claim that
#: the two variables together decide how hard the dilemma is.
FACTORIAL: tuple[tuple[tuple[str, float], ...], ...] = (
    (("distinguishability", 1.0), ("arms_control", 1.0)),
    (("pair_signals", 1.0), ("pair_treaty", 1.0)),
    (("defensive_technology", 1.0), ("distinguishability", 1.0)),
)


def realist(params: WorldParams) -> WorldParams:
    """The realist arm: escape mechanisms off, every state fears every other as greedy.

    Offensive realism on (fear = 1, Mearsheimer 2001), perspective-taking 0,
    and identity, communities, signalling and arms control off.
    """
    mech = dataclasses.replace(params.mechanisms, identity=False, community=False,
                               signalling=False, arms_control=False)
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
        """The arm's parameters from the calibrated ones.

        Per-world values of ``params`` (a batch of worlds from several parameter
        draws) are kept, and a route that moves a per-world field moves each
        world's value (``Route.world_move``).
        """
        p = realist(params) if self.kind == "realist" else params
        for route, dose in self._routes():
            p = route.apply(p, dose)
        values = params.world_values
        if not values:
            return p
        for route, dose in self._routes():
            if route.parameter in values:
                if route.world_move is None:
                    raise ParameterError(f"routes.{route.name}", route.parameter,
                                         "is per-world here but the route has no world_move")
                values[route.parameter] = route.world_move(values[route.parameter], float(dose))
        return p.with_world_values(values)

    def prepare(self, state: WorldState, i: NDArray[np.intp], j: NDArray[np.intp]) -> None:
        """Set the masks of the arm's pair routes on a branch (row r's pair is i[r], j[r])."""
        for route, dose in self._routes():
            route.prepare(state, i, j, dose)

    @property
    def scope(self) -> str:
        """``system``, ``pair``, or both joined (the references: ``system``)."""
        return "+".join(dict.fromkeys(r.scope for r, _ in self._routes())) or "system"

    @property
    def mode(self) -> str:
        """``option``, ``forced``, or both joined (the references: ``-``)."""
        return "+".join(dict.fromkeys(r.mode for r, _ in self._routes())) or "-"

    def _routes(self) -> list[tuple[Route, float]]:
        by_name = {r.name: r for r in ROUTES}
        out = []
        for name, dose in self.routes:
            if name not in by_name:
                raise ParameterError("arm.routes", name, f"must be one of {sorted(by_name)}")
            out.append((by_name[name], dose))
        return out


def reference_arms() -> list[Arm]:
    """The control (calibrated world) and the realist arm."""
    return [Arm("control", "control"), Arm("realist", "realist")]


def arm_name(routes: Sequence[tuple[str, float]]) -> str:
    """``name@dose`` joined by ``+``."""
    return "+".join(f"{n}@{d:g}" for n, d in routes)


def route_arms(doses: Sequence[float], factorial: bool = True,
               routes: Iterable[Route] = ROUTES,
               factorials: Sequence[tuple[tuple[str, float], ...]] = FACTORIAL) -> list[Arm]:
    """One arm per route and dose, then the factorials' joint cells (and any single cell missing).

    A factorial's single-route cells are the route arms at the factor's dose:
    they are added here if ``doses`` does not hold that dose.
    """
    routes = tuple(routes)
    arms = [Arm(arm_name([(r.name, float(d))]), "route", ((r.name, float(d)),)) for r in routes
            for d in doses]
    if factorial:
        have = {a.name for a in arms}
        for combo in factorials:
            for cell in combo:
                if arm_name([cell]) not in have:
                    arms.append(Arm(arm_name([cell]), "route", (cell,)))
                    have.add(arm_name([cell]))
            arms.append(Arm(arm_name(combo), "factorial", tuple(combo)))
    return arms


def take_params(params: WorldParams, rows: NDArray[np.intp]) -> WorldParams:
    """``params`` for the worlds ``rows`` of its batch (per-world values subset; else itself)."""
    values = params.world_values
    if not values:
        return params
    return params.with_world_values({k: v[rows] for k, v in values.items()})


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
    """Pairs that entered in one year (under any rule): their worlds' copied state and the pairs.

    One row per entering (world, pair); ``pre_trust`` is the primary rule's
    pre-entry trust. ``rules`` maps each rule's name to (its rows, its
    pre-entry trust per row); empty: every row is the primary rule's.
    """

    t: int
    state: WorldState
    world: NDArray[np.int64]
    i: NDArray[np.intp]
    j: NDArray[np.intp]
    pre_trust: NDArray[np.float32]
    rules: dict[str, tuple[NDArray[np.bool_], NDArray[np.float32]]] = field(default_factory=dict)

    def of(self, name: str) -> tuple[NDArray[np.bool_], NDArray[np.float32]]:
        """(rows, pre-entry trust) of the rule ``name``."""
        if not self.rules:
            return np.ones(self.state.worlds, dtype=bool), self.pre_trust
        return self.rules.get(name, (np.zeros(self.state.worlds, dtype=bool), self.pre_trust))


@dataclass
class Trunk:
    """The trunk of a batch: who entered when (by each rule), and the copies taken there."""

    params: WorldParams
    worlds: NDArray[np.int64]
    entries: list[Entry]
    entered: NDArray[np.bool_]
    n_greedy: NDArray[np.int64]
    steps: int
    rules: dict[str, EpisodeRule] = field(default_factory=dict)
    entered_by: dict[str, NDArray[np.bool_]] = field(default_factory=dict)


#: The name of the primary rule (the parameters' own thresholds).
PRIMARY = "primary"


def run_trunk(params: WorldParams, worlds: int, seed: int | np.random.SeedSequence,
              window: int, *, world_offset: int = 0, rules: dict[str, EpisodeRule] | None = None,
              keys: NDArray[np.uint64] | None = None,
              world_index: NDArray[np.int64] | None = None,
              progress: Callable[[int], None] | None = None) -> Trunk:
    """Run ``worlds`` worlds to ``burn_in + window`` and copy each at every fresh entry.

    Entries count from the year after the burn-in to ``burn_in + window``; pairs
    already in a spell at the end of the burn-in are the detector's (they are
    not branched). World i is keyed as in :func:`herz.world.simulate`.

    ``rules``: further entry and exit rules read on the same worlds (robustness
    variants that change only thresholds: no second simulation). Each has its
    own detector; an entry year's copy holds every pair that entered under any
    rule, once. The primary rule is the parameters' own (it needs the same burn-in).

    ``keys`` and ``world_index`` (both or neither; then ``seed`` and
    ``world_offset`` are unused): the worlds' random keys and their indices
    (increasing), for a batch that joins the worlds of several parameter
    draws, each keyed as its own run would be (``params`` then carries
    per-world values, :meth:`WorldParams.with_world_values`).
    """
    if window < 1:
        raise ParameterError("window", window, "must be a whole number >= 1")
    if (keys is None) != (world_index is None):
        raise ParameterError("keys", "one of keys and world_index", "needs the other")
    if keys is None or world_index is None:
        keys = world_keys(seed, worlds, world_offset)
        idx = np.arange(world_offset, world_offset + worlds, dtype=np.int64)
    else:
        idx = np.asarray(world_index, dtype=np.int64)
        if len(keys) != worlds or idx.shape != (worlds,) or (np.diff(idx) <= 0).any():
            raise ParameterError("world_index", idx.shape,
                                 f"must be {worlds} increasing indices, one per key")
    state = initial_state(params, keys, idx)
    n_greedy = state.greedy.sum(axis=1).astype(np.int64)
    all_rules = {PRIMARY: EpisodeRule.from_params(params), **(rules or {})}
    burn = all_rules[PRIMARY].burn_in
    for name, r in all_rules.items():
        if r.burn_in != burn:
            raise ParameterError(f"rules.{name}.burn_in", r.burn_in, f"must be {burn}")
    dets = {name: EpisodeDetector(worlds, state.n_states, r) for name, r in all_rules.items()}
    obs = observe(state, params)
    for d in dets.values():
        d.update(**obs)
    entered = {name: np.zeros(worlds, dtype=bool) for name in dets}
    entries: list[Entry] = []
    steps = burn + int(window)
    for t in range(1, steps + 1):
        seen = {name: len(d._entries) for name, d in dets.items()}
        step(state, params)
        obs = observe(state, params)
        for d in dets.values():
            d.update(**obs)
        if progress is not None:
            progress(1)
        if t <= burn:
            continue
        found: dict[str, tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float32]]] = {}
        for name, d in dets.items():
            new = d._entries[seen[name]:]
            if not new:
                continue
            ww = np.concatenate([e[0] for e in new]).astype(np.intp)
            pp = np.concatenate([e[1] for e in new]).astype(np.intp)
            tr = np.concatenate([e[3] for e in new]).astype(np.float32)
            found[name] = (ww, pp, tr)
            entered[name][ww] = True
        if not found:
            continue
        npair = dets[PRIMARY].iu.size
        codes = np.unique(np.concatenate([f[0] * npair + f[1] for f in found.values()]))
        ww, pp = codes // npair, codes % npair
        by_rule = {}
        for name, (fw, fp, tr) in found.items():
            pos = np.searchsorted(codes, fw * npair + fp)
            rows = np.zeros(codes.size, dtype=bool)
            rows[pos] = True
            pre = np.zeros(codes.size, dtype=np.float32)
            pre[pos] = tr
            by_rule[name] = (rows, pre)
        prim = by_rule.get(PRIMARY, (None, np.zeros(codes.size, dtype=np.float32)))[1]
        det = dets[PRIMARY]
        entries.append(Entry(t, take_worlds(state, ww), idx[ww], det.iu[pp], det.ju[pp], prim,
                             by_rule))
    return Trunk(params, idx, entries, entered[PRIMARY], n_greedy, steps, all_rules, entered)


class PairFollow:
    """How one pair's spell ends, year by year after its entry (the world's exit rule).

    The same rule as :class:`herz.world.episodes.EpisodeDetector` for a spell
    already open, through the same :class:`~herz.world.episodes.EpisodeRule`
    methods: competing outcomes first (a change of type, death, predation
    against either, war between the two, the later overriding), then an
    ``m``-year window of calm years whose burden trend is steady (and whose
    trust meets the rule's reading) ends it by an exit dated to the window's
    first year. ``pre_trust`` (default: the entry's) sets the exit's trust
    floor; rows not ``active`` are ignored (they count as ended). While a row's
    spell is open and for at most ``cost_years`` years, :meth:`pay` adds the
    year's cost.
    """

    def __init__(self, entry: Entry, params: WorldParams, rule: EpisodeRule, *,
                 pre_trust: NDArray[np.float32] | None = None,
                 active: NDArray[np.bool_] | None = None, cost_years: int = 0) -> None:
        s = entry.state
        self.rule = rule
        self.rows = np.arange(s.worlds)
        self.i, self.j = entry.i, entry.j
        n = s.worlds
        m = rule.exit_years
        # log burden of the two members over the last m + 1 years (year 0: the entry)
        self.lb_ring = np.full((m + 1, n, 2), np.nan)
        cap0 = params.world_value("budget_share", 1) * np.asarray(s.output, dtype=float)
        sp0 = np.asarray(s.spending, dtype=float)
        self.lb_ring[0] = rule.log_burden(np.stack([sp0[self.rows, self.i],
                                                    sp0[self.rows, self.j]], axis=1),
                                          np.stack([cap0[self.rows, self.i],
                                                    cap0[self.rows, self.j]], axis=1))
        self.trust_ring = np.zeros((m, n), dtype=np.float32) if rule.trust_window else None
        self.floor = rule.trust_floor(entry.pre_trust if pre_trust is None else pre_trust)
        self.active = np.ones(n, dtype=bool) if active is None else np.asarray(active, dtype=bool)
        self.calm = np.zeros(n, dtype=np.int64)
        self.end = np.zeros(n, dtype=np.int8)
        self.end_year = np.full(n, -1, dtype=np.int64)
        self.exit_year = np.full(n, -1, dtype=np.int64)
        self.cause = np.zeros(n, dtype=np.int8)
        self.cost = np.zeros(n)
        self.cost_years = int(cost_years)
        self.years = 0

    def pay(self, cost: NDArray[np.float64]) -> None:
        """Add this year's cost (W,) to the rows still in the dilemma (after :meth:`update`)."""
        if self.years <= self.cost_years:
            open_or_new = (self.end == 0) | (self.end_year == self.years)
            self.cost += np.where(open_or_new, cost, 0.0)

    @property
    def done(self) -> bool:
        """Every active spell has ended."""
        return bool(((self.end > 0) | ~self.active).all())

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


#: Columns of the branch table (one row per entry, arm and rule).
ARM_COLUMNS = ("world", "t_entry", "i", "j", "arm", "kind", "dose", "end", "end_year",
               "exit_year", "war_cause", "informativeness", "n_greedy", "follow", "cost", "spec")

#: Years after entry over which a route's cost is counted (the verdict's horizon).
COST_YEARS = 25


def signal_outlay(state: WorldState, params: WorldParams) -> NDArray[np.float64]:
    """Output-years paid on signals this step in each world, (W,).

    A signal scraps offence worth C_j = signal_cost B Y_j
    (:mod:`herz.world.signalling`): signal_cost x budget_share of a year of the
    sender's output; summed over this step's senders (0 without signals).
    """
    sent = state.mech.get(SIGNAL_SENT)
    if sent is None or not params.mechanisms.signalling:
        return np.zeros(state.worlds)
    return np.asarray(sent.sum(axis=1) * float(params.signal_cost)
                      * params.world_value("budget_share"), dtype=float)


def branch_entries(trunk: Trunk, arms: Sequence[Arm], follow: int, *,
                   rule: EpisodeRule | None = None, variant_arms: Sequence[str] = (),
                   route_follow: int | None = None,
                   progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Run every arm from every entry copy for ``follow`` years (or until all spells end).

    Returns one row per entry, arm and rule (:data:`ARM_COLUMNS`): how the spell
    ended (``end``: exit, war, predation, death, left, or open at the end of
    the follow-up), the year of the end and of the exit counted from the entry,
    the cause of a war between the two, the pair's motive informativeness
    at entry (mean of I_ij and I_ji, Glaser's information about motives), the
    output-years the arm spent on signals while the pair was in the dilemma,
    up to :data:`COST_YEARS` (``cost``), and the rule (``spec``).

    The primary rule's entries run every arm; the trunk's other rules (robustness
    variants that change only thresholds) run the arms named in ``variant_arms``,
    on the same branches where their entries coincide (the same copy, the same
    years: no second simulation). ``rule`` replaces the primary rule.

    ``route_follow`` (default ``follow``): the years the arms *not* named in
    ``variant_arms`` are followed, when those are read at one horizon H only
    (H + m - 1 years see every exit dated within H; the ``follow`` column
    says how long each row was followed).
    """
    if follow < 1:
        raise ParameterError("follow", follow, "must be a whole number >= 1")
    rules = dict(trunk.rules) or {PRIMARY: EpisodeRule.from_params(trunk.params)}
    if rule is not None:
        rules[PRIMARY] = rule
    frames: list[pd.DataFrame] = []
    greedy_by_world = dict(zip(trunk.worlds.tolist(), trunk.n_greedy.tolist(), strict=True))
    arm_params = {arm.name: arm.apply(trunk.params) for arm in arms}
    for entry in trunk.entries:
        s = entry.state
        r = np.arange(s.worlds)
        info = 0.5 * (s.informativeness[r, entry.i, entry.j]
                      + s.informativeness[r, entry.j, entry.i])
        for arm in arms:
            names = [n for n in rules if n == PRIMARY or arm.name in variant_arms]
            rows = np.zeros(s.worlds, dtype=bool)
            for n in names:
                rows |= entry.of(n)[0]
            if not rows.any():
                continue
            sub = np.flatnonzero(rows)
            whole = sub.size == s.worlds
            part = entry if whole else Entry(entry.t, take_worlds(s, sub), entry.world[sub],
                                             entry.i[sub], entry.j[sub], entry.pre_trust[sub])
            rows_in_trunk = np.searchsorted(trunk.worlds, part.world)
            pa = take_params(arm_params[arm.name], rows_in_trunk)
            base = take_params(trunk.params, rows_in_trunk)
            branch = part.state.copy()
            arm.prepare(branch, part.i, part.j)
            fols = {}
            for n in names:
                mine, pre = entry.of(n)
                if mine[sub].any():
                    fols[n] = PairFollow(part, base, rules[n], pre_trust=pre[sub],
                                         active=mine[sub], cost_years=COST_YEARS)
            years = int(follow)
            if route_follow is not None and arm.name not in variant_arms:
                years = min(years, int(route_follow))
            for _ in range(years):
                step(branch, pa)
                obs = observe(branch, pa)
                cost = signal_outlay(branch, pa)
                for fol in fols.values():
                    fol.update(obs)
                    fol.pay(cost)
                if all(f.done for f in fols.values()):
                    break
            for n, fol in fols.items():
                keep = fol.active
                frames.append(pd.DataFrame({
                    "world": part.world[keep], "t_entry": entry.t, "i": part.i[keep],
                    "j": part.j[keep], "arm": arm.name, "kind": arm.kind, "dose": arm.dose,
                    "end": [END_LABELS[int(v)] for v in fol.end[keep]],
                    "end_year": np.where(fol.end > 0, fol.end_year, years)[keep],
                    "exit_year": np.where(fol.exit_year >= 0, fol.exit_year, -1)[keep],
                    "war_cause": [CAUSES[int(v) - 1] if v > 0 else "" for v in fol.cause[keep]],
                    "informativeness": info[sub][keep],
                    "n_greedy": [greedy_by_world[int(w)] for w in part.world[keep]],
                    "follow": years, "cost": fol.cost[keep], "spec": n,
                }))
            if progress is not None:
                progress(1)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ARM_COLUMNS})
    return pd.concat(frames, ignore_index=True)[list(ARM_COLUMNS)]
