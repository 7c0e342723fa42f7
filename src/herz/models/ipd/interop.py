"""Interoperation with the Axelrod-Python library (optional extra ``herz[axelrod]``).

:func:`from_axelrod` wraps any ``axelrod.Player`` as a herz strategy, so it can
play in herz matches and tournaments beside library strategies (turn by turn in
Python, one axelrod player object per match, noise applied by herz).
:func:`axelrod_tournament` runs a tournament in the axelrod library itself and
returns its per-strategy summary in herz's format, and :func:`compare` sets the two
summaries side by side with a combined confidence interval.

Noise: axelrod's ``noise`` flips intended moves, which is herz's *implementation*
error; axelrod has no perception error. Compare like with like.

References
----------
Knight, V. et al. (2016). An open framework for the reproducible study of the
iterated prisoner's dilemma. *Journal of Open Research Software* 4(1): e35.
doi:10.5334/jors.125.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.models.ipd.game import PRISONERS_DILEMMA, StageGame
from herz.models.ipd.strategies import Classifier
from herz.rng import RngLike, as_generator

__all__ = [
    "EXTENDED_FIELD",
    "SHARED_FIELD",
    "AxelrodStrategy",
    "axelrod_players",
    "axelrod_tournament",
    "compare",
    "from_axelrod",
]

#: herz library name -> axelrod class name, for strategies defined identically in both.
#: The first twelve are the benchmark's field (the 12-strategy round robin of NOTES.md).
SHARED_FIELD: dict[str, str] = {
    "Cooperator": "Cooperator",
    "Defector": "Defector",
    "Tit For Tat": "TitForTat",
    "Generous Tit For Tat": "GTFT",
    "Tit For Two Tats": "TitFor2Tats",
    "Two Tits For Tat": "TwoTitsForTat",
    "Grudger": "Grudger",
    "Win-Stay Lose-Shift": "WinStayLoseShift",
    "Random": "Random",
    "Alternator": "Alternator",
    "Joss": "FirstByJoss",
    "Gradual": "Gradual",
}
EXTENDED_FIELD: dict[str, str] = {
    **SHARED_FIELD,
    "Suspicious Tit For Tat": "SuspiciousTitForTat",
    "Hard Tit For Tat": "HardTitForTat",
    "Prober": "Prober",
    "Firm But Fair": "FirmButFair",
    "Soft Go By Majority": "GoByMajority",
    "Hard Go By Majority": "HardGoByMajority",
    "Cycler CCD": "CyclerCCD",
    "Davis": "FirstByDavis",
    "Grofman": "FirstByGrofman",
    "Anti Tit For Tat": "AntiTitForTat",
    "Bully": "Bully",
    "ZD-Extort-2": "ZDExtort2",
    "ZD-GTFT-2": "ZDGTFT2",
}


def _axl() -> Any:
    try:
        import axelrod
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the axelrod library is not installed: pip install 'herz[axelrod]' "
            "(install torch==2.13.0, the CPU build, first)"
        ) from exc
    return axelrod


def axelrod_players(names: Sequence[str]) -> list[Any]:
    """Fresh axelrod players for herz library names listed in :data:`EXTENDED_FIELD`."""
    axl = _axl()
    out = []
    for name in names:
        if name not in EXTENDED_FIELD:
            raise ParameterError(
                "strategy", name, "has no axelrod twin; known: " + ", ".join(EXTENDED_FIELD)
            )
        out.append(getattr(axl, EXTENDED_FIELD[name])())
    return out


class AxelrodStrategy:
    """An axelrod player adapted to herz's :class:`~herz.models.ipd.engine.ExternalStrategy`."""

    def __init__(
        self, player: Any, game: StageGame = PRISONERS_DILEMMA, turns: int | None = None
    ) -> None:
        axl = _axl()
        if not isinstance(player, axl.Player):
            raise TypeError("not an axelrod Player")
        self._axl = axl
        self.prototype = player
        self.name = str(player)
        self.game = game
        self.turns = -1 if turns is None else int(turns)
        c = player.classifier
        self.classifier = Classifier(
            float(c.get("memory_depth", math.inf)),
            bool(c.get("stochastic", True)),
            uses_signals=bool(c.get("inspects_source") or c.get("manipulates_state")),
        )

    def start(self, n: int, seeds: NDArray[np.int64]) -> dict[str, list[Any]]:
        """One fresh axelrod player and one puppet opponent per match."""
        axl = self._axl
        game = axl.Game(r=self.game.R, s=self.game.S, t=self.game.T, p=self.game.P)
        players, puppets = [], []
        for k in range(n):
            p = self.prototype.clone()
            p.set_seed(int(seeds[k]) % (2**32))
            p.set_match_attributes(length=self.turns, game=game, noise=0)
            puppet = axl.Player()
            players.append(p)
            puppets.append(puppet)
        return {"players": players, "puppets": puppets}

    def step(
        self,
        state: dict[str, list[Any]],
        own: NDArray[np.int8],
        own_int: NDArray[np.int8],
        opp: NDArray[np.int8],
        t: int,
        u: NDArray[np.float64],
    ) -> NDArray[np.int8]:
        """Feed last turn's moves (own as played, the other's as perceived); ask each player."""
        C, D = self._axl.Action.C, self._axl.Action.D
        acts = (C, D)
        out = np.empty(own.shape[0], dtype=np.int8)
        for m, (p, puppet) in enumerate(zip(state["players"], state["puppets"], strict=True)):
            if t > 0:
                a, b = acts[own[m, t - 1]], acts[opp[m, t - 1]]
                p.update_history(a, b)
                puppet.update_history(b, a)
            out[m] = 0 if p.strategy(puppet) == C else 1
        return out

    def __repr__(self) -> str:
        return f"AxelrodStrategy({self.name})"


def from_axelrod(
    player: Any, game: StageGame = PRISONERS_DILEMMA, turns: int | None = None
) -> AxelrodStrategy:
    """Wrap an ``axelrod.Player`` (an instance) so herz can play it."""
    return AxelrodStrategy(player, game=game, turns=turns)


def axelrod_tournament(
    players: Sequence[Any] | Sequence[str],
    *,
    turns: int = 200,
    repetitions: int = 10,
    noise: float = 0.0,
    prob_end: float | None = None,
    game: StageGame = PRISONERS_DILEMMA,
    rng: RngLike = 0,
    confidence: float = 0.95,
    names: Sequence[str] | None = None,
    build_results: bool = True,
) -> pd.DataFrame:
    """Run a tournament in the axelrod library (serially) and summarise it like herz.

    ``players``: axelrod players, or herz names from :data:`EXTENDED_FIELD`. The
    summary has one row per strategy: mean over repetitions of the mean score per
    turn against the other strategies (axelrod's ``normalised_scores``), its sd, se
    and Student-t interval. ``names`` relabels the rows (e.g. with herz names).
    ``rng``: an int is axelrod's seed as is; a Generator or SeedSequence gives one.
    """
    axl = _axl()
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if rng < 0:
            raise ParameterError("rng", rng, "must be an int seed >= 0, a Generator or None")
        seed = int(rng)
    else:
        seed = int(as_generator(rng).integers(0, 2**32))
    if players and isinstance(players[0], str):
        names = [str(p) for p in players] if names is None else names
        players = axelrod_players([str(p) for p in players])
    kwargs: dict[str, Any] = {
        "repetitions": repetitions,
        "noise": noise,
        "seed": seed,
        "game": axl.Game(r=game.R, s=game.S, t=game.T, p=game.P),
    }
    if prob_end is None:
        kwargs["turns"] = turns
    else:
        kwargs["prob_end"] = prob_end
    t = axl.Tournament(list(players), **kwargs)
    rs = t.play(processes=None, progress_bar=False, build_results=build_results)
    scores = np.asarray(rs.normalised_scores, dtype=float)
    labels = list(names) if names is not None else [str(p) for p in players]
    return summarise(labels, scores, confidence)


def summarise(
    names: Sequence[str], per_rep: NDArray[np.float64], confidence: float = 0.95
) -> pd.DataFrame:
    """Summary table (herz's columns) from per-repetition scores (strategies, repetitions)."""
    r = per_rep.shape[1]
    mean = per_rep.mean(axis=1)
    sd = per_rep.std(axis=1, ddof=1) if r > 1 else np.full(len(mean), np.nan)
    se = sd / math.sqrt(r)
    tq = float(scipy.stats.t.ppf(0.5 + confidence / 2, r - 1)) if r > 1 else math.nan
    df = pd.DataFrame(
        {
            "strategy": list(names),
            "mean_score_per_turn": mean,
            "sd": sd,
            "se": se,
            "ci_low": mean - tq * se,
            "ci_high": mean + tq * se,
        }
    )
    df = df.sort_values("mean_score_per_turn", ascending=False, kind="stable").reset_index(
        drop=True
    )
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


def compare(
    herz_summary: pd.DataFrame,
    axelrod_summary: pd.DataFrame,
    confidence: float = 0.99,
    repetitions: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Both libraries' mean scores per strategy with a combined confidence interval.

    ``half_width = q * sqrt(se_herz^2 + se_axelrod^2)`` with q the normal quantile,
    or, when the numbers of ``repetitions`` behind the two standard errors are given,
    the Student-t quantile with Welch-Satterthwaite degrees of freedom (the standard
    errors are then estimates from few repetitions). ``agree`` is true when the
    difference lies within it (a difference of exactly 0 agrees even when both
    standard errors are 0, as for deterministic fields).
    """
    h = herz_summary.set_index("strategy")
    a = axelrod_summary.set_index("strategy")
    missing = set(h.index) ^ set(a.index)
    if missing:
        raise ParameterError("strategies", sorted(missing), "must appear in both summaries")
    out = pd.DataFrame(
        {
            "herz": h["mean_score_per_turn"],
            "axelrod": a["mean_score_per_turn"].reindex(h.index),
            "se_herz": h["se"].fillna(0.0),
            "se_axelrod": a["se"].reindex(h.index).fillna(0.0),
            "rank_herz": h["rank"],
            "rank_axelrod": a["rank"].reindex(h.index),
        }
    )
    out["difference"] = out["herz"] - out["axelrod"]
    var_h, var_a = out["se_herz"] ** 2, out["se_axelrod"] ** 2
    if repetitions is None:
        q = np.full(len(out), float(scipy.stats.norm.ppf(0.5 + confidence / 2)))
    else:
        nh, na = repetitions
        denom = var_h**2 / max(1, nh - 1) + var_a**2 / max(1, na - 1)
        df = np.where(denom > 0, (var_h + var_a) ** 2 / np.where(denom > 0, denom, 1.0), 1e9)
        q = scipy.stats.t.ppf(0.5 + confidence / 2, df)
    out["half_width"] = q * np.sqrt(var_h + var_a)
    out["agree"] = out["difference"].abs() <= out["half_width"] + 1e-9
    return out.reset_index()


def rank_disagreements(
    herz_summary: pd.DataFrame, axelrod_summary: pd.DataFrame, confidence: float = 0.99
) -> list[tuple[str, str]]:
    """Pairs ordered differently by the two libraries where neither order is a statistical tie.

    A pair (i, j) counts when herz puts i above j and axelrod j above i, and in at
    least one library the gap is significant and in the other it is too (both
    differences outside ``z * sqrt(se_i^2 + se_j^2)``).
    """
    z = float(scipy.stats.norm.ppf(0.5 + confidence / 2))
    h = herz_summary.set_index("strategy")
    a = axelrod_summary.set_index("strategy")
    names = list(h.index)
    bad = []

    def sig(df: pd.DataFrame, i: str, j: str) -> int:
        means = df["mean_score_per_turn"].astype(float)
        ses = df["se"].astype(float).fillna(0.0)
        d = float(means[i]) - float(means[j])
        se = math.sqrt(float(ses[i]) ** 2 + float(ses[j]) ** 2)
        if abs(d) <= z * se + 1e-9:
            return 0
        return 1 if d > 0 else -1

    for k, i in enumerate(names):
        for j in names[k + 1 :]:
            sh, sa = sig(h, i, j), sig(a, i, j)
            if sh * sa < 0:
                bad.append((i, j))
    return bad
