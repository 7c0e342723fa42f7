"""Every library strategy's test inherits the shared behaviour harness."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pytest
from ipd_harness import Scripted, StrategyHarness

from herz.errors import ParameterError
from herz.models.ipd import Noise, play_match
from herz.models.ipd import strategies as S
from herz.models.ipd.game import StageGame

INF = math.inf


class TestCooperator(StrategyHarness):
    make = staticmethod(S.cooperator)
    expected_classifier: ClassVar[dict[str, Any]] = {
        "memory_depth": 0,
        "stochastic": False,
        "uses_signals": False,
    }
    scripted: ClassVar[list[tuple[str, str]]] = [("CDDCD", "CCCCC")]


class TestDefector(StrategyHarness):
    make = staticmethod(S.defector)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 0, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CCDCC", "DDDDD")]


class TestTitForTat(StrategyHarness):
    make = staticmethod(S.tit_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDDCC", "CCDDC"), ("DDDD", "CDDD")]


class TestSuspiciousTitForTat(StrategyHarness):
    make = staticmethod(S.suspicious_tit_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDDCC", "DCDDC")]


class TestGenerousTitForTat(StrategyHarness):
    make = staticmethod(S.generous_tit_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {
        "memory_depth": 1,
        "stochastic": True,
        "game_dependent": True,
    }
    scripted: ClassVar[list[tuple[str, str]]] = [("CCCCC", "CCCCC")]

    def test_generosity_follows_molander_for_the_game(self) -> None:
        assert self.strategy().four_vector() == (1.0, 1 / 3, 1.0, 1 / 3)
        # R, S, T, P = 4, 0, 5, 1: min(1 - 1/4, 3/4) = 3/4
        assert self.strategy().four_vector(StageGame(4, 0, 5, 1)) == (1.0, 0.75, 1.0, 0.75)

    def test_forgives_at_the_generosity_rate(self) -> None:
        m = play_match(self.strategy(), "Defector", turns=20_000, rng=4)
        coop = 1 - m.moves[0, 1:].mean()
        assert abs(coop - 1 / 3) < 4 * math.sqrt(1 / 3 * 2 / 3 / 20_000)


class TestTitForTwoTats(StrategyHarness):
    make = staticmethod(S.tit_for_two_tats)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 2, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDDCDC", "CCCDCC")]


class TestTwoTitsForTat(StrategyHarness):
    make = staticmethod(S.two_tits_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 2, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCCCD", "CCDDCC")]


class TestHardTitForTat(StrategyHarness):
    make = staticmethod(S.hard_tit_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 3, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCCCCC", "CCDDDCC")]


class TestGrudger(StrategyHarness):
    make = staticmethod(S.grudger)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CCDCCC", "CCCDDD")]


class TestWinStayLoseShift(StrategyHarness):
    make = staticmethod(S.win_stay_lose_shift)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDDCC", "CCDCC")]


class TestRandom(StrategyHarness):
    make = staticmethod(S.random_strategy)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 0, "stochastic": True}

    def test_cooperates_half_the_time(self) -> None:
        m = play_match(self.strategy(), "Cooperator", turns=40_000, rng=8)
        assert abs(m.moves[0].mean() - 0.5) < 4 * 0.5 / math.sqrt(40_000)


class TestAlternator(StrategyHarness):
    make = staticmethod(S.alternator)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("DDDDDD", "CDCDCD")]


class TestCyclerCCD(StrategyHarness):
    make = staticmethod(S.cycler)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 2, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("DDDDDDD", "CCDCCDC")]


class TestProber(StrategyHarness):
    make = staticmethod(S.prober)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [
        ("CCCCC", "DCCDD"),
        ("CDCCC", "DCCCC"),
        ("CCDCD", "DCCDC"),
    ]


class TestGradual(StrategyHarness):
    make = staticmethod(S.gradual)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [
        ("DDCCCCCC", "CDCCCCCC"),
        ("DDCCDCCCCC", "CDCCCDDDCC"),
    ]


class TestJoss(StrategyHarness):
    make = staticmethod(S.joss)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": True}
    scripted: ClassVar[list[tuple[str, str]]] = [("DDDD", "CDDD")]

    def test_vector(self) -> None:
        assert self.strategy().four_vector() == (0.9, 0.0, 0.9, 0.0)


class TestGrofman(StrategyHarness):
    make = staticmethod(S.grofman)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": True}
    scripted: ClassVar[list[tuple[str, str]]] = [("CCCC", "CCCC")]


class TestDavis(StrategyHarness):
    make = staticmethod(S.davis)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [
        ("DCCCCCCCCCCC", "CCCCCCCCCCDD"),
        ("CCCCCCCCCCCD", "CCCCCCCCCCCC"),
    ]


class TestContriteTitForTat(StrategyHarness):
    make = staticmethod(S.contrite_tit_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {
        "memory_depth": INF,
        "stochastic": False,
        "uses_signals": True,
    }
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCC", "CCDC"), ("CDDCC", "CCDDC")]

    def test_accepts_punishment_for_its_own_errors(self) -> None:
        # Errors only on Contrite TFT's side: TFT only ever answers them, so every
        # defection of Contrite TFT is an error and each is answered once.
        e, n = 0.05, 40_000
        m = play_match(self.strategy(), "TFT", turns=n, noise=Noise((e, 0.0)), rng=12)
        d1, d2 = m.moves[0].mean(), m.moves[1].mean()
        tol = 4 * math.sqrt(e * (1 - e) / n)
        assert abs(d1 - e) < tol and abs(d2 - e) < tol
        # Plain TFT in its place falls into echoes: far more defection.
        t = play_match("TFT", "TFT", turns=n, noise=Noise((e, 0.0)), rng=12)
        assert t.moves.mean() > 3 * e


class TestGRIT(StrategyHarness):
    make = staticmethod(S.grit)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("DDDDDDDD", "CCDDCCDD"), ("CCDCC", "CCCDC")]

    def test_parameters_are_checked(self) -> None:
        with pytest.raises(ParameterError):
            S.grit(patience=0)


class TestFirmButFair(StrategyHarness):
    make = staticmethod(S.firm_but_fair)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": True}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCC", "CCDC")]


class TestAntiTitForTat(StrategyHarness):
    make = staticmethod(S.anti_tit_for_tat)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCD", "CDCD")]


class TestBully(StrategyHarness):
    make = staticmethod(S.bully)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCD", "DDCD")]


class TestSoftMajority(StrategyHarness):
    make = staticmethod(S.soft_majority)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("DCDDC", "CDCDD")]


class TestHardMajority(StrategyHarness):
    make = staticmethod(S.hard_majority)
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": INF, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [("CDCC", "DCDC")]


class TestZDExtort2(StrategyHarness):
    make = staticmethod(S.zd_extort_2)
    expected_classifier: ClassVar[dict[str, Any]] = {
        "memory_depth": 1,
        "stochastic": True,
        "game_dependent": True,
    }

    def test_vector_for_the_standard_game(self) -> None:
        np.testing.assert_allclose(self.strategy().four_vector(), (8 / 9, 1 / 2, 1 / 3, 0.0))

    def test_enforces_the_linear_relation(self) -> None:
        # Press & Dyson: s (pi_X - P) = pi_Y - P with s = 1/2, against any opponent.
        from herz.models.ipd.markov import stationary

        for opp in ("TFT", "WSLS", (0.3, 0.6, 0.2, 0.9)):
            r = stationary(self.strategy(), opp, Noise(0.0))
            assert abs(0.5 * (r.payoff1 - 1) - (r.payoff2 - 1)) < 1e-9


class TestZDGTFT2(StrategyHarness):
    make = staticmethod(S.zd_gtft_2)
    expected_classifier: ClassVar[dict[str, Any]] = {
        "memory_depth": 1,
        "stochastic": True,
        "game_dependent": True,
    }
    scripted: ClassVar[list[tuple[str, str]]] = [("CCCC", "CCCC")]

    def test_vector_for_the_standard_game(self) -> None:
        np.testing.assert_allclose(self.strategy().four_vector(), (1.0, 1 / 8, 1.0, 1 / 4))


class TestMemoryOne(StrategyHarness):
    make = staticmethod(lambda: S.memory_one(1, 0, 0, 1))
    expected_classifier: ClassVar[dict[str, Any]] = {"memory_depth": 1, "stochastic": False}
    scripted: ClassVar[list[tuple[str, str]]] = [
        ("CDDCC", "CCDCC")
    ]  # the vector of WSLS plays as WSLS

    def test_probabilities_are_checked(self) -> None:
        with pytest.raises(ParameterError):
            S.memory_one(1.2, 0, 0, 1)


def test_every_library_strategy_has_a_harness_test() -> None:
    tested = {cls.make().name for cls in StrategyHarness.__subclasses__()}
    missing = set(S.LIBRARY) - tested
    assert not missing, missing
    assert len(S.LIBRARY) >= 25


def test_every_strategy_cites_a_source() -> None:
    for make in S.LIBRARY.values():
        s = make()
        assert s.references and all("(" in ref and ")" in ref for ref in s.references), s.name


def test_strategies_are_values() -> None:
    for make in S.LIBRARY.values():
        a, b = make(), make()
        assert a == b and hash(a) == hash(b)
    assert S.generous_tit_for_tat(0.1) != S.generous_tit_for_tat()


def test_names_and_aliases() -> None:
    assert S.get("tft").name == "Tit For Tat"
    assert S.get("tit-for-tat").name == "Tit For Tat"
    assert S.parse_strategy("1,0,1,0").four_vector() == (1.0, 0.0, 1.0, 0.0)
    assert S.parse_strategy("1,1/3,1,1/3").four_vector()[1] == pytest.approx(1 / 3)
    with pytest.raises(ParameterError, match="strategy"):
        S.get("no such strategy")


def test_scripted_opponent_is_really_scripted() -> None:
    m = play_match("Defector", Scripted("CDC"), turns=3)
    assert m.moves_text() == ("DDD", "CDC")
