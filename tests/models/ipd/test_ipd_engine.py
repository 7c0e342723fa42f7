"""The match engine: seeds, noise kept apart, stage games, determinism across threads."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
from ipd_harness import Scripted

from herz.errors import ParameterError
from herz.models.ipd import (
    CHICKEN,
    STAG_HUNT,
    GameKind,
    Noise,
    StageGame,
    play_batch,
    play_match,
    tournament,
)
from herz.models.ipd import _kernel as K
from herz.rng import child_seed

tournament_module = importlib.import_module("herz.models.ipd.tournament")


@pytest.mark.parametrize("seed", [0, 42, 2**70 + 5, np.random.SeedSequence(7, spawn_key=(3, 1))])
def test_match_keys_are_numpy_child_seeds(seed: int | np.random.SeedSequence) -> None:
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    prefix = K.entropy_prefix(ss)
    for i in (0, 1, 77, 2**33 + 1):
        expected = child_seed(ss, i).generate_state(2, np.uint64)
        np.testing.assert_array_equal(K.match_key(prefix, np.int64(i)), expected)


FIELD = ["TFT", "GTFT", "WSLS", "Random", "Grudger", "Gradual", "CTFT", "GRIT", "Joss"]


def test_tournament_identical_for_any_threads_and_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    kw = {"turns": 60, "repetitions": 4, "noise": Noise(0.05, 0.05), "rng": 99}
    one = tournament(FIELD, threads=1, **kw)
    two = tournament(FIELD, threads=2, **kw)
    monkeypatch.setattr(tournament_module, "CHUNK", 7)
    chunked = tournament(FIELD, progress=True, **kw)
    processes = tournament(FIELD, processes=2, **kw)
    for other in (two, chunked, processes):
        np.testing.assert_array_equal(one.scores, other.scores)
        np.testing.assert_array_equal(one.cooperations, other.cooperations)


def test_any_tournament_match_replays_alone() -> None:
    res = tournament(FIELD, turns=50, repetitions=3, noise=Noise(0.1), rng=5)
    for k in (0, 17, len(res.rows) - 1):
        i, j, _ = res.rows[k]
        m = play_match(FIELD[i], FIELD[j], turns=50, noise=Noise(0.1), rng=5, index=k)
        assert m.scores == tuple(res.scores[k])


def test_different_seeds_give_different_noisy_matches() -> None:
    a = play_match("TFT", "TFT", turns=300, noise=Noise(0.05), rng=1)
    b = play_match("TFT", "TFT", turns=300, noise=Noise(0.05), rng=2)
    assert not np.array_equal(a.moves, b.moves)


def test_implementation_error_flips_moves_at_its_rate() -> None:
    n, e = 50_000, 0.1
    m = play_match("ALLC", "ALLC", turns=n, noise=Noise((e, 0.0)), rng=3)
    assert abs(m.moves[0].mean() - e) < 4 * math.sqrt(e * (1 - e) / n)
    assert m.moves[1].sum() == 0
    # perception is exact: each side sees the moves as played
    np.testing.assert_array_equal(m.seen[1], m.moves[0])


def test_perception_error_changes_what_is_seen_not_what_is_played() -> None:
    n, f = 50_000, 0.2
    m = play_match("ALLC", "ALLD", turns=n, noise=Noise(0.0, (0.0, f)), rng=4)
    assert m.moves[0].sum() == 0 and m.moves[1].sum() == n
    np.testing.assert_array_equal(m.seen[0], m.moves[1])  # player 1 sees right
    wrong = (m.seen[1] != m.moves[0]).mean()  # player 2 misreads at rate f
    assert abs(wrong - f) < 4 * math.sqrt(f * (1 - f) / n)
    assert m.scores == (0.0, 5.0 * n)  # payoffs follow the moves played


def test_misperception_starts_a_spiral_between_tit_for_tats() -> None:
    # One misread cooperation is enough to start the echo: TFT pairs lose cooperation.
    m = play_match("TFT", "TFT", turns=5000, noise=Noise(0.0, 0.01), rng=6)
    assert m.cooperation[0] < 0.6
    calm = play_match("TFT", "TFT", turns=5000, rng=6)
    assert calm.cooperation == (1.0, 1.0)


def test_other_stage_games() -> None:
    assert STAG_HUNT.kind is GameKind.STAG_HUNT
    assert CHICKEN.kind is GameKind.CHICKEN
    assert StageGame().kind is GameKind.PRISONERS_DILEMMA
    m = play_match("ALLC", "ALLD", turns=10, game=CHICKEN)
    assert m.scores == (10 * CHICKEN.S, 10 * CHICKEN.T)
    m = play_match("TFT", "TFT", turns=10, game=STAG_HUNT)
    assert m.scores == (10 * STAG_HUNT.R, 10 * STAG_HUNT.R)


def test_continuation_lengths_are_geometric() -> None:
    w = 0.9
    b = play_batch([("TFT", "TFT")] * 20_000, rng=1, continuation=w, keep_histories=False)
    assert b.lengths.min() >= 1
    mean, sd = 1 / (1 - w), math.sqrt(w) / (1 - w)
    assert abs(b.lengths.mean() - mean) < 4 * sd / math.sqrt(20_000)
    assert abs((b.lengths == 1).mean() - (1 - w)) < 4 * math.sqrt(w * (1 - w) / 20_000)


def test_external_strategies_mix_with_library_ones() -> None:
    b = play_batch([("TFT", Scripted("CDDC")), ("ALLD", "ALLC")], turns=4, rng=0)
    assert b.moves1 is not None
    assert "".join("CD"[x] for x in b.moves1[0]) == "CCDD"
    assert tuple(b.scores[1]) == (20.0, 0.0)


def test_bad_inputs_raise_parameter_errors() -> None:
    with pytest.raises(ParameterError):
        Noise(1.5)
    with pytest.raises(ParameterError):
        Noise((0.1, 0.2, 0.3))  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        StageGame(float("nan"), 0, 5, 1)
    with pytest.raises(ParameterError):
        play_match("TFT", "TFT", turns=0)
    with pytest.raises(ParameterError):
        play_match("TFT", "TFT", continuation=1.0)
    with pytest.raises(ParameterError):
        play_match("TFT", 3.5)  # type: ignore[arg-type]


def test_one_rng_keyword_normalised_by_herz_rng() -> None:
    # issue 14: an int, the SeedSequence it makes, or a Generator; the same int, the same games
    by_int = tournament(["TFT", "Random"], turns=30, repetitions=2, rng=7)
    by_ss = tournament(["TFT", "Random"], turns=30, repetitions=2,
                       rng=np.random.SeedSequence(7))
    np.testing.assert_array_equal(by_int.scores, by_ss.scores)
    gen = np.random.default_rng(1)
    a = play_match("Random", "Random", turns=40, rng=gen).moves
    b = play_match("Random", "Random", turns=40, rng=gen).moves
    assert not np.array_equal(a, b)  # the caller's generator advances
    with pytest.raises(ParameterError, match="rng"):
        play_match("TFT", "TFT", turns=5, rng="seven")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="must be an integer >= 0"):
        play_match("TFT", "TFT", turns=5, rng=-1)
    with pytest.raises(TypeError, match="seed"):
        play_match("TFT", "TFT", turns=5, seed=1)  # type: ignore[call-arg]
