"""Cross-check against the Axelrod-Python library (a test dependency; importing it takes ~10 s).

- the memory-one strategies have the same four-vectors in both libraries;
- deterministic strategies play move for move the same matches, with no noise and,
  through the interop wrapper, under herz's noise;
- whole tournaments of the shared field, with and without noise, give mean scores
  per turn that agree within the combined 99% confidence interval, and rankings that
  agree except for statistical ties.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from herz.models.ipd import Noise, play_match, tournament
from herz.models.ipd import strategies as S
from herz.models.ipd.interop import (
    EXTENDED_FIELD,
    SHARED_FIELD,
    axelrod_players,
    axelrod_tournament,
    compare,
    from_axelrod,
    rank_disagreements,
)


@pytest.fixture(scope="module")
def axl():  # type: ignore[no-untyped-def]
    return pytest.importorskip("axelrod")


def test_version_is_pinned_by_the_tests(axl) -> None:  # type: ignore[no-untyped-def]
    # The Joss, Davis and Grofman definitions below are those of axelrod 4.x.
    assert axl.__version__.split(".")[0] == "4"


def test_memory_one_vectors_agree(axl) -> None:  # type: ignore[no-untyped-def]
    C, D = axl.Action.C, axl.Action.D
    checked = 0
    for name, player in zip(EXTENDED_FIELD, axelrod_players(list(EXTENDED_FIELD)), strict=True):
        if not hasattr(player, "_four_vector") and not isinstance(player, axl.MemoryOnePlayer):
            continue
        player.set_match_attributes(length=200, game=axl.Game(), noise=0)
        fv = player._four_vector
        theirs = (fv[(C, C)], fv[(C, D)], fv[(D, C)], fv[(D, D)])
        np.testing.assert_allclose(S.get(name).four_vector(), theirs, atol=1e-12, err_msg=name)
        checked += 1
    assert checked >= 5  # GTFT, Joss, Firm But Fair, ZD-Extort-2, ZD-GTFT-2


DETERMINISTIC = [n for n in EXTENDED_FIELD if not S.get(n).classifier.stochastic]


def _text(actions: list) -> str:  # type: ignore[type-arg]
    return "".join(str(a) for a in actions)


def test_deterministic_matches_agree_move_for_move(axl) -> None:  # type: ignore[no-untyped-def]
    assert len(DETERMINISTIC) >= 10
    for a, b in itertools.combinations_with_replacement(DETERMINISTIC, 2):
        pa, pb = axelrod_players([a, b])
        inter = axl.Match((pa, pb), turns=30, seed=1).play()
        m = play_match(a, b, turns=30)
        assert _text([x for x, _ in inter]) == m.moves_text()[0], (a, b)
        assert _text([y for _, y in inter]) == m.moves_text()[1], (a, b)


def test_wrapped_axelrod_players_play_like_their_twins_under_noise(axl) -> None:  # type: ignore[no-untyped-def]
    noise = Noise(0.1, 0.05)
    for name in DETERMINISTIC:
        (player,) = axelrod_players([name])
        twin = play_match(name, S.random_strategy(), turns=100, noise=noise, rng=3)
        wrapped = play_match(
            from_axelrod(player, turns=100), S.random_strategy(), turns=100, noise=noise, rng=3
        )
        np.testing.assert_array_equal(twin.moves, wrapped.moves, err_msg=name)


def test_axelrod_players_in_a_herz_tournament(axl) -> None:  # type: ignore[no-untyped-def]
    field = ["TFT", "ALLD", "WSLS"]
    mixed = tournament([*field, from_axelrod(axl.Grudger())], turns=50, repetitions=2, rng=0)
    pure = tournament([*field, "Grudger"], turns=50, repetitions=2, rng=0)
    np.testing.assert_array_equal(mixed.payoff_matrix().to_numpy(), pure.payoff_matrix().to_numpy())


def _cross_check(names: list[str], turns: int, repetitions: int, noise: float, seed: int) -> None:
    theirs = axelrod_tournament(names, turns=turns, repetitions=repetitions, noise=noise, rng=seed)
    ours = tournament(
        names, turns=turns, repetitions=repetitions, noise=Noise(noise), rng=seed
    ).summary()
    table = compare(ours, theirs, confidence=0.99, repetitions=(repetitions, repetitions))
    assert table["agree"].all(), table[~table["agree"]].to_string()
    assert rank_disagreements(ours, theirs, confidence=0.99) == []


def test_tournament_without_noise_agrees(axl) -> None:  # type: ignore[no-untyped-def]
    _cross_check(list(EXTENDED_FIELD), turns=100, repetitions=10, noise=0.0, seed=1)


def test_tournament_with_noise_agrees(axl) -> None:  # type: ignore[no-untyped-def]
    _cross_check(list(SHARED_FIELD), turns=200, repetitions=10, noise=0.05, seed=2)
