"""Trajectory outcomes of DESIGN.md section 3: entries into and exits from the dilemma per seeker pair.

Version 1 judged each world once, at the end, so 69% of worlds "escaped at year
0" (their dynamics were stable from the start: they never had a dilemma), a war
at any time overrode everything after it, and an arms race held at the budget
ceiling counted as mitigated. Here each pair of security seekers is followed
year by year after a burn-in, and what happens to it is a sequence of events:

- **race** in year t: both states' spending grew at least ``race_growth`` (g_r)
  a year in each of the last ``race_years`` (k) years: the mutual military
  build-up rule of the arms-race data (Wallace 1979; Diehl 1983; Gibler, Rider
  and Hutchison 2005: 8% a year for 3 years), so history and world share it;
- **entry** in year t (politically relevant pairs only): a race, and the pair's mean mutual trust
  1 - (mu[i, j] + mu[j, i]) / 2 fell by at least ``entry_trust_fall`` (x) from
  year t - k to year t, while the pair was not in that state (race plus fall)
  in any of the k years before. The detector runs from the first year, so a
  pair that entered during the burn-in and is still in the dilemma at its end
  is *at the start*: its spell is reported apart (``at_start``) and counted in
  no rate;
- **exit**: the first year of an ``exit_years`` (m) year window after entry
  in which, in every year, the two had no dispute and no war (DESIGN says "no
  dispute above display"; herz's disputes are themselves displays of force,
  MID hostility level 3, the lowest militarised level it models, so that
  reading would leave only war, which ends a spell anyway: herz asks for no
  dispute at all, the stricter rule), both states' spending stayed below
  ``exit_cap_share`` of their budget cap B Y (a race held at the ceiling is not
  an exit) and mutual trust was at least max(pre-entry trust,
  ``exit_trust``), pre-entry trust being the trust at the start of the entry
  window (year t_e - k); and over the window both states' military *burden*
  (spending over the cap B Y) was *steady*: its mean yearly log growth,
  (log b_t - log b_{t-m}) / m, within +-``exit_growth_band`` (DESIGN's "spending
  growth within +-2%"; the burden, because in a world whose output grows 2% a
  year, 3% for the fastest, a state that holds its burden steady raises its
  spending with its output, which is not arming; the window's trend, because
  spending in the record is noisy from year to year: over SIPRI's burden
  series 1949-2023 no ten-year window has every year's growth within +-2%,
  while the window trend is within +-2% in about a quarter of them,
  docs/background/outcomes.md). The readings are options of
  :class:`EpisodeRule` (``exit_growth_reading``: the window ``trend`` or
  every ``yearly`` growth; ``exit_trust_reading``: trust at the floor in
  every year of the window, ``window_min``, on its mean, ``window_mean``, or
  in its final year, ``final``; ``exit_trust_floor``: ``pre_entry`` or the
  ``fixed`` floor ``exit_trust`` alone), and the rule's methods
  (:meth:`EpisodeRule.log_burden`, :meth:`~EpisodeRule.below_cap`,
  :meth:`~EpisodeRule.steady`, :meth:`~EpisodeRule.trust_floor`, ...) are the
  one definition the online detector, :func:`detect_episodes` and the
  escape study's ``PairFollow`` share. The exit's route is
  *transcended* if, when the exit is confirmed (the window's last year), the
  pair's institutions I and identity s (means of both directions) are at least
  ``transcended_institutions`` and ``transcended_identity``, otherwise
  *mitigated*. An exit is *durable* if the pair does not enter again within
  ``durable_years`` years (re-entries are recurrent events: a new spell);
- **competing absorbing outcomes** end a spell before an exit is confirmed: a
  war between the two (by the cause the war decision records: predation,
  preemption, prevention, inadvertent), a predatory war against either member
  by a third state, and the death of a member; a member that stops being a
  security seeker (regime change) ends the spell as ``left``. Of several in one
  year the first in that order counts. A spell still running at the horizon is
  *censored* (not fatalism: the run was too short to tell).

:class:`EpisodeDetector` is online: one :meth:`~EpisodeDetector.update` per
year, batched over worlds, holding only counters and a ring of the last k
years of pair trust over the N (N - 1) / 2 unordered pairs (about 24 bytes per
unordered pair at k = 3: W = 1000, N = 193 is 0.45 GB) and of the last m + 1
years of each state's log burden (8 (m + 1) bytes per state; the
``window_mean`` trust reading adds a ring of m years of pair trust, 4 m bytes
per pair), so simulate needs no full trajectories. :func:`detect_episodes` runs the same detector over stored
trajectories (for the sensitivity over k, x and m of DESIGN section 3).

References
----------
Wallace, M. D. (1979). Arms races and escalation: some new evidence. *Journal
of Conflict Resolution* 23(1): 3-16.

Diehl, P. F. (1983). Arms races and escalation: a closer look. *Journal of
Peace Research* 20(3): 205-212.

Gibler, D. M., Rider, T. J. and Hutchison, M. L. (2005). Taking arms against a
sea of troubles: conventional arms races during periods of rivalry. *Journal
of Peace Research* 42(2): 131-147.

Booth, K. and Wheeler, N. J. (2008). *The Security Dilemma: Fear, Cooperation
and Trust in World Politics*. Palgrave Macmillan (mitigation and
transcendence as routes out).

Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for
non-homogeneous Markov chains based on censored observations. *Scandinavian
Journal of Statistics* 5(3): 141-150 (competing outcomes and censoring, as the
spell table is meant to be read).
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError

__all__ = [
    "CAUSES",
    "SPELL_COLUMNS",
    "WORLD_COLUMNS",
    "WORLD_COLUMN_DOCS",
    "EpisodeDetector",
    "EpisodeResult",
    "EpisodeRule",
    "GrowthReading",
    "SpellEnd",
    "TrustFloor",
    "TrustReading",
    "detect_episodes",
    "episode_sensitivity",
    "race_year",
]

#: Causes of war as the war decision codes them (0: no war started).
CAUSES = ("predation", "preemption", "prevention", "inadvertent")
_PREDATION = 1


class SpellEnd(enum.IntEnum):
    """How a spell in the dilemma ended."""

    EXIT = 1
    WAR = 2
    PREDATION = 3
    DEATH = 4
    LEFT = 5
    CENSORED = 6

    @property
    def label(self) -> str:
        """The name used in tables and paths."""
        return self.name.lower()


_ROUTES = ("none", "mitigated", "transcended")


class GrowthReading(enum.StrEnum):
    """How an exit reads the burden's growth over its m-year window.

    ``trend`` (default): the window's mean yearly log growth,
    (log b_t - log b_{t-m}) / m, within the band; ``yearly``: every year's log
    growth within the band (the reading before December 2026, which no
    ten-year window of the record meets: docs/background/outcomes.md).
    """

    TREND = "trend"
    YEARLY = "yearly"


class TrustReading(enum.StrEnum):
    """How an exit reads mutual trust against its floor over the m-year window.

    ``window_min`` (default): at the floor in every year of the window;
    ``window_mean``: the window's mean trust at the floor; ``final``: trust at
    the floor in the window's last year.
    """

    WINDOW_MIN = "window_min"
    WINDOW_MEAN = "window_mean"
    FINAL = "final"


class TrustFloor(enum.StrEnum):
    """The trust floor of an exit: ``pre_entry`` max(pre-entry trust, exit_trust), or ``fixed``."""

    PRE_ENTRY = "pre_entry"
    FIXED = "fixed"

#: Columns of the per-world frame.
WORLD_COLUMNS = (
    "entered", "time_to_entry", "exited", "exit_route", "time_to_exit", "n_entries",
    "n_exits", "n_spells_at_start", "n_wars_predation", "n_wars_preemption",
    "n_wars_prevention", "n_wars_inadvertent", "n_disputes", "n_states_dead", "war_years",
    "path", "outcome", "escaped",
)
#: What each per-world column means (years are counted from the end of the burn-in).
WORLD_COLUMN_DOCS = {
    "entered": "a seeker pair entered the dilemma after burn-in",
    "time_to_entry": "years from the end of the burn-in to the first entry (NaN: none)",
    "exited": "the first spell after burn-in ended by an exit",
    "exit_route": "route of that exit: mitigated, transcended, or none",
    "time_to_exit": "years from that entry to the exit year (NaN: no exit)",
    "n_entries": "spells that began after burn-in (all pairs, re-entries included)",
    "n_exits": "of those, spells that ended by an exit",
    "n_spells_at_start": "pairs already in the dilemma at the end of the burn-in (apart)",
    "n_wars_predation": "wars of predation started after burn-in",
    "n_wars_preemption": "preemptive wars started after burn-in",
    "n_wars_prevention": "preventive wars started after burn-in",
    "n_wars_inadvertent": "inadvertent wars started after burn-in",
    "n_disputes": "pair-years with a dispute after burn-in",
    "n_states_dead": "states alive at the start and dead at the end",
    "war_years": "years after burn-in with at least one war in progress",
    "path": "the world's events after burn-in in order (entered, exits by route, spell ends, "
            "wars by cause), repeats merged",
    "outcome": "summary of the first spell: mitigated, transcended, war, unresolved (censored) "
               "or no_dilemma",
    "escaped": "outcome is mitigated or transcended",
}
#: Columns of the per-spell table.
SPELL_COLUMNS = (
    "world", "i", "j", "entry_year", "exit_year", "end_year", "time_to_entry", "duration",
    "route", "durable", "end", "war_cause", "censored", "at_start", "pre_entry_trust",
)


@dataclass(frozen=True)
class EpisodeRule:
    """The thresholds of DESIGN.md section 3 (defaults: DESIGN's; counts in steps, shares).

    Field names are those of :class:`herz.world.params.WorldParams` where it
    declares them, so :meth:`from_params` reads them by name.
    """

    burn_in: int = field(default=30, metadata={"doc": "years before outcomes are measured"})
    race_years: int = field(default=3, metadata={"doc": "k: years of mutual growth in a race"})
    race_growth: float = field(default=0.08, metadata={
        "doc": "g_r: yearly spending growth of both states in a race"})
    entry_trust_fall: float = field(default=0.10, metadata={
        "doc": "x: fall of mean mutual trust over the race window at entry"})
    exit_years: int = field(default=10, metadata={"doc": "m: consecutive calm years of an exit"})
    exit_growth_band: float = field(default=0.02, metadata={
        "doc": "largest absolute mean yearly log growth of the burden over the exit window"})
    exit_cap_share: float = field(default=0.95, metadata={
        "doc": "spending below this share of the budget cap in every year of the window"})
    exit_trust: float = field(default=0.7, metadata={
        "doc": "least mean mutual trust of the window (or the pre-entry level if higher)"})
    transcended_institutions: float = field(default=0.5, metadata={
        "doc": "institution stock I at or above which an exit is transcendence"})
    transcended_identity: float = field(default=0.5, metadata={
        "doc": "identity s at or above which an exit is transcendence"})
    durable_years: int = field(default=20, metadata={
        "doc": "years without re-entry that make an exit durable"})
    exit_growth_reading: GrowthReading = field(default=GrowthReading.TREND, metadata={
        "doc": "burden growth read as the window's trend or every year's"})
    exit_trust_reading: TrustReading = field(default=TrustReading.WINDOW_MIN, metadata={
        "doc": "trust read in every year of the window, on its mean, or in its last year"})
    exit_trust_floor: TrustFloor = field(default=TrustFloor.PRE_ENTRY, metadata={
        "doc": "trust floor max(pre-entry trust, exit_trust), or exit_trust alone"})
    dt: float = field(default=1.0, metadata={"doc": "years per step"})

    def __post_init__(self) -> None:
        for name, kind in (("exit_growth_reading", GrowthReading),
                           ("exit_trust_reading", TrustReading),
                           ("exit_trust_floor", TrustFloor)):
            v = getattr(self, name)
            try:
                object.__setattr__(self, name, kind(getattr(v, "value", v)))
            except ValueError:
                raise ParameterError(name, v, "must be one of "
                                     + ", ".join(e.value for e in kind)) from None
        ints = {"burn_in": 0, "race_years": 1, "exit_years": 1, "durable_years": 1}
        for name, lo in ints.items():
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < lo:
                raise ParameterError(name, v, f"must be a whole number >= {lo}")
            object.__setattr__(self, name, int(v))
        if self.exit_years > 250 or self.race_years > 250:
            raise ParameterError("exit_years" if self.exit_years > 250 else "race_years",
                                 max(self.exit_years, self.race_years), "must be at most 250")
        shares = ("race_growth", "entry_trust_fall", "exit_growth_band", "exit_cap_share",
                  "exit_trust", "transcended_institutions", "transcended_identity")
        for name in shares:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float | np.floating | np.integer) \
                    or not math.isfinite(float(v)):
                raise ParameterError(name, v, "must be a finite number")
            object.__setattr__(self, name, float(v))
        for name in ("entry_trust_fall", "exit_cap_share", "exit_trust"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ParameterError(name, getattr(self, name), "must be in [0, 1]")
        if self.exit_growth_band < 0.0:
            raise ParameterError("exit_growth_band", self.exit_growth_band, "must be >= 0")
        if not (isinstance(self.dt, int | float) and self.dt > 0 and math.isfinite(self.dt)):
            raise ParameterError("dt", self.dt, "must be a number > 0")

    @classmethod
    def from_params(cls, params: Any, **overrides: Any) -> EpisodeRule:
        """The rule with every field that ``params`` (a WorldParams or mapping) declares.

        The world declares its counts in years; with a step ``dt`` other than 1
        they become steps (rounded, at least 1; the burn-in at least 0).
        """
        names = [f.name for f in dataclasses.fields(cls)]
        kw: dict[str, Any] = {}
        for name in names:
            if isinstance(params, Mapping):
                if name in params:
                    kw[name] = params[name]
            elif hasattr(params, name):
                kw[name] = getattr(params, name)
        dt = float(kw.get("dt", 1.0))
        if dt != 1.0 and dt > 0:
            for name in ("burn_in", "race_years", "exit_years", "durable_years"):
                if name in kw:
                    kw[name] = max(0 if name == "burn_in" else 1, round(float(kw[name]) / dt))
        kw.update(overrides)
        return cls(**kw)

    # --- the exit rule: one definition for the online detector, detect_episodes and the
    # --- escape study's PairFollow (herz.studies.branching)

    @staticmethod
    def log_burden(spending: ArrayLike, cap: ArrayLike) -> NDArray[np.float64]:
        """log(spending / cap), the log of the military burden (NaN where either is not > 0)."""
        m = np.asarray(spending, dtype=float)
        c = np.asarray(cap, dtype=float)
        ok = (m > 0) & (c > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ok, np.log(np.where(ok, m, 1.0)) - np.log(np.where(ok, c, 1.0)),
                            np.nan)

    def below_cap(self, spending: ArrayLike, cap: ArrayLike) -> NDArray[np.bool_]:
        """Spending below ``exit_cap_share`` of the budget cap (a race at the ceiling is no exit)."""
        return np.asarray(spending, dtype=float) < self.exit_cap_share * np.asarray(cap,
                                                                                    dtype=float)

    def steady(self, log_burden_end: ArrayLike, log_burden_start: ArrayLike,
               years: int | None = None) -> NDArray[np.bool_]:
        """Mean yearly log growth of the burden over ``years`` (default m) within the band.

        ``(log_burden_end - log_burden_start) / years`` within
        +-``exit_growth_band``, two-sided; False where either end is NaN.
        """
        n = self.exit_years if years is None else int(years)
        g = (np.asarray(log_burden_end, dtype=float) - np.asarray(log_burden_start,
                                                                   dtype=float)) / n
        with np.errstate(invalid="ignore"):
            return np.abs(g) <= self.exit_growth_band + 1e-12

    def calm_state(self, spending: ArrayLike, cap: ArrayLike, log_burden: ArrayLike,
                   log_burden_prev: ArrayLike) -> NDArray[np.bool_]:
        """A state's part of a calm year: below the cap (and, read ``yearly``, steady this year)."""
        ok = self.below_cap(spending, cap)
        if self.exit_growth_reading == GrowthReading.YEARLY:
            ok &= self.steady(log_burden, log_burden_prev, years=1)
        return ok

    def trust_floor(self, pre_entry_trust: ArrayLike) -> NDArray[np.float32]:
        """The trust an exit needs: max(pre-entry trust, ``exit_trust``), or ``exit_trust``."""
        pre = np.asarray(pre_entry_trust, dtype=np.float32)
        if self.exit_trust_floor == TrustFloor.FIXED:
            return np.full(pre.shape, self.exit_trust, dtype=np.float32)
        return np.maximum(pre, np.float32(self.exit_trust))

    def trust_year_ok(self, trust: ArrayLike, floor: ArrayLike) -> NDArray[np.bool_]:
        """The trust part of a calm year (only the ``window_min`` reading asks it every year)."""
        t = np.asarray(trust, dtype=np.float32)
        if self.exit_trust_reading == TrustReading.WINDOW_MIN:
            return t >= np.asarray(floor, dtype=np.float32)
        return np.ones(t.shape, dtype=bool)

    @property
    def trust_window(self) -> bool:
        """Whether the rule needs the window's mean trust (``window_mean``)."""
        return self.exit_trust_reading == TrustReading.WINDOW_MEAN

    def exit_due(self, calm_years: ArrayLike, steady_i: ArrayLike, steady_j: ArrayLike,
                 trust_now: ArrayLike, trust_mean: ArrayLike | None,
                 floor: ArrayLike) -> NDArray[np.bool_]:
        """Whether the m-year window ending this year makes an exit.

        ``calm_years``: years in a row meeting every yearly part (no dispute,
        no war, below the cap, trust under ``window_min``, growth under
        ``yearly``); ``steady_i``, ``steady_j``: :meth:`steady` over the window
        for each member (ignored read ``yearly``, where every year was);
        ``trust_now``: this year's trust; ``trust_mean``: the window's mean trust
        (needed only by ``window_mean``).
        """
        due = np.asarray(calm_years) >= self.exit_years
        if self.exit_growth_reading == GrowthReading.TREND:
            due = due & np.asarray(steady_i, dtype=bool) & np.asarray(steady_j, dtype=bool)
        fl = np.asarray(floor, dtype=np.float32)
        if self.exit_trust_reading == TrustReading.FINAL:
            due = due & (np.asarray(trust_now, dtype=np.float32) >= fl)
        elif self.exit_trust_reading == TrustReading.WINDOW_MEAN:
            if trust_mean is None:
                raise ParameterError("trust_mean", None, "the window_mean reading needs it")
            due = due & (np.asarray(trust_mean, dtype=np.float32) >= fl)
        return np.asarray(due, dtype=bool)


@dataclass(frozen=True)
class EpisodeResult:
    """What the detector found: one row per world and one row per seeker-pair spell."""

    worlds: pd.DataFrame
    spells: pd.DataFrame
    rule: EpisodeRule

    def entry_exit_at_start(self, within: float = 2.0) -> tuple[float, float]:
        """Shares of entries and of exits at t <= ``within`` years after burn-in (NaN if none).

        DESIGN's bite-test guard: at most 5% of either should fall there.
        """
        s = self.spells[~self.spells["at_start"]]
        te = s["time_to_entry"].to_numpy(float)
        ex = s["exit_year"].to_numpy(float) - self.rule.burn_in * self.rule.dt
        ex = ex[np.isfinite(ex)]
        share_e = float(np.mean(te <= within)) if te.size else float("nan")
        share_x = float(np.mean(ex <= within)) if ex.size else float("nan")
        return share_e, share_x


def _pairs(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    iu, ju = np.triu_indices(n, 1)
    return iu.astype(np.intp), ju.astype(np.intp)


def race_year(run: NDArray[np.integer[Any]], before: ArrayLike, after: ArrayLike,
              race_growth: float, race_years: int, counted: ArrayLike | None = None
              ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """One year of the race counter: each state's run of growth years, and the racing pairs.

    Why: the studies of issue 17 report how often security seekers *race* as well as how
    often they enter (a race is the first half of an entry, the module's rule: both states'
    spending grew by at least ``race_growth`` a year in each of the last ``race_years``
    years, Wallace 1979; Gibler, Rider and Hutchison 2005), online over many worlds; this
    is their one definition of that count (tests/world/test_offense_defense_dilemma.py,
    scripts/offense_defense_dilemma.py, scripts/seekers_alone.py).

    ``run`` (W, N): each state's number of consecutive growth years up to last year (zeros
    before the first year); ``before`` and ``after`` (W, N): spending at the start and the
    end of this year. A growth year: ``before > 0`` and ``after >= before * (1 +
    race_growth)``; any other year sets the run back to 0. Returns the new run and, per
    world (W,), the number of unordered pairs {i, j} whose runs are both at least
    ``race_years`` (and both ``counted``, (W, N), where given: living seekers, say).

    :class:`EpisodeDetector` keeps its own counter for entries (growth as the ratio
    ``after / before - 1``, a state whose spending restarts from zero as growing, dead
    states never); the two differ only at ties to the last bit, at restarts from zero and
    for dead states that still spend.
    """
    prev = np.asarray(before)
    grew = (prev > 0) & (np.asarray(after) >= prev * (1.0 + race_growth))
    new_run = np.where(grew, run + 1, 0).astype(np.int64, copy=False)
    hot = new_run >= race_years
    if counted is not None:
        hot &= np.asarray(counted, dtype=bool)
    iu, ju = _pairs(hot.shape[1])
    return new_run, (hot[:, iu] & hot[:, ju]).sum(axis=1).astype(np.int64, copy=False)


class EpisodeDetector:
    """Online per-pair detector of entries, exits and competing outcomes over W worlds.

    Call :meth:`update` once for the starting state (year 0) and once after
    every step, then :meth:`finish`. Arrays: (W, N) per state, (W, N, N) per
    directed pair ([i, j]: i about j, or i against j).
    """

    def __init__(self, worlds: int, n_states: int, rule: EpisodeRule | None = None,
                 world_index: ArrayLike | None = None) -> None:
        if worlds < 0 or n_states < 1:
            raise ParameterError("worlds, n_states", (worlds, n_states),
                                 "must be >= 0 worlds of >= 1 states")
        self.rule = rule if rule is not None else EpisodeRule()
        self.w, self.n = int(worlds), int(n_states)
        self.world_index = (np.arange(self.w, dtype=np.int64) if world_index is None
                            else np.asarray(world_index, dtype=np.int64))
        if self.world_index.shape != (self.w,):
            raise ParameterError("world_index", world_index, f"must hold {self.w} indices")
        self.iu, self.ju = _pairs(self.n)
        self._pidx = np.zeros((self.n, self.n), dtype=np.intp)  # packed index of {i, j}
        self._pidx[self.iu, self.ju] = self._pidx[self.ju, self.iu] = np.arange(self.iu.size)
        w, p, k = self.w, self.iu.size, self.rule.race_years
        self.t = -1
        # per state
        self._spend_prev = np.zeros((w, self.n))
        m = self.rule.exit_years
        self._lb_ring = np.full((m + 1, w, self.n), np.nan)  # log burden, years t - m .. t
        self._run_up = np.zeros((w, self.n), dtype=np.uint8)
        self._alive_burn: NDArray[np.bool_] | None = None
        self._alive0: NDArray[np.bool_] | None = None
        self._alive_last = np.ones((w, self.n), dtype=bool)
        # per unordered pair
        self._trust_ring = np.zeros((k, w, p), dtype=np.float32)
        self._since_cond = np.full((w, p), min(k, 255), dtype=np.uint8)
        self._spell_start = np.full((w, p), -1, dtype=np.int16)
        self._pre_trust = np.zeros((w, p), dtype=np.float32)
        self._calm = np.zeros((w, p), dtype=np.uint8)
        # the window_mean reading: pair trust over the last m years
        self._tr_ring = (np.zeros((m, w, p), dtype=np.float32) if self.rule.trust_window
                         else None)
        # per world, after burn-in
        self.n_wars = np.zeros((w, len(CAUSES)), dtype=np.int64)
        self.n_disputes = np.zeros(w, dtype=np.int64)
        self.war_years = np.zeros(w, dtype=np.int64)
        # events (sparse): entries, closes, wars for paths
        self._entries: list[tuple[NDArray[Any], ...]] = []
        self._closes: list[tuple[NDArray[Any], ...]] = []
        self._war_events: list[tuple[NDArray[Any], ...]] = []

    @property
    def nbytes(self) -> int:
        """Bytes held by the detector's per-pair and per-state arrays."""
        arrays = (self._spend_prev, self._lb_ring, self._run_up, self._alive_last,
                  self._trust_ring, self._since_cond, self._spell_start, self._pre_trust,
                  self._calm)
        extra = self._tr_ring.nbytes if self._tr_ring is not None else 0
        return int(sum(a.nbytes for a in arrays)) + extra

    def _pair(self, a: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Directed (W, N, N) -> the two directions of each unordered pair, (W, P) each."""
        return a[:, self.iu, self.ju], a[:, self.ju, self.iu]

    def update(self, spending: ArrayLike, cap: ArrayLike, mistrust: ArrayLike,
               seeker: ArrayLike, alive: ArrayLike | None = None,
               war_cause: ArrayLike | None = None, dispute: ArrayLike | None = None,
               at_war: ArrayLike | None = None, institutions: ArrayLike | None = None,
               identity: ArrayLike | None = None, relevant: ArrayLike | None = None) -> None:
        """Read one year of the W worlds.

        Parameters
        ----------
        spending
            (W, N) military spending m[i] this year.
        cap
            (W, N) the budget cap B Y[i] (spending at or above
            ``exit_cap_share`` of it is not calm).
        mistrust
            (W, N, N) mu[i, j], i's probability that j is greedy.
        seeker
            (W, N) True for security seekers (true type, this year).
        alive
            (W, N) alive flags (None: all alive).
        war_cause
            (W, N, N) cause code of a war i started against j this year (0
            none, 1 predation, 2 preemption, 3 prevention, 4 inadvertent;
            :data:`CAUSES`), or None (no wars).
        dispute
            (W, N, N) True where i and j had a dispute this year (either
            direction counts), or None.
        at_war
            (W, N, N) True where i and j are at war this year (a war in
            progress, either direction), or None (the wars started this year).
        institutions
            (W, N, N) institution stock I[i, j] (None: 0, every exit mitigated).
        identity
            (W, N, N) identity s[i, j] (None: 0, every exit mitigated).
        relevant
            (W, N, N) politically relevant pairs (either direction counts; None:
            all). Only relevant pairs can enter; a spell runs on if the pair
            stops being relevant.
        """
        r = self.rule
        w, n, k = self.w, self.n, r.race_years
        self.t += 1
        t = self.t
        spend = np.asarray(spending, dtype=float)
        cap_ = np.asarray(cap, dtype=float)
        mu = np.asarray(mistrust)
        seek = np.asarray(seeker, dtype=bool)
        alive_ = np.ones((w, n), dtype=bool) if alive is None else np.asarray(alive, dtype=bool)
        for name, a, shape in (("spending", spend, (w, n)), ("cap", cap_, (w, n)),
                               ("mistrust", mu, (w, n, n)), ("seeker", seek, (w, n)),
                               ("alive", alive_, (w, n))):
            if a.shape != shape:
                raise ParameterError(name, a.shape, f"must have shape {shape}")
        cause = (np.zeros((w, n, n), dtype=np.int8) if war_cause is None
                 else np.asarray(war_cause, dtype=np.int8))
        if t == 0:
            self._alive0 = alive_.copy()
        if t == r.burn_in:
            self._alive_burn = alive_.copy()
        measuring = t >= r.burn_in

        # growth and the per-state race counter
        prev = self._spend_prev
        with np.errstate(divide="ignore", invalid="ignore"):
            growth = np.where(prev > 0, spend / np.where(prev > 0, prev, 1.0) - 1.0,
                              np.where(spend > 0, np.inf, 0.0))
        if t == 0:
            growth[:] = 0.0
        up = (growth >= r.race_growth) & alive_ & (t > 0)
        self._run_up = np.where(up, np.minimum(self._run_up.astype(np.int16) + 1, 255),
                                0).astype(np.uint8)
        # the state's part of a calm year (EpisodeRule.calm_state: below the cap; under the
        # yearly reading also this year's burden growth in the band); the ring of log burden
        # gives the window's trend (EpisodeRule.steady)
        m1 = r.exit_years + 1
        lb = r.log_burden(spend, cap_)
        lb_prev = self._lb_ring[(t - 1) % m1]
        calm_state = r.calm_state(spend, cap_, lb, lb_prev) & (t > 0)
        self._lb_ring[t % m1] = lb
        self._spend_prev = spend.copy()

        mu_ij, mu_ji = self._pair(mu)
        trust = (1.0 - 0.5 * (mu_ij + mu_ji)).astype(np.float32)
        if self._tr_ring is not None:  # the window's years are t - m + 1 .. t
            self._tr_ring[t % r.exit_years] = trust
        iu, ju = self.iu, self.ju
        pair_alive = alive_[:, iu] & alive_[:, ju]
        pair_seek = seek[:, iu] & seek[:, ju] & pair_alive
        if relevant is not None:
            r_ij, r_ji = self._pair(np.asarray(relevant, dtype=bool))
            pair_seek &= r_ij | r_ji

        # wars started this year (sparse): directed causes, per pair and against each state
        p = iu.size
        cw, ci, cj = np.nonzero(cause)
        code = cause[cw, ci, cj].astype(np.int8)
        if code.size and (code.min() < 1 or code.max() > len(CAUSES)):
            raise ParameterError("war_cause", sorted(set(code.tolist())),
                                 f"codes must be 0 (none) or 1..{len(CAUSES)} ({CAUSES})")
        pair_war_cause = np.zeros((w, p), dtype=np.int8)
        later = ci > cj  # write the war j > i started first: the one i < j started wins
        for sel in (later, ~later):
            pair_war_cause[cw[sel], self._pidx[ci[sel], cj[sel]]] = code[sel]
        preyed = np.zeros((w, n), dtype=bool)  # a predatory war against j
        pred = code == _PREDATION
        preyed[cw[pred], cj[pred]] = True
        pair_fighting = pair_war_cause > 0
        war_any = np.zeros(w, dtype=bool)
        war_any[cw] = True
        if at_war is not None:
            aw_w, aw_i, aw_j = np.nonzero(np.asarray(at_war, dtype=bool))
            off = aw_i != aw_j
            pair_fighting[aw_w[off], self._pidx[aw_i[off], aw_j[off]]] = True
            war_any[aw_w[off]] = True
        pair_dispute = np.zeros((w, p), dtype=bool)
        if dispute is not None:
            dw, di, dj = np.nonzero(np.asarray(dispute, dtype=bool))
            off = di != dj
            pair_dispute[dw[off], self._pidx[di[off], dj[off]]] = True
        if measuring:
            np.add.at(self.n_wars, (cw, code.astype(np.intp) - 1), 1)
            self.n_disputes += pair_dispute.sum(axis=1)
            self.war_years += war_any
            if cw.size:
                ev = np.unique(cw.astype(np.int64) * 8 + code)
                self._war_events.append((ev // 8, np.full(ev.size, t), ev % 8))

        # 1. spells that were open before this year: competing outcomes, then exits
        open_ = self._spell_start >= 0
        if open_.any():
            end = np.zeros((w, iu.size), dtype=np.int8)
            died = ~pair_alive
            left = ~(seek[:, iu] & seek[:, ju])
            pred = preyed[:, iu] | preyed[:, ju]
            end[open_ & left] = SpellEnd.LEFT
            end[open_ & died] = SpellEnd.DEATH
            end[open_ & pred] = SpellEnd.PREDATION
            end[open_ & (pair_war_cause > 0)] = SpellEnd.WAR
            # calm years and exits of the spells still open
            still = open_ & (end == 0)
            floor = r.trust_floor(self._pre_trust)
            calm = (still & calm_state[:, iu] & calm_state[:, ju] & ~pair_fighting
                    & ~pair_dispute & r.trust_year_ok(trust, floor))
            self._calm = np.where(calm, np.minimum(self._calm.astype(np.int16) + 1, 255),
                                  0).astype(np.uint8)
            cw_, cp_ = np.nonzero(still & (self._calm >= r.exit_years))
            if cw_.size:
                lb_then = self._lb_ring[(t - r.exit_years) % m1]
                si, sj = iu[cp_], ju[cp_]
                tmean = (self._tr_ring[:, cw_, cp_].mean(axis=0)
                         if self._tr_ring is not None else None)
                due = r.exit_due(self._calm[cw_, cp_],
                                 r.steady(lb[cw_, si], lb_then[cw_, si]),
                                 r.steady(lb[cw_, sj], lb_then[cw_, sj]),
                                 trust[cw_, cp_], tmean, floor[cw_, cp_])
                end[cw_[due], cp_[due]] = SpellEnd.EXIT
            ww, pp = np.nonzero(end)
            if ww.size:
                kind = end[ww, pp]
                route = np.zeros(ww.size, dtype=np.int8)
                ex = kind == SpellEnd.EXIT
                if ex.any():
                    inst = self._pair_mean(institutions, ww[ex], pp[ex])
                    ident = self._pair_mean(identity, ww[ex], pp[ex])
                    trans = (inst >= r.transcended_institutions) & \
                        (ident >= r.transcended_identity)
                    route[ex] = np.where(trans, 2, 1)
                exit_year = np.where(ex, t - r.exit_years + 1, -1)
                wc = np.where(kind == SpellEnd.WAR, pair_war_cause[ww, pp], 0).astype(np.int8)
                self._closes.append((ww, pp, np.full(ww.size, t), kind, route, exit_year, wc))
                self._spell_start[ww, pp] = -1
                self._calm[ww, pp] = 0

        # 2. entries of pairs not in a spell at the start of this year
        if t >= k:
            slot = self._trust_ring[t % k]  # trust in year t - k
            race = (self._run_up[:, iu] >= k) & (self._run_up[:, ju] >= k)
            cond = race & pair_seek & (slot - trust >= np.float32(r.entry_trust_fall))
            enter = cond & ~open_ & (self._since_cond >= k)
            ww, pp = np.nonzero(enter)
            if ww.size:
                self._spell_start[ww, pp] = t
                self._pre_trust[ww, pp] = slot[ww, pp]
                self._calm[ww, pp] = 0
                self._entries.append((ww, pp, np.full(ww.size, t), slot[ww, pp].copy()))
            self._since_cond = np.where(cond, 0, np.minimum(self._since_cond.astype(np.int16) + 1,
                                                            255)).astype(np.uint8)
        self._trust_ring[t % k] = trust
        self._alive_last = alive_

    def _pair_mean(self, a: ArrayLike | None, ww: NDArray[np.intp],
                   pp: NDArray[np.intp]) -> NDArray[np.float64]:
        """Mean of a[w, i, j] and a[w, j, i] over the listed pairs (0 where ``a`` is None)."""
        if a is None:
            return np.zeros(ww.size)
        arr = np.asarray(a, dtype=float)
        i, j = self.iu[pp], self.ju[pp]
        return 0.5 * (arr[ww, i, j] + arr[ww, j, i])

    def finish(self) -> EpisodeResult:
        """Censor the open spells at the horizon and build the world and spell frames."""
        r = self.rule
        t_end = self.t
        open_ = self._spell_start >= 0
        ww, pp = np.nonzero(open_)
        if ww.size:
            z = np.zeros(ww.size, dtype=np.int8)
            self._closes.append((ww, pp, np.full(ww.size, t_end),
                                 np.full(ww.size, SpellEnd.CENSORED, dtype=np.int8), z,
                                 np.full(ww.size, -1), z))
        spells = self._spell_table(t_end)
        worlds = self._world_table(spells, t_end)
        return EpisodeResult(worlds=worlds, spells=spells, rule=r)

    def _cat(self, events: list[tuple[NDArray[Any], ...]], width: int) -> list[NDArray[Any]]:
        if not events:
            return [np.empty(0, dtype=np.int64) for _ in range(width)]
        return [np.concatenate([e[c] for e in events]) for c in range(width)]

    def _spell_table(self, t_end: int) -> pd.DataFrame:
        r = self.rule
        ew, ep, et, etr = self._cat(self._entries, 4)
        cw, cp, ct, ck, cr, cx, cc = self._cat(self._closes, 7)
        # every entry has exactly one close, later in time: match the k-th of each pair
        p = self.iu.size
        eo = np.lexsort((et, ew * p + ep))
        co = np.lexsort((ct, cw * p + cp))
        ew, ep, et, etr = ew[eo], ep[eo], et[eo], etr[eo]
        ck, cr, cx, cc, ct = ck[co], cr[co], cx[co], cc[co], ct[co]
        if not np.array_equal(ew * p + ep, (cw * p + cp)[co]):
            raise RuntimeError("episode detector: entries and closes do not pair up")
        keep = ct >= r.burn_in  # spells over before the burn-in ended are not measured
        ew, ep, et, etr, ct, ck, cr, cx, cc = (a[keep] for a in (ew, ep, et, etr, ct, ck, cr,
                                                                  cx, cc))
        at_start = et < r.burn_in
        # durable: no re-entry of the same pair within durable_years of the exit
        key = ew * p + ep
        nxt = np.full(key.size, -1, dtype=np.int64)
        same = key[1:] == key[:-1]
        nxt[:-1][same] = et[1:][same]
        exited = ck == SpellEnd.EXIT
        gap = np.where(nxt >= 0, nxt - cx, t_end - cx)
        durable = pd.array(np.where(exited, gap > r.durable_years / r.dt, False), dtype="boolean")
        undecided = exited & (nxt < 0) & (t_end - cx < r.durable_years / r.dt)
        durable[undecided] = pd.NA
        durable[~exited] = pd.NA
        dt = r.dt
        exit_year = np.where(exited, cx * dt, np.nan)
        end_year = np.where(exited, cx, ct) * dt
        return pd.DataFrame({
            "world": self.world_index[ew] if ew.size else np.empty(0, dtype=np.int64),
            "i": self.iu[ep], "j": self.ju[ep],
            "entry_year": et * dt, "exit_year": exit_year, "end_year": end_year,
            "time_to_entry": (et - r.burn_in) * dt, "duration": end_year - et * dt,
            "route": np.asarray(_ROUTES, dtype=object)[cr] if cr.size else
            np.empty(0, dtype=object),
            "durable": durable,
            "end": np.asarray([SpellEnd(int(k)).label for k in ck], dtype=object),
            "war_cause": np.asarray(("none", *CAUSES), dtype=object)[cc] if cc.size else
            np.empty(0, dtype=object),
            "censored": ck == SpellEnd.CENSORED, "at_start": at_start,
            "pre_entry_trust": etr.astype(float),
        }, columns=list(SPELL_COLUMNS))

    def _world_table(self, spells: pd.DataFrame, t_end: int) -> pd.DataFrame:
        r = self.rule
        w, dt = self.w, r.dt
        pos = {int(x): k for k, x in enumerate(self.world_index)}
        fresh = spells[~spells["at_start"]]
        row = fresh["world"].map(pos).to_numpy(np.int64) if len(fresh) else np.empty(0, np.int64)
        n_entries = np.bincount(row, minlength=w)
        n_exits = np.bincount(row[fresh["end"].to_numpy() == "exit"], minlength=w) if \
            len(fresh) else np.zeros(w, np.int64)
        at_row = spells.loc[spells["at_start"], "world"].map(pos).to_numpy(np.int64)
        n_at_start = np.bincount(at_row, minlength=w)
        entered = n_entries > 0
        tte = np.full(w, np.nan)
        exited = np.zeros(w, dtype=bool)
        route = np.full(w, "none", dtype=object)
        ttx = np.full(w, np.nan)
        first_end = np.full(w, "", dtype=object)
        if len(fresh):
            first = fresh.assign(_row=row).sort_values(["_row", "entry_year", "i", "j"],
                                                       kind="stable").drop_duplicates("_row")
            fr = first["_row"].to_numpy(np.int64)
            tte[fr] = first["time_to_entry"].to_numpy(float)
            ex = first["end"].to_numpy() == "exit"
            exited[fr] = ex
            route[fr] = np.where(ex, first["route"].to_numpy(), "none")
            ttx[fr[ex]] = (first["exit_year"] - first["entry_year"]).to_numpy(float)[ex]
            first_end[fr] = np.where(first["end"].to_numpy() == "war",
                                     "war:" + first["war_cause"].astype(str).to_numpy(),
                                     first["end"].to_numpy())
        # outcome: a summary label of the world's first spell after burn-in
        outcome = np.full(w, "no_dilemma", dtype=object)
        any_war = self.n_wars.sum(axis=1) > 0
        outcome[~entered & any_war] = "war"
        for key, lab in (("exit", None), ("war", "war"), ("predation", "war"), ("death", "war"),
                         ("left", "unresolved"), ("censored", "unresolved")):
            sel = np.array([str(e).split(":")[0] == key for e in first_end], dtype=bool)
            if lab is None:
                outcome[sel] = route[sel]
            else:
                outcome[sel] = lab
        alive0 = self._alive0 if self._alive0 is not None else np.ones((w, self.n), bool)
        dead = (alive0 & ~self._alive_last).sum(axis=1)
        return pd.DataFrame({
            "entered": entered, "time_to_entry": tte, "exited": exited, "exit_route": route,
            "time_to_exit": ttx, "n_entries": n_entries, "n_exits": n_exits,
            "n_spells_at_start": n_at_start,
            "n_wars_predation": self.n_wars[:, 0], "n_wars_preemption": self.n_wars[:, 1],
            "n_wars_prevention": self.n_wars[:, 2], "n_wars_inadvertent": self.n_wars[:, 3],
            "n_disputes": self.n_disputes, "n_states_dead": dead,
            "war_years": self.war_years * dt, "path": self._paths(fresh, row),
            "outcome": outcome, "escaped": np.isin(outcome, ("mitigated", "transcended")),
        }, columns=list(WORLD_COLUMNS))

    def _paths(self, fresh: pd.DataFrame, row: NDArray[Any], cap: int = 8) -> NDArray[Any]:
        """Each world's events after burn-in as text: entries, spell ends and wars, in order."""
        events: list[list[tuple[float, int, str]]] = [[] for _ in range(self.w)]
        ww, tt, cc = self._cat(self._war_events, 3)
        for a, b, c in zip(ww.tolist(), tt.tolist(), cc.tolist(), strict=True):
            events[a].append((b * self.rule.dt, 1, "war:" + CAUSES[c - 1]))
        if len(fresh):
            ends = fresh["end"].to_numpy()
            token = np.where(ends == "exit", fresh["route"].to_numpy(),
                             np.where(ends == "war", "war:" + fresh["war_cause"].astype(str)
                                      .to_numpy(), ends))
            for a, te, tc, tok in zip(row.tolist(), fresh["entry_year"].tolist(),
                                      fresh["end_year"].tolist(), token.tolist(), strict=True):
                events[a].append((te, 0, "entered"))
                events[a].append((tc, 2, tok))
        out = np.empty(self.w, dtype=object)
        for a, ev in enumerate(events):
            toks: list[str] = []
            for _, _, tok in sorted(ev):
                if not toks or toks[-1] != tok:
                    toks.append(tok)
            if len(toks) > cap:
                toks = [*toks[:cap], "..."]
            out[a] = ">".join(toks) if toks else "none"
        return out


_SERIES = ("spending", "cap", "mistrust", "seeker", "alive", "war_cause", "dispute", "at_war",
           "institutions", "identity", "relevant")


def detect_episodes(trajectories: Mapping[str, Any], rule: EpisodeRule | None = None,
                    world_index: ArrayLike | None = None, **overrides: Any) -> EpisodeResult:
    """Run :class:`EpisodeDetector` over stored trajectories (offline: sensitivity, tests).

    ``trajectories`` maps the names of :meth:`EpisodeDetector.update`'s arguments
    to arrays with time as the second axis, (W, T + 1, N) or (W, T + 1, N, N)
    (an xarray Dataset with those variables works too); ``seeker`` may also be
    (W, N), fixed over time. ``overrides`` replace fields of ``rule`` (for
    example ``race_years=5``).
    """
    rule = rule if rule is not None else EpisodeRule()
    if overrides:
        rule = dataclasses.replace(rule, **overrides)
    unknown = [k for k in trajectories if k not in _SERIES]
    if unknown and not hasattr(trajectories, "data_vars"):
        raise ParameterError("trajectories", sorted(unknown), f"names must be among {_SERIES}")
    arrays: dict[str, NDArray[Any]] = {}
    for name in _SERIES:
        if name in trajectories:
            v = trajectories[name]
            arrays[name] = np.asarray(getattr(v, "values", v))
    for need in ("spending", "cap", "mistrust", "seeker"):
        if need not in arrays:
            raise ParameterError("trajectories", need, "this series is required")
    w, t1, n = arrays["spending"].shape
    det = EpisodeDetector(w, n, rule, world_index=world_index)
    for t in range(t1):
        kw = {name: (a if name == "seeker" and a.ndim == 2 else a[:, t])
              for name, a in arrays.items()}
        det.update(**kw)
    return det.finish()


def episode_sensitivity(trajectories: Mapping[str, Any], rule: EpisodeRule | None = None,
                        race_years: tuple[int, ...] = (2, 3, 5),
                        entry_trust_fall: tuple[float, ...] = (0.05, 0.10, 0.20),
                        exit_years: tuple[int, ...] = (5, 10, 15)) -> pd.DataFrame:
    """Entries and exits under every combination of k, x and m (DESIGN section 3).

    One row per (race_years, entry_trust_fall, exit_years): worlds, worlds that
    entered, spells after burn-in, their exits and the share of spells that
    exited, and the shares of entries and exits at t <= 2 after burn-in.
    """
    rule = rule if rule is not None else EpisodeRule()
    rows = []
    for k in race_years:
        for x in entry_trust_fall:
            for m in exit_years:
                res = detect_episodes(trajectories, rule, race_years=k, entry_trust_fall=x,
                                      exit_years=m)
                s = res.spells[~res.spells["at_start"]]
                n_exit = int((s["end"] == "exit").sum())
                early_e, early_x = res.entry_exit_at_start()
                rows.append({
                    "race_years": k, "entry_trust_fall": x, "exit_years": m,
                    "worlds": len(res.worlds), "entered": int(res.worlds["entered"].sum()),
                    "spells": len(s), "exits": n_exit,
                    "share_exited": n_exit / len(s) if len(s) else float("nan"),
                    "early_entries": early_e, "early_exits": early_x,
                })
    return pd.DataFrame(rows)
