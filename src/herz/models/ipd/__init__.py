"""Repeated play under misperception: iterated 2x2 games, strategies, tournaments, evolution.

The engine plays any symmetric 2x2 stage game (prisoner's dilemma, stag hunt,
chicken) repeatedly between strategies of a library of classic strategies, under
two kinds of noise kept apart: implementation error (a state means to cooperate and
defects) and perception error (a state cooperates and the other sees a defection:
the security dilemma's misperception). Matches run many at a time in a compiled
loop, each from its own random stream spawned from the tournament seed.

Modules: :mod:`~herz.models.ipd.game` (stage games, noise, thresholds),
:mod:`~herz.models.ipd.strategies` (the library), :mod:`~herz.models.ipd.engine`
(matches), :mod:`~herz.models.ipd.tournament` (round robins),
:mod:`~herz.models.ipd.markov` (exact long-run payoffs of memory-one strategies),
:mod:`~herz.models.ipd.evolution` (Moran process, replicator dynamics) and
:mod:`~herz.models.ipd.interop` (axelrod library players, optional extra).

References
----------
Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books.

Jervis, R. (1976). *Perception and Misperception in International Politics*.
Princeton: Princeton University Press.
"""

from herz.models.ipd.engine import (
    Batch,
    ExternalStrategy,
    MatchResult,
    match_seed,
    play_batch,
    play_indexed,
    play_match,
)
from herz.models.ipd.game import (
    CHICKEN,
    PRISONERS_DILEMMA,
    STAG_HUNT,
    GameKind,
    Noise,
    StageGame,
    molander_generosity,
    tft_stability_threshold,
)
from herz.models.ipd.strategies import LIBRARY, Classifier, Strategy, get, memory_one, names
from herz.models.ipd.tournament import TournamentResult, tournament

__all__ = [
    "CHICKEN",
    "LIBRARY",
    "PRISONERS_DILEMMA",
    "STAG_HUNT",
    "Batch",
    "Classifier",
    "ExternalStrategy",
    "GameKind",
    "MatchResult",
    "Noise",
    "StageGame",
    "Strategy",
    "TournamentResult",
    "get",
    "match_seed",
    "memory_one",
    "molander_generosity",
    "names",
    "play_batch",
    "play_indexed",
    "play_match",
    "tft_stability_threshold",
    "tournament",
]
