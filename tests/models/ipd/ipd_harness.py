"""The shared behaviour harness that every strategy's test class inherits.

Each strategy test sets ``make`` (a constructor), ``expected_classifier`` and
``scripted`` (pairs of the opponent's moves and the strategy's expected replies,
written out by hand from the strategy's definition). The harness then checks seed
reproducibility, cloning, classifier consistency, scripted responses, and that the
compiled engine and the turn-by-turn path play the same moves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from herz.models.ipd import Noise, Strategy, play_batch, play_match
from herz.models.ipd.strategies import Classifier, cycler, random_strategy


class Scripted:
    """An opponent that plays a fixed list of moves (turn by turn, no randomness)."""

    classifier = Classifier(0, False)

    def __init__(self, moves: str) -> None:
        self.moves = np.array([0 if ch == "C" else 1 for ch in moves], dtype=np.int8)
        self.name = f"Scripted {moves}"

    def start(self, n: int, seeds: np.ndarray) -> None:
        return None

    def step(
        self,
        state: Any,
        own: np.ndarray,
        own_int: np.ndarray,
        opp: np.ndarray,
        t: int,
        u: np.ndarray,
    ) -> np.ndarray:
        return np.full(own.shape[0], self.moves[t], dtype=np.int8)


class UniformRandom:
    """Random(p) played turn by turn from the engine's strategy draws (as the library's is)."""

    classifier = Classifier(0, True)

    def __init__(self, p: float = 0.5) -> None:
        self.p = p
        self.name = f"External Random {p}"

    def start(self, n: int, seeds: np.ndarray) -> None:
        return None

    def step(
        self,
        state: Any,
        own: np.ndarray,
        own_int: np.ndarray,
        opp: np.ndarray,
        t: int,
        u: np.ndarray,
    ) -> np.ndarray:
        return (u >= self.p).astype(np.int8)


def moves(text: str) -> list[int]:
    return [0 if ch == "C" else 1 for ch in text]


class StrategyHarness:
    make: ClassVar[Callable[[], Strategy]]
    expected_classifier: ClassVar[dict[str, Any]]
    scripted: ClassVar[list[tuple[str, str]]] = []

    def strategy(self) -> Strategy:
        return type(self).make()

    # -- seed reproducibility ------------------------------------------------------------
    def test_same_seed_same_match(self) -> None:
        s = self.strategy()
        noise = Noise(0.1, 0.1)
        a = play_match(s, random_strategy(), turns=120, noise=noise, rng=11)
        b = play_match(s, random_strategy(), turns=120, noise=noise, rng=11)
        np.testing.assert_array_equal(a.moves, b.moves)
        np.testing.assert_array_equal(a.seen, b.seen)
        assert a.scores == b.scores

    def test_match_does_not_depend_on_batch(self) -> None:
        s = self.strategy()
        noise = Noise(0.05, 0.05)
        alone = play_match(s, random_strategy(), turns=80, noise=noise, rng=5, index=3)
        batch = play_batch(
            [(s, "Defector")] * 3 + [(s, random_strategy())] + [(s, "TFT")] * 2,
            rng=5,
            noise=noise,
            turns=80,
        )
        assert batch.moves1 is not None and batch.moves2 is not None
        np.testing.assert_array_equal(batch.moves1[3], alone.moves[0])
        np.testing.assert_array_equal(batch.moves2[3], alone.moves[1])

    # -- cloning -------------------------------------------------------------------------
    def test_clone_is_equal_and_plays_the_same(self) -> None:
        s = self.strategy()
        c = s.clone()
        assert c == s and c is not s and hash(c) == hash(s)
        a = play_match(s, random_strategy(), turns=60, noise=Noise(0.1), rng=2)
        b = play_match(c, random_strategy(), turns=60, noise=Noise(0.1), rng=2)
        np.testing.assert_array_equal(a.moves, b.moves)

    # -- classifier ----------------------------------------------------------------------
    def test_classifier_matches_expected(self) -> None:
        c = self.strategy().classifier
        for key, value in self.expected_classifier.items():
            assert c.to_dict()[key] == value, key

    def test_classifier_is_consistent_with_play(self) -> None:
        s = self.strategy()
        c = s.classifier
        assert isinstance(c.stochastic, bool) and c.memory_depth >= 0
        opponent = cycler("CDDCDDD")
        runs = [play_match(s, opponent, turns=150, rng=k).moves[0] for k in range(6)]
        same = all(np.array_equal(runs[0], r) for r in runs[1:])
        # Deterministic strategies play the same whatever the seed; stochastic ones do not.
        assert same != c.stochastic
        if c.memory_depth == 0:  # the opponent's moves cannot matter
            x = play_match(s, "Cooperator", turns=50, rng=1).moves[0]
            y = play_match(s, "Defector", turns=50, rng=1).moves[0]
            np.testing.assert_array_equal(x, y)
        assert s.is_memory_one == (s.code == 0)
        if s.is_memory_one:
            assert c.memory_depth <= 1
            v = s.four_vector()
            assert len(v) == 4 and all(0.0 <= p <= 1.0 for p in v)

    # -- scripted responses ----------------------------------------------------------------
    def test_scripted_responses(self) -> None:
        s = self.strategy()
        for opponent, expected in self.scripted:
            m = play_match(s, Scripted(opponent), turns=len(opponent), rng=0)
            got = "".join("CD"[x] for x in m.moves[0])
            assert got == expected, f"against {opponent}: {got} != {expected}"

    # -- the compiled loop and the turn-by-turn path agree -----------------------------------
    def test_compiled_and_python_paths_agree(self) -> None:
        s = self.strategy()
        noise = Noise((0.05, 0.1), (0.08, 0.02))
        fast = play_batch([(s, random_strategy(0.4))] * 4, rng=9, noise=noise, turns=90)
        slow = play_batch([(s, UniformRandom(0.4))] * 4, rng=9, noise=noise, turns=90)
        for name in ("moves1", "moves2", "seen1", "seen2"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name))
        np.testing.assert_allclose(fast.scores, slow.scores)
