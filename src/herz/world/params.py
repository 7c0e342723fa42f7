"""Parameters of the world: one frozen, validated record, readable as one table.

Every field is named in the field's own words and carries its unit or range
and its source in the literature in ``dataclasses.field(metadata=...)``;
:func:`params_table` prints them (``herz world params``). Mechanisms are
switched on and off by the booleans of :class:`Mechanisms`; options are enums.

Units. Arms are in "arms units": 1 is the starting arsenal of a typical state.
Time is in steps of length ``dt`` (read a step as a year). Values of war, of
being exploited and of signals are in the payoff units of the two-by-two games
of Jervis (1978) and Kydd (2005), where mutual cooperation is worth 1 per step
in Kydd's normalisation and 0 in Jervis's.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from herz.errors import ParameterError
from herz.world.episodes import GrowthReading, TrustFloor, TrustReading
from herz.world.schedule import SCHEDULABLE, Schedule, Schedules

__all__ = [
    "PER_WORLD",
    "SCHEDULABLE",
    "Culture",
    "Geography",
    "Mechanisms",
    "Schedule",
    "Schedules",
    "ThreatAggregation",
    "UpdateOrder",
    "WorldParams",
    "check_per_world",
    "params_table",
]


class UpdateOrder(enum.StrEnum):
    """How the switched-on mechanisms are composed within a step.

    ``simultaneous`` (default): every mechanism reads the state at the start of
    the step (beliefs, arms and identities at t) and all write t + 1 together;
    perception is the observation every other mechanism reads.
    ``sequential``: the mechanisms run in :data:`herz.world.step.ORDER` and each
    sees what the previous ones wrote (beliefs updated before the arms
    decision, new arms before the war decision, ...).
    """

    SIMULTANEOUS = "simultaneous"
    SEQUENTIAL = "sequential"


class Culture(enum.StrEnum):
    """Wendt's three cultures of anarchy, as the initial identity s[i, j].

    Hobbesian (enemies, s = -0.5), Lockean (rivals, s = 0), Kantian (friends,
    s = 0.5). Wendt (1999), *Social Theory of International Politics*, ch. 6 [R].
    """

    HOBBESIAN = "hobbesian"
    LOCKEAN = "lockean"
    KANTIAN = "kantian"

    @property
    def identity(self) -> float:
        """The initial identity s[i, j] this culture stands for."""
        return {"hobbesian": -0.5, "lockean": 0.0, "kantian": 0.5}[self.value]


class Geography(enum.StrEnum):
    """Where states are. ``none``: every pair equally close (threat weight 1).

    ``plane``: positions uniform in the unit square, drawn per world; the threat
    weight falls as exp(-distance / distance_scale) (loss-of-strength gradient,
    Boulding 1962).
    """

    NONE = "none"
    PLANE = "plane"


class ThreatAggregation(enum.StrEnum):
    """How a state adds up the threats it perceives.

    ``mean``: the weighted mean over the others (with two states exactly
    Richardson's k*y, and the scale does not grow with N); ``sum``: Richardson's
    n-nation form dx_i/dt = sum_j k w_ij x_j - a x_i + g.
    """

    MEAN = "mean"
    SUM = "sum"


def _meta(doc: str, unit: str, lo: float | None = None, hi: float | None = None,
          source: str = "", lo_open: bool = False, hi_open: bool = False,
          per_world: bool = False) -> dict[str, Any]:
    return {"doc": doc, "unit": unit, "lo": lo, "hi": hi, "source": source,
            "lo_open": lo_open, "hi_open": hi_open, "per_world": per_world}


#: alpha: the share of a security seeker's pair-years that identity's build-up event may
#: flag by noise alone [D]. With Gaussian spending filters a year's log-likelihood ratio
#: of greed is, for a seeker, dl ~ N(-d^2/2, d^2) (d: the standardised distance between
#: the greedy and the seeker prediction); max over d of P(dl > c) = Phi(-sqrt(2c)), so
#: c = z_{1-alpha}^2 / 2 bounds the false-alarm rate by alpha at ANY noise level
#: (Neyman-Pearson; the bound does not move when the spending shock is recalibrated).
BUILDUP_FALSE_ALARM = 0.02
#: c for :data:`BUILDUP_FALSE_ALARM`: z_0.98^2 / 2 = 2.109.
BUILDUP_EVIDENCE = NormalDist().inv_cdf(1.0 - BUILDUP_FALSE_ALARM) ** 2 / 2.0


@dataclass(frozen=True)
class Mechanisms:
    """Which of the eight mechanisms of the world run (DESIGN.md section 2).

    Switching a mechanism off freezes what it would change: with
    ``belief_update`` off beliefs stay at their prior, with ``identity`` off
    identities stay at the culture's value, with ``perception`` off states see
    each other's arms exactly. The arms policy always reads perception.
    """

    perception: bool = field(default=True, metadata=_meta(
        "perceived threat O + (1 - d) D with lognormal noise (off: exact)", "switch",
        source="Jervis 1978; Tang 2009; Kertzer, Brutger & Quek 2024"))
    belief_update: bool = field(default=True, metadata=_meta(
        "Bayes' rule on observed build-ups, signals and attacks", "switch",
        source="Kydd 1997, 2005"))
    arms_policy: bool = field(default=True, metadata=_meta(
        "Richardson reaction to perceived threat weighted by mistrust and enmity", "switch",
        source="Richardson 1960; Glaser 1997"))
    offense_defense: bool = field(default=True, metadata=_meta(
        "offense-defense balance shapes security seekers' offense share of new arms and the "
        "threat every state perceives", "switch",
        source="Jervis 1978; Glaser & Kaufmann 1998"))
    signalling: bool = field(default=False, metadata=_meta(
        "costly signals: a binding cut of offence for signal_interval years, sent by a type "
        "when the trust it buys is worth its cost; greedy mimicry in equilibrium (issue 18)",
        "switch", source="Kydd 2000, 2005; Montgomery 2006; DESIGN.md 2.7"))
    arms_control: bool = field(default=False, metadata=_meta(
        "arms control with verification: treaties capping offence, signed when both gain "
        "under current beliefs; cheating, detection, false alarms (issue 18)", "switch",
        source="Schelling & Halperin 1961; Kydd 2005; DESIGN.md 2.8"))
    war: bool = field(default=True, metadata=_meta(
        "attack when war beats peace; contest-function outcomes", "switch",
        source="Fearon 1995; Jervis 1978; Van Evera 1998"))
    identity: bool = field(default=False, metadata=_meta(
        "events (signals, treaties, restraint, disputes, attacks, build-ups) move identities "
        "both ways, slowed by the routine's age (ontological security)",
        "switch", source="Wendt 1992, 1999; Mitzen 2006"))
    community: bool = field(default=False, metadata=_meta(
        "security communities: an institution stock that grows with cooperation, cuts noise, "
        "fear and the war index; pooled defence, defection, blocs", "switch",
        source="Adler & Barnett 1998; Deutsch 1957"))
    misperception: bool = field(default=False, metadata=_meta(
        "misperception bias: i discounts its own arsenal when predicting a seeker's build "
        "(the psychological spiral; an unbiased shadow belief is carried alongside)", "switch",
        source="Jervis 1976 ch. 3 (blindness to one's own threat)"))

    def on(self) -> tuple[str, ...]:
        """Names of the switched-on mechanisms."""
        return tuple(f.name for f in dataclasses.fields(self) if getattr(self, f.name))

    @classmethod
    def none(cls) -> Mechanisms:
        """Every mechanism off."""
        return cls(**{f.name: False for f in dataclasses.fields(cls)})


PerState = float | tuple[float, ...]
#: One number for every ordered pair, or a directed N x N matrix (rows: the state
#: shielded, columns: the state it is shielded from).
PairValue = float | tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class WorldParams:
    """All parameters of the world (defaults: a ten-state Lockean world).

    Read them as one table with :func:`params_table` or ``herz world params``.
    ``reaction``, ``fatigue``, ``grievance`` and ``initial_arms`` take one value
    for every state or a tuple with one value per state (Posen: states differ).
    ``buffer_depth`` takes one number or a directed N x N matrix (Garver:
    buffers are asymmetric). ``schedules`` maps the names in :data:`SCHEDULABLE` to a
    :class:`~herz.world.schedule.Schedule` (a technology shock or a ramp);
    :meth:`at` gives the parameters in force at a step.

    Every mechanism added after the first release (schedules, buffer zones,
    motive drift, multi-step wars) is off or neutral at its default, so
    results with default values equal those of the earlier world bit for bit.
    """

    #: Per-world values (name -> float array, one value per world of the batch) set by
    #: :meth:`with_world_values`; empty for an ordinary (scalar) record. Not a field: it
    #: is not part of ``to_dict``, equality or ``replace`` (which drops it).
    _world: ClassVar[Mapping[str, NDArray[np.float64]]] = MappingProxyType({})

    # --- the system
    n_states: int = field(default=10, metadata=_meta(
        "number of states N", "states", 2, 2000, "DESIGN.md: 193 is today's world"))
    dt: float = field(default=1.0, metadata=_meta(
        "length of a step", "years", 0.0, 1.0, "Richardson 1960 (yearly map)", lo_open=True))
    update_order: UpdateOrder = field(default=UpdateOrder.SIMULTANEOUS, metadata=_meta(
        "composition of mechanisms within a step", "simultaneous | sequential",
        source="Mesa activation schedules; herz design"))
    mechanisms: Mechanisms = field(default_factory=Mechanisms, metadata=_meta(
        "switches of the eight mechanisms", "switches", source="DESIGN.md section 2"))

    # --- arsenal and economy (Richardson)
    initial_arms: PerState = field(default=1.0, metadata=_meta(
        "starting arsenal O + D of each state", "arms units", 0.0, None, "normalisation"))
    initial_arms_spread: float = field(default=0.2, metadata=_meta(
        "relative spread of starting arsenals (uniform, +- this share)", "share", 0.0, 1.0,
        "herz design"))
    initial_offense_share: float = field(default=0.5, metadata=_meta(
        "share of the starting arsenal that is offensive", "share", 0.0, 1.0, "herz design"))
    reaction: PerState = field(default=0.6, metadata=_meta(
        "Richardson's reaction (defence) coefficient k: arms added per unit of weighted "
        "perceived threat (calibrated: dilemma entries among seekers, docs/world-calibration.md)",
        "per year", 0.0, None, "Richardson 1960; calibrated (v1 default 0.1)"))
    fatigue: PerState = field(default=0.1, metadata=_meta(
        "Richardson's fatigue-and-expense coefficient a: depreciation and opportunity cost",
        "per year", 0.0, None, "Richardson 1960"))
    grievance: PerState = field(default=0.22, metadata=_meta(
        "Richardson's grievance g (negative: goodwill); calibrated to the median military "
        "burden of the record (docs/world-calibration.md); per world (one value for all "
        "the world's states) it is a free parameter of the history fit (docs/validation.md)",
        "arms units per year", None, None,
        "Richardson 1960; calibrated to SIPRI (v1 default 0.05)", per_world=True))
    greed_build: float = field(default=0.15, metadata=_meta(
        "extra offense a greedy state builds for gain (calibrated, docs/world-calibration.md)",
        "arms units per year", 0.0, None,
        "Glaser 1997; Kydd 1997 (greedy types); calibrated (v1 default 0.05)"))
    budget_share: float = field(default=0.1, metadata=_meta(
        "most a state can spend on arms in a year, as a share B of its output (cap B Y)",
        "share of output", 0.0, None, "DESIGN.md 2.4; SIPRI military burden rarely above 0.1",
        lo_open=True, per_world=True))
    initial_output: PerState = field(default=10.0, metadata=_meta(
        "starting output Y of each state (arms units per year at B = 1)", "output units",
        0.0, None, "normalisation (budget cap B Y = 1 arms unit a year at the defaults)",
        lo_open=True))
    output_spread: float = field(default=0.2, metadata=_meta(
        "relative spread of starting output (uniform, +- this share)", "share", 0.0, 1.0,
        "herz design"))
    growth_rate: PerState = field(default=0.02, metadata=_meta(
        "mean yearly growth of output", "per year", -0.5, 0.5,
        "Maddison Project (long-run growth about 2% a year)"))
    growth_spread: float = field(default=0.01, metadata=_meta(
        "spread of the states' growth rates (uniform, +- this much): power transitions",
        "per year", 0.0, 0.5, "Organski & Kugler 1980; Gilpin 1981"))
    spending_inertia: float = field(default=0.5, metadata=_meta(
        "share alpha of the gap to the target spending closed in a year (domestic politics)",
        "share per year", 0.0, 1.0, "DESIGN.md 2.4; Ostrom 1978 (budget inertia)", lo_open=True,
        per_world=True))
    spending_shock: float = field(default=0.08, metadata=_meta(
        "sd sigma_m of the yearly domestic spending shock per unit of its base (shock_base): "
        "at the default base 1 a share of last year's spending; at base 0 the sd in arms units "
        "at the reference output (mean initial_output), growing with the state's output; "
        "calibrated to the share of state-years with spending growth >= 8% in SIPRI (0.30; "
        "docs/world-calibration.md): 0.08 at base 1 (0.03 at base 0, the world v2.0)",
        "share of last year's spending (arms units per year at shock_base = 0)", 0.0, 10.0,
        "DESIGN.md 2.4 (domestic politics; keeps types from being revealed at once); "
        "calibrated to SIPRI (v1-economy default 0.0005; v2.0 0.03 on output)", per_world=True))
    shock_base: float = field(default=1.0, metadata=_meta(
        "what the domestic spending shock is proportional to: sd = spending_shock x ((1 - b) "
        "Y_i / Y_ref + b max(m_i, 0.01 Y_i / Y_ref)), with m_i last year's spending in arms "
        "units a year (1, the default: last year's spending, budget incrementalism; 0: "
        "output, the world v2.0 before the parameter (with spending_shock 0.03); a floor of "
        "0.01 arms units a year at the reference output keeps a state at zero spending from "
        "being frozen)", "share of the base that is spending", 0.0, 1.0,
        "Davis, Dempster & Wildavsky 1966 (budgets move by shares of last year's base); "
        "issue 17 behaviour 1 (races by the balance); docs/world-calibration.md",
        per_world=True))
    offense_share_distinguishability: float = field(default=0.5, metadata=_meta(
        "zeta in q_S = (1 - zeta d)/(1 + delta^eta): how far distinguishability lets seekers "
        "buy defence", "share", 0.0, 1.0, "Glaser & Kaufmann 1998; DESIGN.md 2.4"))
    offense_share_elasticity: float = field(default=1.0, metadata=_meta(
        "eta in q_S = (1 - zeta d)/(1 + delta^eta): response of the offence share to the "
        "balance", "exponent", 0.0, 5.0, "DESIGN.md 2.4 (eta = 1: the marginal worth 1/(1 + "
        "delta) of v1)"))
    greedy_offense_premium: float = field(default=0.3, metadata=_meta(
        "dq: extra offence share of a greedy state's purchases, q_G = min(1, q_S + dq)",
        "share", 0.0, 1.0, "Glaser 1997 (greedy states buy offence)"))
    reach: float = field(default=1.5, metadata=_meta(
        "largest distance at which a pair is politically relevant (geography plane; >= 1.42 "
        "makes every pair relevant)", "unit-square lengths", 0.0, None,
        "Lemke & Reed 2001 (politically relevant dyads); Boulding 1962", lo_open=True))
    threat_aggregation: ThreatAggregation = field(default=ThreatAggregation.MEAN, metadata=_meta(
        "how perceived threats add up", "mean | sum", source="Richardson 1960 (n nations)"))
    runaway_level: float = field(default=1e6, metadata=_meta(
        "arsenal at which a race counts as runaway; stocks are capped there", "arms units",
        1.0, 1e100, "herz design (before float64 overflow)"))

    # --- motives and beliefs (Glaser, Kydd)
    p_greedy: float = field(default=0.1, metadata=_meta(
        "probability that a state is greedy (revisionist)", "probability", 0.0, 1.0,
        "Glaser 1997; Kydd 1997", per_world=True))
    prior_bias: float = field(default=0.0, metadata=_meta(
        "shift of the prior log-odds of greed: l_0 = logit(p_greedy) + prior_bias (0: "
        "correct prior, mu_0 = p_greedy)", "log-odds", -20.0, 20.0,
        "DESIGN.md 2 rule 1 (v1's mu_0 = 0.4 with p_greedy = 0.1 built in an escape)"))
    offensive_realism: bool = field(default=False, metadata=_meta(
        "every state acts as if all others were greedy (fear = 1)", "switch",
        source="Mearsheimer 2001 (fatalist limit)"))
    belief_floor: float = field(default=1e-9, metadata=_meta(
        "beliefs stay in [floor, 1 - floor] (log-odds clipped): no dogmatic certainty",
        "probability", 0.0, 0.1, "herz design", lo_open=True))
    misperception_bias: float = field(default=0.3, metadata=_meta(
        "beta: share of its own offence i leaves out when predicting a seeker's build "
        "(only with mechanisms.misperception)", "share", 0.0, 1.0,
        "Jervis 1976 ch. 3; DESIGN.md 2.3", per_world=True))
    fear_floor: float = field(default=0.05, metadata=_meta(
        "weight of a perceived threat from a state believed surely benign (calibrated, "
        "docs/world-calibration.md)", "share", 0.0, 1.0,
        "Glaser 1997 (capabilities matter even without bad intent); calibrated (v1 default 0.5)"))
    motive_turnover: float = field(default=0.1, metadata=_meta(
        "tau: probability per step that a state's type is redrawn from p_greedy (regime or "
        "leader change; 0: types fixed for life)", "probability per step", 0.0, 1.0,
        "design choice [D] after Copeland 2000 (The Origins of Major War: intentions change "
        "with leaders) and Rosato 2015 (The Inscrutable Intentions of Great Powers); "
        "docs/world-calibration.md", per_world=True))
    greedy_draw_scale: float = field(default=1.0, metadata=_meta(
        "the share of greedy types actually drawn, as a multiple of p_greedy: at the start, "
        "at motive turnover and at a loser's regime change types are greedy with probability "
        "greedy_draw_scale x p_greedy, while beliefs keep the prior p_greedy and the turnover "
        "prediction (1: a correctly specified world; 0: security seekers alone, a realisation "
        "that happens to draw no greedy state; the same random draws at every value)",
        "multiple of p_greedy", 0.0, 1.0,
        "issue 17 behaviour 1 (the dilemma among security seekers who cannot know it: "
        "Jervis 1978; Glaser 1997); docs/world-calibration.md", per_world=True))
    motive_drift_to_seeker: float = field(default=0.0, metadata=_meta(
        "probability per step that a greedy state becomes a security seeker (0: fixed "
        "motives)", "probability per step", 0.0, 1.0,
        "MODELS.md 6 stand-in for Yoder & Haynes 2024 (endogenous preferences) [D]"))
    motive_drift_to_greedy: float = field(default=0.0, metadata=_meta(
        "probability per step that a security seeker becomes greedy (0: fixed motives)",
        "probability per step", 0.0, 1.0,
        "MODELS.md 6 stand-in for Yoder & Haynes 2024 (endogenous preferences) [D]"))
    motive_drift_identity: float = field(default=0.0, metadata=_meta(
        "how much a state's mean identity toward the others tilts motive drift: rates times "
        "(1 + x s) to seeker, (1 - x s) to greedy", "share", 0.0, 1.0,
        "Wendt 1999; MODELS.md 6 (cooperation lowers temptation) [D]"))

    # --- perception (Jervis, Tang, Kertzer et al.)
    distinguishability: float = field(default=0.5, metadata=_meta(
        "offense-defense distinguishability d: share of defence not read as offence",
        "0 (every shield a sword) .. 1", 0.0, 1.0, "Jervis 1978; Tang 2009", per_world=True))
    perception_noise: float = field(default=0.1, metadata=_meta(
        "sd sigma of the noise on each perceived yearly change (offence, defence) at the "
        "reference output (mean initial_output), growing with the observed state's output",
        "arms units per year", 0.0, 5.0, "Jervis 1976 (misperception); DESIGN.md 2.1", per_world=True))
    perspective_taking: float = field(default=0.0, metadata=_meta(
        "share of misperception removed by perspective-taking (backfires under identity "
        "threat)", "share", 0.0, 1.0, "Kertzer, Brutger & Quek 2024"))
    identity_threat_threshold: float = field(default=-0.25, metadata=_meta(
        "identity below which perspective-taking backfires", "identity", -1.0, 1.0,
        "Kertzer, Brutger & Quek 2024 [sign only]"))

    # --- offense-defense balance and war (Jervis, Fearon)
    offense_defense_balance: float = field(default=1.0, metadata=_meta(
        "defence multiplier delta of the contest function (<1 offense, >1 defense advantage)",
        "ratio", 0.0, None, "Jervis 1978; Glaser & Kaufmann 1998", lo_open=True, per_world=True))
    first_strike_advantage: float = field(default=0.0, metadata=_meta(
        "extra weight (1 + f) of the attacker's offense when it moves first", "share", 0.0,
        None, "Fearon 1995; Van Evera 1998"))
    threat_balance_elasticity: float = field(default=1.0, metadata=_meta(
        "eta_T: the perceived threat T = (O + (1 - d) D) ((1 + f)/delta)^eta_T counts offence "
        "at the contest's exchange rate with defence (0: the threat ignores the balance and "
        "the first-strike advantage, as before issue 17's fix)", "exponent", 0.0, 5.0,
        "Jervis 1978; Glaser & Kaufmann 1998 (the balance as a cost ratio)"))

    # --- signals and arms control (issue 18)
    signal_cost: float = field(default=0.03, metadata=_meta(
        "cost C of a costly signal: the offence the signaller scraps, as a share of its "
        "budget cap B Y (output units; greedy and seeker costs C e^z, z ~ N(0, s^2))",
        "share of B Y", 0.0, None, "Kydd 2000, 2005; DESIGN.md 2.7"))
    signal_offense_cut: float = field(default=1.0, metadata=_meta(
        "largest share of its offence a signal may scrap (a dearer signal cannot be sent)",
        "share", 0.0, 1.0, "Kydd 2005 (Gorbachev's unilateral cuts)"))
    signal_interval: int = field(default=5, metadata=_meta(
        "T_s: years a signal binds (offence held at the post-cut level; rebuilding early is "
        "observable reneging); a state signals again only after its window", "years", 1, 1000,
        "DESIGN.md 2.7; Kydd 2005"))
    signal_cost_spread: float = field(default=0.5, metadata=_meta(
        "s: sd of the log cost heterogeneity z of signals (s -> 0: Kydd's homogeneous "
        "costs and separating interval)", "log units", 0.0, 10.0, "DESIGN.md 2.7"))
    greedy_temptation: float = field(default=1.5, metadata=_meta(
        "temptation t_U of an untrustworthy type (> 1): a greedy state's one-year value of "
        "exploiting trust, and of cheating on a treaty, per unit of cooperation",
        "payoff units", 1.0, None, "Kydd 2005 (MODELS.md 3.2, 3.4)", lo_open=True))
    seeker_temptation: float = field(default=0.5, metadata=_meta(
        "temptation t_T of a trustworthy type (< 1)", "payoff units", 0.0, 1.0,
        "Kydd 2005 (MODELS.md 3.2, 3.4)", hi_open=True))
    exploitation_cost: float = field(default=1.0, metadata=_meta(
        "cost c of being exploited, per unit of cooperation", "payoff units", 0.0, None,
        "Kydd 2005 (MODELS.md 3.2)"))
    shadow_of_future: float = field(default=0.9, metadata=_meta(
        "discount factor delta of the continuing relationship", "per year", 0.0, 1.0,
        "Kydd 2000; Axelrod 1984", hi_open=True))
    verification: float = field(default=0.5, metadata=_meta(
        "v: verification of arms control; cuts the parties' perception noise to (1 - v) "
        "sigma and detects cheating with probability 1 - exp(-v excess / sigma)", "share",
        0.0, 1.0, "DESIGN.md 2.8; Schelling & Halperin 1961"))
    treaty_cost: float = field(default=0.2, metadata=_meta(
        "k: yearly cost of a treaty to each party (intrusion, forgone options), per unit of "
        "cooperation", "payoff units", 0.0, None, "DESIGN.md 2.8 (herz design)"))
    false_alarm: float = field(default=0.05, metadata=_meta(
        "alpha_0: yearly false-alarm rate of unverified monitoring; alpha(v) = alpha_0 (1 - v)",
        "probability per year", 0.0, 1.0, "DESIGN.md 2.8 (false alarms end treaties)"))
    treaty_cooldown: int = field(default=5, metadata=_meta(
        "years after an alarm before the pair may sign again", "years", 0, 1000,
        "DESIGN.md 2.8 (herz design)"))

    # --- identity and ontological security (Wendt, Mitzen)
    culture: Culture = field(default=Culture.LOCKEAN, metadata=_meta(
        "initial culture of anarchy", "hobbesian | lockean | kantian", source="Wendt 1999"))
    identity_plasticity: float = field(default=0.1, metadata=_meta(
        "eta: identity change per unit of events (an attack is -1, a costly signal +1) in a "
        "new routine", "identity per unit event", 0.0, 1.0, "Wendt 1992; DESIGN.md 2.9"))
    ontological_security: float = field(default=0.5, metadata=_meta(
        "attachment rho to routinised relationships: identity change is slowed by 1 / (1 + "
        "A / tau_o) in a routine of age A, tau_o = routine_time (1 - rho) / rho (0: never "
        "slowed, 1: an old routine is frozen)", "0 .. 1", 0.0, 1.0, "Mitzen 2006"))
    identity_threat_weight: float = field(default=1.0, metadata=_meta(
        "lambda_f: how much friendship lowers perceived threat: fear weight times "
        "1 - lambda_f max(s, 0)", "share", 0.0, 1.0,
        "Wendt 1992 (anarchy is what states make of it); DESIGN.md 2.9"))
    identity_war_weight: float = field(default=0.25, metadata=_meta(
        "log-odds of attacking j that i loses per unit of identity s[i, j] (war index "
        "minus weight * s)", "log-odds per unit identity", 0.0, 10.0,
        "Wendt 1999; DESIGN.md 2.9 (-lambda_w s in the war index)"))

    # --- security communities (Adler & Barnett)
    community_noise_cut: float = field(default=0.8, metadata=_meta(
        "a_sigma: share of a pair's perception noise its institutions remove, x (1 - a_sigma "
        "I)", "share",
        0.0, 1.0, "Adler & Barnett 1998; Keohane 1984"))
    community_threat_cut: float = field(default=0.8, metadata=_meta(
        "share of perceived threat a pair's institutions remove, x (1 - cut I)", "share",
        0.0, 1.0, "Adler & Barnett 1998"))
    defense_pooling: float = field(default=0.5, metadata=_meta(
        "share of fellow members' defence that protects a member against outsiders", "share",
        0.0, 1.0, "Adler & Barnett 1998; Snyder 1984 (alliances)"))
    defection_penalty: float = field(default=1.0, metadata=_meta(
        "weight of a defection (a member attacks a member) as an event every other member "
        "sees (an attack on itself is 1)", "event units", 0.0, 2.0,
        "Adler & Barnett 1998"))

    # --- geography (Boulding, Garver)
    geography: Geography = field(default=Geography.NONE, metadata=_meta(
        "where states are", "none | plane", source="Boulding 1962; Garver 2001"))
    distance_scale: float = field(default=0.3, metadata=_meta(
        "distance over which threat falls by a factor e", "unit-square lengths", 0.0, None,
        "Boulding 1962 (loss-of-strength gradient)", lo_open=True))
    buffer_depth: PairValue = field(default=0.0, metadata=_meta(
        "buffer b[i][j] shielding i from j: one number for every pair or a directed N x N "
        "matrix (diagonal ignored); i feels j's threat and j's offence reaches i times "
        "exp(-b)", "e-folds of the loss-of-strength gradient", 0.0, 50.0,
        "Garver 2001; Boulding 1962"))
    buffer_asymmetry: float = field(default=0.0, metadata=_meta(
        "random asymmetric buffers: in each pair one side (drawn) gets depth uniform in "
        "[0, this], the other none", "e-folds", 0.0, 50.0, "Garver 2001 (herz design for large N)"))

    # --- trajectory outcomes: burn-in (DESIGN.md section 3)
    burn_in: int = field(default=30, metadata=_meta(
        "years before trajectory outcomes are measured", "years", 0, 100000,
        "DESIGN.md 2 rule 1 (start measuring after a burn-in of >= 30 years)"))

    # --- war v2 (world-war)
    contest_exponent: float = field(default=1.0, metadata=_meta(
        "decisiveness g of the contest (phi O)^g / ((phi O)^g + (delta D)^g) (1: ratio form)",
        "exponent", 0.0, 10.0, "Hirshleifer 1989; DESIGN.md 2.5", lo_open=True))
    greedy_value: float = field(default=1.5, metadata=_meta(
        "omega_G: weight a greedy state puts on gains (war's spoils, its share of the status "
        "quo)", "weight", 0.0, 10.0, "DESIGN.md 2.5; Glaser 1997; Kydd 2005 (greedy types)"))
    seeker_value: float = field(default=0.0, metadata=_meta(
        "omega_S: weight a security seeker puts on gains (about 0: it values only not losing)",
        "weight", 0.0, 10.0, "DESIGN.md 2.5; Glaser 1997 (security seekers)"))
    war_transfer: float = field(default=0.2, metadata=_meta(
        "tau: share of the loser's output the winner takes when a war ends (the stake)",
        "share of output", 0.0, 1.0, "Fearon 1995 (the stake); DESIGN.md 2.5-2.6"))
    war_cost_share: float = field(default=0.05, metadata=_meta(
        "c: cost of a war to each side as a share of its own output, as foreseen",
        "share of output", 0.0, 1.0, "Fearon 1995 (c_A, c_B)", per_world=True))
    war_rationality: float = field(default=50.0, metadata=_meta(
        "lambda: slope of the logit P(attack) = Lambda(lambda (U^W - U^P)/Y + alpha_0) "
        "(infinity: the deterministic rule)", "per share of output", 0.0, 1e9,
        "McKelvey & Palfrey 1995 (quantal response); DESIGN.md 2.5"))
    war_intercept: float = field(default=-4.0, metadata=_meta(
        "alpha_0: log-odds of attacking at indifference (inadvertent wars, a tremble)",
        "log-odds", -50.0, 50.0, "DESIGN.md 2.5; Schelling 1960 (war by accident)", per_world=True))
    dispute_cutpoint: float = field(default=2.5, metadata=_meta(
        "kappa: lower cutpoint of the ordered logit, P(dispute or war) = Lambda(z + kappa)",
        "log-odds", 0.0, 50.0, "DESIGN.md 2.5 (militarised disputes, COW MID)", per_world=True))
    fear_depth: int = field(default=2, metadata=_meta(
        "level k of the fear of being attacked first: 0 no fear, 1 the other fears nobody, "
        "2 the other fears me as I think it believes", "level", 0, 2,
        "Schelling 1960 ch. 9 (reciprocal fear of surprise attack); DESIGN.md 2.5"))
    peaceful_change: float = field(default=0.2, metadata=_meta(
        "r: share of the way the status quo moves each year toward the bargaining point",
        "share per year", 0.0, 1.0, "Powell 2006 (war when power shifts outrun change)"))
    prevention_horizon: int = field(default=5, metadata=_meta(
        "H: years ahead a state projects the fall of its power (0: no prevention term)",
        "years", 0, 50, "Fearon 1995; Levy 1987 (preventive motivation)"))
    prevention_discount: float = field(default=0.9, metadata=_meta(
        "b: yearly discount of future losses of power in the prevention term", "per year",
        0.0, 1.0, "Fearon 1995 (preventive war as a commitment problem)"))
    war_end_base: float = field(default=0.4, metadata=_meta(
        "h0: yearly hazard that an even war ends", "per year", 0.0, 1.0,
        "Bennett & Stam 1996 (war duration)", lo_open=True))
    war_end_slope: float = field(default=1.0, metadata=_meta(
        "h1: extra yearly hazard per unit of |p - 1/2| (lopsided wars end sooner)", "per year",
        0.0, 10.0, "Slantchev 2004; Bennett & Stam 1996"))
    war_output_destruction: float = field(default=0.05, metadata=_meta(
        "share of each participant's output destroyed per year of war", "share per year",
        0.0, 1.0, "Organski & Kugler 1977 (costs of major wars)"))
    war_arms_destruction: float = field(default=0.2, metadata=_meta(
        "share of each participant's offence and defence destroyed per year of war",
        "share per year", 0.0, 1.0, "DESIGN.md 2.6"))
    death_threshold: float = field(default=0.1, metadata=_meta(
        "y_min: a state dies when its output falls below this share of the mean output",
        "share of mean output", 0.0, 1.0, "DESIGN.md 2.6; Fazal 2007 (state death)"))
    war_weariness: float = field(default=1.0, metadata=_meta(
        "psi: log-odds of attacking lost per unit of war-weariness W", "log-odds", 0.0, 50.0,
        "Levy & Morgan 1986 (war-weariness hypothesis)"))
    weariness_decay: float = field(default=0.8, metadata=_meta(
        "rho: share of war-weariness kept each year, W <- rho W + 1[at war]", "per year",
        0.0, 1.0, "Levy & Morgan 1986"))
    regime_change: float = field(default=0.3, metadata=_meta(
        "r_reg: probability that a war's loser has its regime (type) redrawn", "probability",
        0.0, 1.0, "Bueno de Mesquita, Siverson & Woller 1992 (war and the fate of regimes)"))
    balancing_rationality: float = field(default=2.0, metadata=_meta(
        "lambda_b: slope of P(join the defender) = Lambda(alpha_b + lambda_b threat), threat "
        "= mu Y_attacker / mean Y", "per unit of threat", 0.0, 1e3,
        "Walt 1987 (balance of threat); checked against ATOP (Leeds et al. 2002)"))
    balancing_intercept: float = field(default=-4.0, metadata=_meta(
        "alpha_b: log-odds that a third party joins the defender at zero threat", "log-odds",
        -50.0, 50.0, "Walt 1987 (balancing, not bandwagoning)"))

    # --- trajectory outcomes (world-outcomes)
    race_years: int = field(default=3, metadata=_meta(
        "k: years in a row both states' spending must grow by race_growth to count as a race",
        "years", 1, 50, "Wallace 1979; Diehl 1983; Gibler, Rider & Hutchison 2005 (mutual "
        "military build-up); DESIGN.md 3"))
    race_growth: float = field(default=0.08, metadata=_meta(
        "g_r: least yearly spending growth of both states in a race", "share per year", 0.0,
        None, "Diehl 1983; Gibler, Rider & Hutchison 2005 (8% a year)"))
    entry_trust_fall: float = field(default=0.10, metadata=_meta(
        "x: least fall of the pair's mean mutual trust over the race window at entry",
        "probability", 0.0, 1.0, "DESIGN.md 3 (the dilemma of interpretation: Booth & "
        "Wheeler 2008)"))
    exit_years: int = field(default=10, metadata=_meta(
        "m: years of an exit's window (no dispute, spending below the cap, trust back, a "
        "steady burden)", "years", 1, 200, "DESIGN.md 3"))
    exit_growth_band: float = field(default=0.02, metadata=_meta(
        "largest absolute mean yearly log growth of each state's military burden (spending "
        "over B Y) over the exit window (exit_growth_reading 'yearly': in every year)",
        "log share per year", 0.0, None, "DESIGN.md 3; docs/background/outcomes.md"))
    exit_cap_share: float = field(default=0.95, metadata=_meta(
        "spending must stay below this share of the budget cap B Y in every year of the "
        "exit window (a race held at the ceiling is no exit)", "share", 0.0, 1.0,
        "DESIGN.md 0 and 3"))
    exit_trust: float = field(default=0.7, metadata=_meta(
        "least mean mutual trust of the exit window (or the pre-entry trust if higher)",
        "probability", 0.0, 1.0, "DESIGN.md 3"))
    exit_growth_reading: GrowthReading = field(default=GrowthReading.TREND, metadata=_meta(
        "how the exit reads the burden's growth: the window's trend or every year's",
        "trend | yearly", source="docs/background/outcomes.md (the record's windows)"))
    exit_trust_reading: TrustReading = field(default=TrustReading.WINDOW_MIN, metadata=_meta(
        "how the exit reads trust against its floor: every year of the window, the window's "
        "mean, or its last year", "window_min | window_mean | final",
        source="docs/background/outcomes.md (sensitivity)"))
    exit_trust_floor: TrustFloor = field(default=TrustFloor.PRE_ENTRY, metadata=_meta(
        "the exit's trust floor: max(pre-entry trust, exit_trust), or exit_trust alone",
        "pre_entry | fixed", source="DESIGN.md 3; docs/background/outcomes.md"))
    transcended_institutions: float = field(default=0.5, metadata=_meta(
        "institution stock I at or above which an exit counts as transcendence", "share",
        0.0, 1.0, "Adler & Barnett 1998; DESIGN.md 3"))
    transcended_identity: float = field(default=0.5, metadata=_meta(
        "identity s at or above which an exit counts as transcendence", "identity", -1.0, 1.0,
        "Wendt 1999 (Kantian culture: s = 0.5); DESIGN.md 3"))
    durable_years: int = field(default=20, metadata=_meta(
        "years without re-entry that make an exit durable", "years", 1, 1000, "DESIGN.md 3"))

    # --- identity and communities (issue 19)
    identity_noise: float = field(default=0.02, metadata=_meta(
        "sigma_s: sd of the identity change in a year with an event in the pair (none without "
        "events)", "identity", 0.0, 1.0, "DESIGN.md 2.9 (stochastic identity change)"))
    identity_greed_weight: float = field(default=0.5, metadata=_meta(
        "lambda_g: how much friendship tames greed: omega_G (1 - lambda_g max(s, 0))", "share",
        0.0, 1.0, "Wendt 1999 (internalised norms); DESIGN.md 2.9"))
    routine_time: float = field(default=20.0, metadata=_meta(
        "years of routine that halve the rate of identity change at ontological_security "
        "0.5", "years", 0.0, None, "Mitzen 2006 (routinised relationships)", lo_open=True))
    routine_band: float = field(default=0.25, metadata=_meta(
        "identity at which a relationship changes kind (friend s >= band, enemy s <= -band); "
        "a change of kind starts a new routine", "identity", 0.0, 1.0, "Mitzen 2006 [D]",
        lo_open=True))
    buildup_evidence: float = field(default=BUILDUP_EVIDENCE, metadata=_meta(
        "c: log-likelihood ratio of greed a year's perceived build-up must exceed to count "
        "as a build-up above a seeker's (weight -min(1, dl / 2c)); default z_{1-alpha}^2 / 2 "
        "= 2.109 for a false-alarm rate alpha = 0.02 per seeker pair-year at any noise level "
        "(Gaussian log-likelihood ratio, worst case over its scale); measured in the "
        "calibrated world: 1.9% of seeker and 34% of greedy pair-years", "log-odds", 0.0, 50.0,
        "Neyman & Pearson 1933 (likelihood-ratio test); DESIGN.md 2.9 [D: alpha = 0.02]",
        lo_open=True))
    institution_growth: float = field(default=0.1, metadata=_meta(
        "r_I: yearly growth of a pair's institution stock at full cooperation, dI = r_I "
        "(1 - I) coop - kappa_I I", "per year", 0.0, 1.0,
        "Keohane 1984; Adler & Barnett 1998 (institutionalisation)"))
    institution_decay: float = field(default=0.02, metadata=_meta(
        "kappa_I: yearly decay of institutions without cooperation", "per year", 0.0, 1.0,
        "Keohane 1984 (institutions persist after their origin) [D]"))
    community_link: float = field(default=0.25, metadata=_meta(
        "institution stock at which two states are members of one community (a community is "
        "a connected group of such pairs)", "share", 0.0, 1.0, "Adler & Barnett 1998",
        lo_open=True))
    community_war_weight: float = field(default=4.0, metadata=_meta(
        "a_w: log-odds of attacking j that i loses per unit of the pair's institutions (war "
        "index minus a_w I)", "log-odds per unit I", 0.0, 20.0,
        "Deutsch 1957; Russett & Oneal 2001; DESIGN.md 2.10"))
    seeded_communities: int = field(default=0, metadata=_meta(
        "communities founded at year 0 at any trust (the Coal and Steel Community): the "
        "states split into this many groups of consecutive index", "count", 0, 1000,
        "Haas 1958; DESIGN.md 2.10"))
    institution_seed: float = field(default=0.5, metadata=_meta(
        "institution stock of the pairs of a seeded community at year 0", "share", 0.0, 1.0,
        "Haas 1958 [D]"))
    bloc_threat: float = field(default=1.0, metadata=_meta(
        "share of a bloc's other members' offence an outsider adds to each member's threat "
        "(the new security dilemma of alliances)", "share", 0.0, 1.0,
        "Snyder 1984 (alliance security dilemma); DESIGN.md 2.10"))

    # --- schedules (technology shocks)
    schedules: Mapping[str, Any] = field(default_factory=Schedules, metadata=_meta(
        "parameters that change during a run: steps {at, to} and ramps {start, end, to}; "
        "schedulable: " + ", ".join(SCHEDULABLE), "table of schedules",
        source="Jervis 1978; Glaser & Kaufmann 1998 (technology shifts the balance)"))

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("schedules", "buffer_depth"):
                continue  # checked below, once the scalars are
            if f.name == "mechanisms":
                if isinstance(value, dict):
                    value = Mechanisms(**value)
                if not isinstance(value, Mechanisms):
                    raise ParameterError(f.name, value, "must be a Mechanisms record or a dict")
                object.__setattr__(self, f.name, value)
                continue
            if isinstance(f.default, enum.Enum):
                enum_type = type(f.default)
                try:
                    object.__setattr__(self, f.name, enum_type(value))
                except ValueError:
                    raise ParameterError(
                        f.name, value, "must be one of " + ", ".join(e.value for e in enum_type)
                    ) from None
                continue
            if isinstance(f.default, bool):
                if not isinstance(value, bool):
                    raise ParameterError(f.name, value, "must be true or false")
                continue
            if isinstance(f.default, int):
                if isinstance(value, bool) or (not isinstance(value, int) and not (
                    isinstance(value, float) and value.is_integer()
                )):
                    raise ParameterError(f.name, value, "must be a whole number")
                value = int(value)
                self._check_range(f, value)
                object.__setattr__(self, f.name, value)
                continue
            if isinstance(value, list | tuple):
                if f.type != "PerState":
                    raise ParameterError(f.name, value, "must be one number")
                if any(isinstance(v, bool) for v in value):
                    raise ParameterError(f.name, value, "must be a number per state")
                try:
                    vals = tuple(float(v) for v in value)
                except (TypeError, ValueError):
                    raise ParameterError(f.name, value, "must be a number per state") from None
                if len(vals) != self.n_states:
                    raise ParameterError(
                        f.name, value, f"must be one number or {self.n_states} (one per state)")
                for v in vals:
                    self._check_range(f, v)
                object.__setattr__(self, f.name, vals)
                continue
            if isinstance(value, bool):  # float(True) is 1.0: a switch is not a number
                raise ParameterError(f.name, value, "must be a number")
            try:
                num = float(value)
            except (TypeError, ValueError):
                raise ParameterError(f.name, value, "must be a number") from None
            self._check_range(f, num)
            object.__setattr__(self, f.name, num)
        object.__setattr__(self, "buffer_depth", self._check_matrix("buffer_depth",
                                                                    self.buffer_depth))
        self._check_schedules()

    def _check_matrix(self, name: str, value: Any) -> PairValue:
        n = self.n_states
        f = next(f for f in dataclasses.fields(self) if f.name == name)
        if hasattr(value, "tolist") and not isinstance(value, str):
            value = value.tolist()  # a NumPy array or scalar
        if isinstance(value, list | tuple) and len(value) == 0:
            return 0.0
        shape_msg = f"must be one number or {n} rows of {n} numbers (a directed matrix)"
        if isinstance(value, int | float) and not isinstance(value, bool):
            num = float(value)
            self._check_range(f, num)
            return num
        if not isinstance(value, list | tuple) or len(value) != n:
            raise ParameterError(name, value, shape_msg)
        rows: list[tuple[float, ...]] = []
        for i, row in enumerate(value):
            if not isinstance(row, list | tuple) or len(row) != n:
                raise ParameterError(name, value, shape_msg)
            out = []
            for j, v in enumerate(row):
                if isinstance(v, bool):
                    raise ParameterError(f"{name}[{i}][{j}]", v, "must be a number")
                try:
                    x = float(v)
                except (TypeError, ValueError):
                    raise ParameterError(f"{name}[{i}][{j}]", v, "must be a number") from None
                if i != j:
                    try:
                        self._check_range(f, x)
                    except ParameterError as exc:
                        raise ParameterError(f"{name}[{i}][{j}]", v, exc.allowed) from None
                out.append(x if i != j else 0.0)
            rows.append(tuple(out))
        return tuple(rows)

    def _check_schedules(self) -> None:
        sch = self.schedules if isinstance(self.schedules, Schedules) else Schedules(
            self.schedules)
        fields = {f.name: f for f in dataclasses.fields(self)}
        for name, s in sch.items():
            for k, to in enumerate(s.targets()):
                try:
                    self._check_range(fields[name], to)
                except ParameterError as exc:
                    where = f"schedules.{name}" + (f"[{k}]" if len(s.changes) > 1 else "")
                    raise ParameterError(where + ".to", to, exc.allowed) from None
        object.__setattr__(self, "schedules", sch)

    def at(self, t: int) -> WorldParams:
        """The parameters in force at step ``t``: every schedule evaluated, none left.

        Without schedules this is ``self``. The values need no new validation: a
        schedule moves between its base and target values, all checked at
        construction, and every allowed range is an interval.
        """
        if not self.schedules:
            return self
        new = copy.copy(self)
        for name, sch in self.schedules.items():
            object.__setattr__(new, name, sch.value_at(t, getattr(self, name)))
        object.__setattr__(new, "schedules", Schedules())
        return new

    @staticmethod
    def _check_range(f: dataclasses.Field[Any], v: float) -> None:
        m = f.metadata
        lo, hi = m["lo"], m["hi"]
        ok = math.isfinite(v)
        if ok and lo is not None:
            ok = v > lo if m["lo_open"] else v >= lo
        if ok and hi is not None:
            ok = v < hi if m["hi_open"] else v <= hi
        if not ok:
            raise ParameterError(f.name, v, "must be " + _range_text(m))

    # ------------------------------------------------------------------ conversion
    def to_dict(self) -> dict[str, Any]:
        """Plain dict (enums as their values, tuples as lists): TOML- and JSON-ready."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, Mechanisms):
                out[f.name] = dataclasses.asdict(v)
            elif isinstance(v, Schedules):
                out[f.name] = v.to_dict()
            elif f.name == "buffer_depth" and isinstance(v, tuple):
                out[f.name] = [list(row) for row in v]
            elif isinstance(v, enum.Enum):
                out[f.name] = v.value
            elif isinstance(v, tuple):
                out[f.name] = list(v)
            else:
                out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorldParams:
        """Build from a plain dict; unknown keys are an error that names them."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ParameterError(unknown[0], data[unknown[0]], "is not a world parameter")
        mech = data.get("mechanisms")
        if isinstance(mech, dict):
            mnames = {f.name for f in dataclasses.fields(Mechanisms)}
            bad = sorted(set(mech) - mnames)
            if bad:
                raise ParameterError(f"mechanisms.{bad[0]}", mech[bad[0]],
                                     "is not a mechanism; mechanisms are " + ", ".join(
                                         sorted(mnames)))
        return cls(**data)

    def replace(self, **changes: Any) -> WorldParams:
        """Return a copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    def per_state(self, name: str) -> tuple[float, ...]:
        """Value of a per-state parameter for every state."""
        v = getattr(self, name)
        return tuple(v) if isinstance(v, tuple) else (float(v),) * self.n_states

    # ------------------------------------------------------------------ per-world values
    def with_world_values(self, values: Mapping[str, ArrayLike]) -> WorldParams:
        """A copy whose fields in ``values`` take one value per world of the batch.

        ``values`` maps names of :data:`PER_WORLD` fields to arrays of one length
        W (the batch's worlds, in order); every value is checked as the field's
        scalar would be (:func:`check_per_world`). The scalar field keeps its
        value (it is what :meth:`to_dict` reports); mechanisms read the
        per-world values through :meth:`world_value` and :meth:`world_array`.
        An empty ``values`` gives a plain copy without per-world values.
        """
        worlds = {len(np.atleast_1d(np.asarray(v))) for v in values.values()}
        if len(worlds) > 1:
            raise ParameterError("per_world", {k: len(np.atleast_1d(np.asarray(v)))
                                               for k, v in values.items()},
                                 "needs one length (the number of worlds) for every field")
        checked = check_per_world(values, worlds.pop() if worlds else 0, self)
        new = copy.copy(self)
        object.__setattr__(new, "_world", MappingProxyType(checked))
        return new

    @property
    def world_values(self) -> dict[str, NDArray[np.float64]]:
        """The per-world values of this record (name -> array over worlds); empty if none."""
        return dict(self._world)

    def world_value(self, name: str, trailing: int = 0) -> Any:
        """The value of ``name`` as mechanisms read it: a float, or an array over worlds.

        A per-world field gives its (W,) array reshaped to (W, 1, ..., 1) with
        ``trailing`` ones, so that it broadcasts over a (W, N) array with
        ``trailing=1`` and over a (W, N, N) one with ``trailing=2``; any other
        field gives ``float(getattr(self, name))``. Elementwise arithmetic with
        either gives the same numbers bit for bit when the values are equal.
        """
        arr = self._world.get(name)
        if arr is None:
            return float(getattr(self, name))
        return arr.reshape((len(arr),) + (1,) * trailing)

    def drawn_p_greedy(self, trailing: int = 0) -> Any:
        """The probability with which types are actually drawn greedy: p_greedy x greedy_draw_scale.

        Read by every draw of a type (:func:`herz.world.state.initial_state`,
        :func:`herz.world.identity.turn_over_types`, a loser's regime change in
        :mod:`herz.world.war`); beliefs read ``p_greedy`` itself. At the default scale 1
        the product is ``p_greedy`` bit for bit (x * 1.0 == x in IEEE arithmetic), a float
        or a (W, 1, ..., 1) array as :meth:`world_value` gives.
        """
        return self.world_value("p_greedy", trailing) * self.world_value("greedy_draw_scale",
                                                                          trailing)

    def world_array(self, name: str, worlds: int) -> NDArray[np.float64]:
        """The value of ``name`` for every world, a contiguous (W,) float array (for kernels)."""
        arr = self._world.get(name)
        if arr is None:
            return np.full(worlds, float(getattr(self, name)))
        if len(arr) != worlds:
            raise ParameterError(f"per_world.{name}", f"{len(arr)} values",
                                 f"must have one value per world ({worlds})")
        return np.ascontiguousarray(arr, dtype=float)

    def world_map(self, name: str, fn: Any, worlds: int) -> NDArray[np.float64]:
        """``fn(value)`` for every world's value of ``name``, (W,): derived scalars per world.

        ``fn`` is the scalar code path applied to each world's value (so that a
        per-world batch and a scalar run compute each world's number the same
        way, bit for bit).
        """
        arr = self._world.get(name)
        if arr is None:
            return np.full(worlds, float(fn(getattr(self, name))))
        return np.array([float(fn(v)) for v in arr.tolist()])

    def world_slice(self, sel: Any) -> WorldParams:
        """A copy of this record with every per-world array cut to ``sel`` (a slice or index array)."""
        if not self._world:
            return self
        new = copy.copy(self)
        object.__setattr__(new, "_world", MappingProxyType(
            {k: np.ascontiguousarray(v[sel]) for k, v in self._world.items()}))
        return new


#: Fields that may take one value per world in a batch (``per_world=True`` in the metadata).
PER_WORLD: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(WorldParams) if f.metadata.get("per_world", False))


def check_per_world(values: Mapping[str, Any], worlds: int,
                    params: WorldParams | None = None) -> dict[str, NDArray[np.float64]]:
    """Check per-world values: name -> a (``worlds``,) float array, or a ParameterError.

    Each name must be a world parameter marked ``per_world`` (:data:`PER_WORLD`),
    each value a one-dimensional sequence of ``worlds`` finite numbers, each
    inside the field's range; a per-world field may not also have a schedule in
    ``params``. A per-state field (``grievance``) takes one value per world for
    all the world's states, so it may not also hold one value per state in
    ``params``. The messages name the field, the value and what is allowed.
    """
    fields = {f.name: f for f in dataclasses.fields(WorldParams)}
    out: dict[str, NDArray[np.float64]] = {}
    if not isinstance(values, Mapping):
        raise ParameterError("per_world", values,
                             "must be a mapping from field names to arrays over worlds")
    for name, value in values.items():
        where = f"per_world.{name}"
        if name not in fields:
            raise ParameterError(where, _short(value), "is not a world parameter; per-world "
                                 "fields are " + ", ".join(PER_WORLD))
        if name not in PER_WORLD:
            raise ParameterError(where, _short(value), "is not a per-world field (one value "
                                 "for every world); per-world fields are " + ", ".join(PER_WORLD))
        if params is not None and name in params.schedules:
            raise ParameterError(where, _short(value), "cannot take per-world values while "
                                 "it has a schedule")
        if params is not None and isinstance(getattr(params, name), tuple):
            raise ParameterError(where, _short(value), "cannot take per-world values while "
                                 "it has one value per state (a per-world value is every "
                                 "state's)")
        if isinstance(value, str | bytes | Mapping):
            raise ParameterError(where, _short(value), f"must be {worlds} numbers (one per world)")
        try:
            arr = np.array(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(where, _short(value),
                                 f"must be {worlds} numbers (one per world)") from None
        if arr.ndim != 1 or len(arr) != worlds or np.asarray(value).dtype == bool:
            raise ParameterError(where, _short(value),
                                 f"must be {worlds} numbers (one per world), not shape "
                                 f"{arr.shape}")
        for k, v in enumerate(arr.tolist()):
            try:
                WorldParams._check_range(fields[name], v)
            except ParameterError as exc:
                raise ParameterError(f"{where}[{k}]", v, exc.allowed) from None
        out[name] = arr
    return out


def _short(value: Any) -> Any:
    """A value as an error message shows it (long arrays cut to their first entries)."""
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, list | tuple) and len(value) > 6:
        return [*list(value[:5]), f"... ({len(value)} values)"]
    return value


def _range_text(m: Mapping[str, Any]) -> str:
    lo, hi = m["lo"], m["hi"]
    if lo is not None and hi is not None:
        return f"in {'(' if m['lo_open'] else '['}{lo:g}, {hi:g}{')' if m['hi_open'] else ']'}"
    if lo is not None:
        return f"{'>' if m['lo_open'] else '>='} {lo:g}"
    if hi is not None:
        return f"{'<' if m['hi_open'] else '<='} {hi:g}"
    return "a finite number"


def params_table(params: WorldParams | None = None) -> list[dict[str, str]]:
    """One row per parameter: name, value, unit, allowed range, meaning, source."""
    p = params or WorldParams()
    rows: list[dict[str, str]] = []
    for f in dataclasses.fields(p):
        v = getattr(p, f.name)
        m = f.metadata
        if isinstance(v, Mechanisms):
            for mf in dataclasses.fields(v):
                rows.append({"name": f"mechanisms.{mf.name}", "value": str(getattr(v, mf.name)),
                             "unit": "switch", "range": "true | false",
                             "meaning": mf.metadata["doc"], "source": mf.metadata["source"]})
            continue
        value = v.value if isinstance(v, enum.Enum) else v
        if isinstance(v, Schedules):
            value = v.to_dict()
        elif f.name == "buffer_depth" and isinstance(v, tuple):
            value = [list(row) for row in v]
        has_range = m["lo"] is not None or m["hi"] is not None
        rows.append({"name": f.name, "value": str(value), "unit": m["unit"],
                     "range": _range_text(m) if has_range else "-",
                     "meaning": m["doc"], "source": m["source"]})
    return rows
