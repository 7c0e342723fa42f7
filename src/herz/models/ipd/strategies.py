"""The strategy library: classic strategies for repeated 2x2 games, with sources.

Each strategy is a small automaton run by a compiled loop over many matches at
once (see :mod:`herz.models.ipd._kernel`): a function of the player's own moves
(as played and as intended), the opponent's moves as this player perceived them,
the turn and one uniform random number per turn. Every strategy carries a
:class:`Classifier` (memory depth, stochastic or not, uses signals or not) and the
sources it comes from. Strategies whose parameters depend on the stage game (GTFT's
generosity, the zero-determinant strategies) compute them for the game being
played.

Status of the citations: the strategy definitions follow the cited sources as
described in the Axelrod-Python library's documentation (Knight et al. 2016) and
in MODELS.md section 4; the original papers were not re-read for this module [R],
except where MODELS.md marks a formula [V] (GTFT's generosity, Joss's vector).
Where herz's rule differs from a library's it says so in the description.

References
----------
Axelrod, R. (1980a). Effective choice in the prisoner's dilemma. *Journal of
Conflict Resolution* 24(1): 3-25. doi:10.1177/002200278002400101.

Axelrod, R. (1980b). More effective choice in the prisoner's dilemma. *Journal of
Conflict Resolution* 24(3): 379-403. doi:10.1177/002200278002400301.

Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books.

Knight, V., Campbell, O., Harper, M. et al. (2016). An open framework for the
reproducible study of the iterated prisoner's dilemma. *Journal of Open Research
Software* 4(1): e35. doi:10.5334/jors.125.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from herz.errors import ParameterError, require_probability
from herz.models.ipd import _kernel as K
from herz.models.ipd.game import PRISONERS_DILEMMA, StageGame, molander_generosity

__all__ = [
    "LIBRARY",
    "Classifier",
    "Strategy",
    "alternator",
    "anti_tit_for_tat",
    "bully",
    "contrite_tit_for_tat",
    "cooperator",
    "cycler",
    "davis",
    "defector",
    "firm_but_fair",
    "generous_tit_for_tat",
    "get",
    "gradual",
    "grim",
    "grit",
    "grofman",
    "grudger",
    "hard_majority",
    "hard_tit_for_tat",
    "joss",
    "memory_one",
    "names",
    "parse_strategy",
    "prober",
    "random_strategy",
    "soft_majority",
    "suspicious_tit_for_tat",
    "tit_for_tat",
    "tit_for_two_tats",
    "two_tits_for_tat",
    "win_stay_lose_shift",
    "zd_extort_2",
    "zd_gtft_2",
]

# --- Sources, one string each, shared by the strategies that use them. ------------------------
AXELROD_1980A = (
    "Axelrod, R. (1980). Effective choice in the prisoner's dilemma. Journal of Conflict "
    "Resolution 24(1): 3-25. doi:10.1177/002200278002400101."
)
AXELROD_1980B = (
    "Axelrod, R. (1980). More effective choice in the prisoner's dilemma. Journal of Conflict "
    "Resolution 24(3): 379-403. doi:10.1177/002200278002400301."
)
AXELROD_1984 = "Axelrod, R. (1984). The Evolution of Cooperation. New York: Basic Books."
KNIGHT_2016 = (
    "Knight, V. et al. (2016). An open framework for the reproducible study of the iterated "
    "prisoner's dilemma. Journal of Open Research Software 4(1): e35. doi:10.5334/jors.125."
)
MOLANDER_1985 = (
    "Molander, P. (1985). The optimal level of generosity in a selfish, uncertain environment. "
    "Journal of Conflict Resolution 29(4): 611-618. doi:10.1177/0022002785029004004."
)
NOWAK_SIGMUND_1992 = (
    "Nowak, M. A. and Sigmund, K. (1992). Tit for tat in heterogeneous populations. Nature 355: "
    "250-253. doi:10.1038/355250a0."
)
NOWAK_SIGMUND_1993 = (
    "Nowak, M. A. and Sigmund, K. (1993). A strategy of win-stay, lose-shift that outperforms "
    "tit-for-tat in the Prisoner's Dilemma game. Nature 364: 56-58. doi:10.1038/364056a0."
)
KRAINES_1989 = (
    "Kraines, D. and Kraines, V. (1989). Pavlov and the prisoner's dilemma. Theory and Decision "
    "26: 47-79."
)
BEAUFILS_1996 = (
    "Beaufils, B., Delahaye, J.-P. and Mathieu, P. (1996). Our meeting with gradual: a good "
    "strategy for the iterated prisoner's dilemma. Proceedings of Artificial Life V: 202-209."
)
FRIEDMAN_1971 = (
    "Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. Review of Economic "
    "Studies 38(1): 1-12. doi:10.2307/2296617."
)
BOYD_1989 = (
    "Boyd, R. (1989). Mistakes allow evolutionary stability in the repeated prisoner's dilemma "
    "game. Journal of Theoretical Biology 136(1): 47-56."
)
SUGDEN_1986 = (
    "Sugden, R. (1986). The Economics of Rights, Co-operation and Welfare. Oxford: Blackwell."
)
WU_AXELROD_1995 = (
    "Wu, J. and Axelrod, R. (1995). How to cope with noise in the iterated prisoner's dilemma. "
    "Journal of Conflict Resolution 39(1): 183-189. doi:10.1177/0022002795039001008."
)
OSGOOD_1962 = (
    "Osgood, C. E. (1962). An Alternative to War or Surrender. Urbana: University of Illinois "
    "Press."
)
LINDSKOLD_1978 = (
    "Lindskold, S. (1978). Trust development, the GRIT proposal, and the effects of conciliatory "
    "acts on conflict and cooperation. Psychological Bulletin 85(4): 772-793."
)
FREAN_1994 = (
    "Frean, M. R. (1994). The prisoner's dilemma without synchrony. Proceedings of the Royal "
    "Society B 257(1348): 75-79."
)
HILBE_2013 = (
    "Hilbe, C., Nowak, M. A. and Sigmund, K. (2013). Evolution of extortion in Iterated "
    "Prisoner's Dilemma games. PNAS 110(17): 6913-6918. doi:10.1073/pnas.1214834110."
)
PRESS_DYSON_2012 = (
    "Press, W. H. and Dyson, F. J. (2012). Iterated Prisoner's Dilemma contains strategies that "
    "dominate any evolutionary opponent. PNAS 109(26): 10409-10413. doi:10.1073/pnas.1206569109."
)
STEWART_PLOTKIN_2012 = (
    "Stewart, A. J. and Plotkin, J. B. (2012). Extortion and cooperation in the Prisoner's "
    "Dilemma. PNAS 109(26): 10134-10135. doi:10.1073/pnas.1208087109."
)
NOWAK_1990 = (
    "Nowak, M. (1990). Stochastic strategies in the prisoner's dilemma. Theoretical Population "
    "Biology 38(1): 93-112."
)
LI_2011 = (
    "Li, J., Hingston, P. and Kendall, G. (2011). Engineering design of strategies for winning "
    "iterated prisoner's dilemma competitions. IEEE Transactions on Computational Intelligence "
    "and AI in Games 3(4): 348-360."
)
MITTAL_2009 = (
    "Mittal, S. and Deb, K. (2009). Optimal strategies of the iterated prisoner's dilemma "
    "problem for multiple conflicting objectives. IEEE Transactions on Evolutionary Computation "
    "13(3): 554-565."
)


@dataclass(frozen=True)
class Classifier:
    """What kind of strategy this is.

    Attributes
    ----------
    memory_depth : how many past rounds the move can depend on (``math.inf`` if unbounded).
    stochastic : whether the strategy itself randomises (noise aside).
    uses_signals : whether it reads anything besides the observed moves, such as
        its own intentions (a private signal of its own errors).
    game_dependent : whether its parameters are computed from the stage game.
    """

    memory_depth: float
    stochastic: bool
    uses_signals: bool = False
    game_dependent: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the classifier as a plain dict (like the Axelrod library's)."""
        return {
            "memory_depth": self.memory_depth,
            "stochastic": self.stochastic,
            "uses_signals": self.uses_signals,
            "game_dependent": self.game_dependent,
        }


@dataclass(frozen=True)
class ParamRule:
    """Parameters computed from the stage game: ``function(*args, game)``.

    A value (compared and hashed by its fields), so two strategies built the same
    way are equal.
    """

    function: Callable[..., tuple[float, ...]]
    args: tuple[Any, ...] = ()

    def __call__(self, game: StageGame) -> tuple[float, ...]:
        return self.function(*self.args, game)


@dataclass(frozen=True)
class Strategy:
    """A strategy of the library: an automaton code, its parameters, classifier and sources.

    Strategies are immutable values: :meth:`clone` returns an equal copy and every
    match starts the automaton from a fresh state, so one object can play any number
    of matches at once. Parameters that depend on the stage game come from
    ``rule(game)``; :meth:`parameters` returns the vector the engine uses.
    """

    name: str
    code: int
    params: tuple[float, ...]
    classifier: Classifier
    references: tuple[str, ...]
    description: str = ""
    rule: ParamRule | None = field(default=None, compare=True)

    def parameters(self, game: StageGame = PRISONERS_DILEMMA) -> NDArray[np.float64]:
        """The parameter vector (length ``PARAM_SLOTS``) for ``game``."""
        values = self.rule(game) if self.rule is not None else self.params
        out = np.zeros(K.PARAM_SLOTS, dtype=float)
        out[: len(values)] = values
        return out

    def four_vector(self, game: StageGame = PRISONERS_DILEMMA) -> tuple[float, float, float, float]:
        """Cooperation probabilities after CC, CD, DC, DD (memory-one strategies only)."""
        if self.code != K.MEMORY_ONE:
            raise ParameterError("strategy", self.name, "is not a memory-one strategy")
        p = self.parameters(game)
        return (float(p[0]), float(p[1]), float(p[2]), float(p[3]))

    def first_move(self, game: StageGame = PRISONERS_DILEMMA) -> float:
        """Probability of cooperating in the first round (memory-one strategies only)."""
        if self.code != K.MEMORY_ONE:
            raise ParameterError("strategy", self.name, "is not a memory-one strategy")
        return float(self.parameters(game)[4])

    @property
    def is_memory_one(self) -> bool:
        """True for strategies given by a four-vector and a first move."""
        return self.code == K.MEMORY_ONE

    def clone(self) -> Strategy:
        """Return an equal, independent copy (strategies hold no match state)."""
        return replace(self)

    def __str__(self) -> str:
        return self.name


# --- Memory-one strategies -----------------------------------------------------------------


def memory_one(
    p_cc: float,
    p_cd: float,
    p_dc: float,
    p_dd: float,
    first: float = 1.0,
    *,
    name: str | None = None,
    references: Sequence[str] = (NOWAK_1990,),
    description: str = "",
) -> Strategy:
    """A general memory-one strategy: cooperation probabilities after CC, CD, DC, DD.

    The states are the last round from this player's view (own move first);
    ``first`` is the probability of cooperating in round one.

    References
    ----------
    Nowak, M. (1990). Stochastic strategies in the prisoner's dilemma. *Theoretical
    Population Biology* 38(1): 93-112.
    """
    probs = tuple(
        require_probability(f, v)
        for f, v in zip(
            ("p_cc", "p_cd", "p_dc", "p_dd", "first"), (p_cc, p_cd, p_dc, p_dd, first), strict=True
        )
    )
    stochastic = any(0.0 < x < 1.0 for x in probs)
    constant = len(set(probs[:4])) == 1
    depth = 0.0 if constant and probs[4] == probs[0] else 1.0
    label = name or "Memory One: " + ", ".join(f"{x:g}" for x in probs)
    return Strategy(
        label,
        K.MEMORY_ONE,
        probs,
        Classifier(depth, stochastic),
        tuple(references),
        description or "cooperates with the given probability after CC, CD, DC, DD",
    )


def cooperator() -> Strategy:
    """Always cooperate (ALLC)."""
    return memory_one(
        1,
        1,
        1,
        1,
        1,
        name="Cooperator",
        references=(AXELROD_1984,),
        description="always cooperates",
    )


def defector() -> Strategy:
    """Always defect (ALLD)."""
    return memory_one(
        0, 0, 0, 0, 0, name="Defector", references=(AXELROD_1984,), description="always defects"
    )


def tit_for_tat() -> Strategy:
    """Tit For Tat (Rapoport's entry, winner of both of Axelrod's tournaments): (1, 0, 1, 0)."""
    return memory_one(
        1,
        0,
        1,
        0,
        1,
        name="Tit For Tat",
        references=(AXELROD_1980A, AXELROD_1984),
        description="cooperates first, then copies the opponent's last move",
    )


def suspicious_tit_for_tat() -> Strategy:
    """Tit For Tat that opens with a defection."""
    return memory_one(
        1,
        0,
        1,
        0,
        0,
        name="Suspicious Tit For Tat",
        references=(BEAUFILS_1996, HILBE_2013),
        description="defects first, then copies the opponent's last move",
    )


def _gtft_rule(generosity: float | None, game: StageGame) -> tuple[float, ...]:
    q = molander_generosity(game) if generosity is None else generosity
    return (1.0, q, 1.0, q, 1.0)


def generous_tit_for_tat(generosity: float | None = None) -> Strategy:
    """Generous Tit For Tat: (1, q, 1, q); q from Molander's formula when not given.

    References
    ----------
    Molander, P. (1985). *Journal of Conflict Resolution* 29(4): 611-618.
    Nowak, M. A. and Sigmund, K. (1992). *Nature* 355: 250-253.
    """
    if generosity is not None:
        require_probability("generosity", generosity)
    name = "Generous Tit For Tat" + ("" if generosity is None else f": {generosity:g}")
    return Strategy(
        name,
        K.MEMORY_ONE,
        (),
        Classifier(1, True, game_dependent=generosity is None),
        (MOLANDER_1985, NOWAK_SIGMUND_1992),
        "Tit For Tat that forgives a defection with probability q = min(1 - (T-R)/(R-S), "
        "(R-P)/(T-P)) (Molander) unless q is given",
        rule=ParamRule(_gtft_rule, (generosity,)),
    )


def win_stay_lose_shift() -> Strategy:
    """Win-Stay Lose-Shift (Pavlov): (1, 0, 0, 1), cooperates first."""
    return memory_one(
        1,
        0,
        0,
        1,
        1,
        name="Win-Stay Lose-Shift",
        references=(NOWAK_SIGMUND_1993, KRAINES_1989),
        description="repeats its move after R or T, switches after S or P",
    )


def random_strategy(p: float = 0.5) -> Strategy:
    """Cooperate with probability ``p`` every round (Axelrod's RANDOM entry for p = 1/2)."""
    require_probability("p", p)
    s = memory_one(
        p,
        p,
        p,
        p,
        p,
        name="Random" if p == 0.5 else f"Random: {p:g}",
        references=(AXELROD_1980A,),
        description="cooperates with probability p",
    )
    return s


def joss(p: float = 0.9) -> Strategy:
    """Joss: Tit For Tat that cooperates only with probability 0.9 after a cooperation.

    Four-vector (0.9, 0, 0.9, 0) [V: MODELS.md 4.2].
    """
    require_probability("p", p)
    return memory_one(
        p,
        0,
        p,
        0,
        1,
        name="Joss" if p == 0.9 else f"Joss: {p:g}",
        references=(AXELROD_1980A,),
        description="copies a defection; answers a cooperation with C w.p. 0.9",
    )


def grofman() -> Strategy:
    """Grofman (first tournament): C if both made the same move last round, else C w.p. 2/7."""
    return memory_one(
        1,
        2 / 7,
        2 / 7,
        1,
        1,
        name="Grofman",
        references=(AXELROD_1980A, KNIGHT_2016),
        description="cooperates after CC or DD, and with probability 2/7 otherwise",
    )


def firm_but_fair() -> Strategy:
    """Firm But Fair: (1, 0, 1, 2/3)."""
    return memory_one(
        1,
        0,
        1,
        2 / 3,
        1,
        name="Firm But Fair",
        references=(FREAN_1994,),
        description="like TFT but cooperates w.p. 2/3 after mutual defection",
    )


def anti_tit_for_tat() -> Strategy:
    """Anti Tit For Tat: plays the opposite of the opponent's last move, cooperates first."""
    return memory_one(
        0,
        1,
        0,
        1,
        1,
        name="Anti Tit For Tat",
        references=(HILBE_2013,),
        description="plays the opposite of the opponent's last move",
    )


def bully() -> Strategy:
    """Bully (Reverse TFT): the opposite of the opponent's last move, defects first."""
    return memory_one(
        0,
        1,
        0,
        1,
        0,
        name="Bully",
        references=(NOWAK_SIGMUND_1992, KNIGHT_2016),
        description="defects first, then plays the opposite of the opponent's move",
    )


def _zd_rule(phi: float, s: float, baseline: str, game: StageGame) -> tuple[float, ...]:
    R, S, T, P = game.R, game.S, game.T, game.P
    l = P if baseline == "P" else R
    p1 = 1 - phi * (1 - s) * (R - l)
    p2 = 1 - phi * (s * (l - S) + (T - l))
    p3 = phi * ((l - S) + s * (T - l))
    p4 = phi * (1 - s) * (l - P)
    vec = (p1, p2, p3, p4)
    if not all(-1e-12 <= x <= 1 + 1e-12 for x in vec):
        raise ParameterError(
            "payoffs",
            game.as_tuple(),
            "this zero-determinant strategy is not enforceable in this game",
        )
    return (*(min(1.0, max(0.0, x)) for x in vec), 1.0)


def zd_extort_2() -> Strategy:
    """Extort-2: the zero-determinant extortioner with phi = 1/9, slope 1/2, baseline P.

    For 3, 0, 5, 1 the vector is (8/9, 1/2, 1/3, 0).
    """
    return Strategy(
        "ZD-Extort-2",
        K.MEMORY_ONE,
        (),
        Classifier(1, True, game_dependent=True),
        (PRESS_DYSON_2012, STEWART_PLOTKIN_2012, HILBE_2013),
        "enforces s*(own - P) = other - P with s = 1/2 (extortion factor 2)",
        rule=ParamRule(_zd_rule, (1 / 9, 0.5, "P")),
    )


def zd_gtft_2() -> Strategy:
    """ZDGTFT-2: the generous zero-determinant strategy with phi = 1/4, slope 1/2, baseline R.

    For 3, 0, 5, 1 the vector is (1, 1/8, 1, 1/4).
    """
    return Strategy(
        "ZD-GTFT-2",
        K.MEMORY_ONE,
        (),
        Classifier(1, True, game_dependent=True),
        (STEWART_PLOTKIN_2012, HILBE_2013),
        "generous zero-determinant strategy with baseline R and slope 1/2",
        rule=ParamRule(_zd_rule, (0.25, 0.5, "R")),
    )


# --- Strategies with longer memory ----------------------------------------------------------


def alternator() -> Strategy:
    """Alternator: C, then the opposite of its own last move (as played)."""
    return Strategy(
        "Alternator",
        K.ALTERNATOR,
        (),
        Classifier(1, False),
        (AXELROD_1984, KNIGHT_2016),
        "cooperates first, then switches its own last move",
    )


def cycler(pattern: str = "CCD") -> Strategy:
    """Plays a fixed pattern of moves over and over, e.g. ``"CCD"``."""
    text = pattern.upper()
    if not text or set(text) - {"C", "D"} or len(text) > K.PARAM_SLOTS - 1:
        raise ParameterError("pattern", pattern, f"must be 1 to {K.PARAM_SLOTS - 1} letters C or D")
    moves = tuple(0.0 if ch == "C" else 1.0 for ch in text)
    return Strategy(
        f"Cycler {text}",
        K.CYCLER,
        (float(len(text)), *moves),
        Classifier(len(text) - 1, False),
        (KNIGHT_2016,),
        "plays the pattern repeatedly, whatever the opponent does",
    )


def tit_for_two_tats() -> Strategy:
    """Tit For Two Tats: defects only after two consecutive defections of the opponent."""
    return Strategy(
        "Tit For Two Tats",
        K.TIT_FOR_TWO_TATS,
        (),
        Classifier(2, False),
        (AXELROD_1984, AXELROD_1980B),
        "defects only after two defections in a row",
    )


def two_tits_for_tat() -> Strategy:
    """Two Tits For Tat: answers each defection with two defections."""
    return Strategy(
        "Two Tits For Tat",
        K.TWO_TITS_FOR_TAT,
        (),
        Classifier(2, False),
        (AXELROD_1984,),
        "defects if the opponent defected in either of the last two rounds",
    )


def hard_tit_for_tat() -> Strategy:
    """Hard Tit For Tat: defects if the opponent defected in any of the last three rounds."""
    return Strategy(
        "Hard Tit For Tat",
        K.HARD_TIT_FOR_TAT,
        (),
        Classifier(3, False),
        (KNIGHT_2016,),
        "defects if the opponent defected in any of the last three rounds",
    )


def grudger() -> Strategy:
    """Grudger (Friedman's grim trigger): cooperates until the opponent's first defection."""
    return Strategy(
        "Grudger",
        K.GRUDGER,
        (),
        Classifier(math.inf, False),
        (FRIEDMAN_1971, AXELROD_1980A),
        "cooperates until the opponent defects once, then defects for ever",
    )


grim = grudger


def davis(rounds: int = 10) -> Strategy:
    """Davis (first tournament): cooperates for 10 rounds, then plays Grudger."""
    if rounds < 0:
        raise ParameterError("rounds", rounds, "must be >= 0")
    return Strategy(
        "Davis",
        K.DAVIS,
        (float(rounds),),
        Classifier(math.inf, False),
        (AXELROD_1980A, KNIGHT_2016),
        "cooperates for the first 10 rounds, then defects for ever once the opponent "
        "has defected (at any time)",
    )


def soft_majority() -> Strategy:
    """Soft Majority (Go By Majority): cooperates unless the opponent defected more often."""
    return Strategy(
        "Soft Go By Majority",
        K.MAJORITY,
        (1.0,),
        Classifier(math.inf, False),
        (AXELROD_1984, MITTAL_2009),
        "cooperates while the opponent's cooperations are at least its defections",
    )


def hard_majority() -> Strategy:
    """Hard Majority: defects unless the opponent cooperated more often than it defected."""
    return Strategy(
        "Hard Go By Majority",
        K.MAJORITY,
        (0.0,),
        Classifier(math.inf, False),
        (MITTAL_2009,),
        "cooperates only while the opponent's cooperations exceed "
        "its defections (so it defects first)",
    )


def prober() -> Strategy:
    """Prober: D, C, C; defects for ever if the opponent cooperated in rounds 2 and 3, else TFT."""
    return Strategy(
        "Prober",
        K.PROBER,
        (),
        Classifier(math.inf, False),
        (LI_2011, KNIGHT_2016),
        "probes with D, C, C and exploits an opponent that did not retaliate",
    )


def gradual() -> Strategy:
    """Gradual: punishes the n-th defection with n defections, then cooperates twice.

    herz follows the Axelrod library's current ``Gradual`` (the CRISTAL-SMAC
    version): n counts every defection of the opponent so far, including those
    made while Gradual was punishing.
    """
    return Strategy(
        "Gradual",
        K.GRADUAL,
        (),
        Classifier(math.inf, False),
        (BEAUFILS_1996, KNIGHT_2016),
        "answers a defection with as many defections as the opponent has made, "
        "then two cooperations",
    )


def contrite_tit_for_tat() -> Strategy:
    """Contrite Tit For Tat: Tit For Tat that accepts punishment for its own errors.

    Built on Sugden's standing: a player is in good standing after cooperating, or
    after defecting on an opponent in bad standing. Contrite TFT cooperates when it
    is itself in bad standing or the opponent is in good standing, and defects
    otherwise. It knows its intentions: a defection that was meant as a cooperation
    (an implementation error) always puts it in bad standing, so it cooperates next
    and does not answer the retaliation it provoked. Under perception error it
    judges the opponent by what it saw, which is how misperception still starts
    spirals. (The Axelrod library's ``ContriteTitForTat`` is a different rule, so
    the two are not compared in the cross-check.)
    """
    return Strategy(
        "Contrite Tit For Tat",
        K.CONTRITE,
        (),
        Classifier(math.inf, False, True),
        (SUGDEN_1986, BOYD_1989, WU_AXELROD_1995),
        "TFT with standing: cooperates after its own mistakes",
    )


def grit(patience: int = 2, initiative: int = 2) -> Strategy:
    """GRIT: graduated reciprocation in tension-reduction (Osgood), a herz formalisation.

    Opens with a conciliatory initiative of ``initiative`` cooperations, carried out
    whatever the opponent does (Osgood's initiatives are announced and continued
    even when not reciprocated); then reciprocates the opponent's last move, which
    answers exploitation with one defection for each defection, firm but never
    escalating. After ``patience`` consecutive rounds of mutual defection it launches
    a new initiative. The parameters are herz's, not Osgood's (he gave no numbers).
    """
    if patience < 1 or initiative < 1:
        raise ParameterError("patience/initiative", (patience, initiative), "must both be >= 1")
    name = "GRIT" if (patience, initiative) == (2, 2) else f"GRIT: {patience}, {initiative}"
    return Strategy(
        name,
        K.GRIT,
        (float(patience), float(initiative)),
        Classifier(math.inf, False),
        (OSGOOD_1962, LINDSKOLD_1978),
        "unilateral conciliatory initiatives continued despite non-reciprocation, "
        "one-for-one retaliation, renewed initiatives after mutual defection",
    )


#: Name -> constructor of every strategy in the library (defaults).
LIBRARY: dict[str, Callable[[], Strategy]] = {
    "Cooperator": cooperator,
    "Defector": defector,
    "Tit For Tat": tit_for_tat,
    "Generous Tit For Tat": generous_tit_for_tat,
    "Suspicious Tit For Tat": suspicious_tit_for_tat,
    "Tit For Two Tats": tit_for_two_tats,
    "Two Tits For Tat": two_tits_for_tat,
    "Hard Tit For Tat": hard_tit_for_tat,
    "Grudger": grudger,
    "Win-Stay Lose-Shift": win_stay_lose_shift,
    "Random": random_strategy,
    "Alternator": alternator,
    "Cycler CCD": cycler,
    "Prober": prober,
    "Gradual": gradual,
    "Joss": joss,
    "Grofman": grofman,
    "Davis": davis,
    "Contrite Tit For Tat": contrite_tit_for_tat,
    "GRIT": grit,
    "Firm But Fair": firm_but_fair,
    "Anti Tit For Tat": anti_tit_for_tat,
    "Bully": bully,
    "Soft Go By Majority": soft_majority,
    "Hard Go By Majority": hard_majority,
    "ZD-Extort-2": zd_extort_2,
    "ZD-GTFT-2": zd_gtft_2,
}

_ALIASES = {
    "allc": "Cooperator",
    "alld": "Defector",
    "tft": "Tit For Tat",
    "gtft": "Generous Tit For Tat",
    "stft": "Suspicious Tit For Tat",
    "tf2t": "Tit For Two Tats",
    "2tft": "Two Tits For Tat",
    "htft": "Hard Tit For Tat",
    "grim": "Grudger",
    "wsls": "Win-Stay Lose-Shift",
    "pavlov": "Win-Stay Lose-Shift",
    "ctft": "Contrite Tit For Tat",
    "grit": "GRIT",
    "fbf": "Firm But Fair",
    "atft": "Anti Tit For Tat",
    "majority": "Soft Go By Majority",
    "extort2": "ZD-Extort-2",
    "zdgtft2": "ZD-GTFT-2",
    "random": "Random",
}


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def names() -> list[str]:
    """Names of the library's strategies."""
    return list(LIBRARY)


def get(name: str) -> Strategy:
    """The library strategy called ``name`` (case and punctuation ignored; aliases such as tft)."""
    wanted = _key(name)
    for alias, full in _ALIASES.items():
        if _key(alias) == wanted:
            return LIBRARY[full]()
    for full, make in LIBRARY.items():
        if _key(full) == wanted:
            return make()
    raise ParameterError(
        "strategy",
        name,
        "must be one of " + ", ".join(LIBRARY) + " (or four probabilities p_cc,p_cd,p_dc,p_dd)",
    )


def parse_strategy(text: str) -> Strategy:
    """A library name, or four (or five, with the first move) comma-separated probabilities."""
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        try:
            values = [float(_fraction(p)) for p in parts]
        except ValueError:
            raise ParameterError(
                "strategy",
                text,
                "must be a name or 4 probabilities "
                "p_cc,p_cd,p_dc,p_dd (optionally a 5th: the first move)",
            ) from None
        if len(values) not in (4, 5):
            raise ParameterError("strategy", text, "must hold 4 or 5 probabilities")
        return memory_one(*values)
    return get(text)


def _fraction(text: str) -> float:
    if "/" in text:
        num, den = text.split("/", 1)
        return float(num) / float(den)
    return float(text)
