"""herz.analysis.empirical and the ``herz dyad`` / ``herz dyads`` commands."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from herz.analysis import empirical as em
from herz.cli import app
from herz.data import RIVAL_DYADS, MilexSeries, richardson_blocs
from herz.errors import ParameterError
from herz.models import richardson as rm
from herz.report import richardson as report

SEED = 20260127


# ------------------------------------------------------------- one source of truth


def test_pre1914_summed_fit_matches_the_foundation_report() -> None:
    # The foundation issue reports slope 0.832 and zero point 189.3 GBP million from
    # herz.report.richardson / fit_summed on richardson_blocs(1909, 1913).
    rep = report.compute()
    assert round(rep.blocs_fit.slope, 3) == 0.832
    assert round(rep.blocs_fit.zero_point, 1) == 189.3
    blocs = richardson_blocs(1909, 1913)
    fit = rm.fit_summed(blocs.years, blocs.a, blocs.b, "midpoint", blocs.unit)
    assert fit.slope == rep.blocs_fit.slope
    assert fit.zero_point == rep.blocs_fit.zero_point
    assert blocs.unit == "GBP million (current)"


# ----------------------------------------------------------------- known truth


def test_simulation_follows_the_richardson_map_exactly_without_noise() -> None:
    p = rm.RichardsonParams(k=0.3, l=0.2, a=0.5, b=0.4, g=10.0, h=5.0)
    sim = em.simulate_reaction(p, 20.0, 30.0, 6, 0.0, rng=SEED)
    path = rm.discrete_map(p, 20.0, 30.0, 5)
    np.testing.assert_allclose(sim.a, path.x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sim.b, path.y, rtol=0, atol=1e-12)


def test_richardson_fit_recovers_known_coefficients() -> None:
    truth = rm.RichardsonParams(k=0.3, l=0.2, a=0.5, b=0.4, g=10.0, h=5.0)
    sim = em.simulate_reaction(truth, 39.0, 32.0, 400, 1.0, rng=SEED)
    res = em.analyse_series(sim, transform="level")
    fit = res.levels_fit
    for name in ("k", "l", "a", "b", "g", "h"):
        c = fit.coefficients[name]
        # tolerance: 3 standard errors (two-sided, about 0.3% per coefficient by chance)
        assert abs(c.estimate - getattr(truth, name)) < 3 * c.se, (name, c)
    for name in ("k", "l", "a", "b"):
        assert abs(fit.coefficients[name].estimate - getattr(truth, name)) < 0.1
    assert fit.stability is rm.Stability.STABLE  # a*b = 0.2 > k*l = 0.06


def test_differences_fit_is_biased_under_white_noise_shocks_as_documented() -> None:
    # Differencing the Richardson map gives MA(1) errors correlated with the lagged change:
    # OLS then overstates the fatigue terms (documented in docs/empirical.md).
    truth = rm.RichardsonParams(k=0.3, l=0.2, a=0.5, b=0.4, g=10.0, h=5.0)
    sim = em.simulate_reaction(truth, 39.0, 32.0, 400, 1.0, rng=SEED)
    diff = em.analyse_series(sim, transform="level").differences_fit
    assert diff is not None
    assert diff.coefficients["a"].estimate > 0.9 and diff.coefficients["b"].estimate > 0.9


def test_granger_finds_the_simulated_direction_and_not_the_other() -> None:
    # x reacts to y (k = 0.3); y does not react to x (l = 0).
    one_way = rm.RichardsonParams(k=0.3, l=0.0, a=0.5, b=0.4, g=10.0, h=20.0)
    sim = em.simulate_reaction(one_way, 50.0, 50.0, 150, 2.0, rng=SEED)
    res = em.analyse_series(sim, transform="level", rng=SEED)
    y_to_x = next(d for d in res.directions if d.caused == "X")
    x_to_y = next(d for d in res.directions if d.caused == "Y")
    assert y_to_x.verdict is em.Verdict.REACTS and y_to_x.p_adjusted < 0.01
    # the summed reaction of the tested model brackets the true k = 0.3
    assert y_to_x.effect_low < 0.3 < y_to_x.effect_high
    assert x_to_y.verdict is em.Verdict.NO_REACTION and x_to_y.p_value > 0.1
    assert x_to_y.effect_low < 0.0 < x_to_y.effect_high < em.EFFECT_OF_INTEREST
    assert res.pattern == "one-way"
    # Holm over the two directions: the larger p is unchanged or raised, never lowered
    assert x_to_y.p_adjusted >= x_to_y.p_value
    res_log = em.analyse_series(sim, transform="log", rng=SEED)
    assert [d.verdict for d in res_log.directions] == [em.Verdict.NO_REACTION, em.Verdict.REACTS]


def _simulated_var(rng: np.random.Generator, n: int, effect: float) -> MilexSeries:
    # A stationary VAR(1) in logs: y reacts to x with coefficient ``effect``, x to nothing.
    z = np.zeros((n + 50, 2))
    e = rng.normal(0.0, 0.1, size=(n + 50, 2))
    for t in range(1, n + 50):
        z[t, 0] = 0.5 * z[t - 1, 0] + e[t, 0]
        z[t, 1] = 0.5 * z[t - 1, 1] + effect * z[t - 1, 0] + e[t, 1]
    x = np.exp(z[50:] + 5.0)
    return MilexSeries("X-Y", np.arange(1950, 1950 + n), x[:, 0], x[:, 1], "units", "simulated")


def test_size_and_power_of_the_toda_yamamoto_test_on_a_known_var() -> None:
    # A VAR with a known effect (Y <- X, 0.3) and a known non-effect (X <- Y). Over 60
    # fixed seeds of 60 years, the raw Wald test of the absent direction rejects at 5% in
    # at most 9 (binomial 95% upper bound for a true size of 5% is about 7/60; the lag
    # augmentation and lag selection add a little); the present one in at least 36. The
    # power the test reports (noncentral F at the fitted model) must match the rejection
    # rate within 0.15. Measured when written: size 4/60, power 43/60, reported 0.66.
    size = power = 0
    reported = []
    for ss in np.random.SeedSequence(SEED).spawn(60):
        gen = np.random.default_rng(ss)
        res = em.analyse_series(_simulated_var(gen, 60, 0.3), transform="log",
                                effect_of_interest=0.3, bootstrap=99, rng=gen)
        x_to_y, y_to_x = res.directions
        power += x_to_y.p_value < 0.05
        size += y_to_x.p_value < 0.05
        reported.append(x_to_y.power)
    assert size <= 9
    assert power >= 36
    assert abs(np.mean(reported) - power / 60) < 0.15


def test_toda_yamamoto_without_augmentation_is_statsmodels_granger_test() -> None:
    # With d_max = 0, a constant and no dummies, the Wald F test is the Granger F test of
    # statsmodels on the shipped SIPRI series (IND-PAK 1960-2020), to rounding.
    import warnings

    from statsmodels.tsa.stattools import grangercausalitytests

    from herz.analysis import timeseries as ts
    from herz.data import dyad_milex

    s = dyad_milex("IND-PAK", 1960, 2020, source="sipri")
    levels = np.log(np.column_stack([s.a, s.b]))
    for lag in (1, 2, 3):
        ty = ts.toda_yamamoto(levels, 1, 0, lag, 0, "c")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = grangercausalitytests(levels[:, [1, 0]], maxlag=[lag])[lag][0]["ssr_ftest"]
        assert ty.wald_f == pytest.approx(ref[0], rel=1e-9)
        assert ty.p_value == pytest.approx(ref[1], rel=1e-9)
        assert ty.df == (lag, int(ref[2]))


def test_unit_root_tests_are_statsmodels_on_the_shipped_series() -> None:
    import warnings

    from statsmodels.tsa.stattools import adfuller, kpss

    from herz.analysis import timeseries as ts
    from herz.data import dyad_milex

    s = dyad_milex("IND-PAK", 1956, 2020, source="sipri")
    z = np.log(s.a)
    ur = ts.unit_root("IND", z, s.years)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ur.adf_p == pytest.approx(adfuller(z, regression=ur.deterministic,
                                                  autolag="AIC")[1])
        assert ur.kpss_p == pytest.approx(kpss(z, regression=ur.deterministic,
                                               nlags="auto")[1])
    # India's SIPRI series is trend-stationary (ADF with trend p = 0.002); the trend is kept
    assert ur.deterministic == "ct" and ur.order == 0
    assert ur.za_break_year is not None and 1960 <= ur.za_break_year <= 2015


def test_holm_and_bh_on_a_hand_case() -> None:
    from herz.analysis import timeseries as ts

    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.04*1, 0.06) = 0.06
    np.testing.assert_allclose(ts.adjust(p, "holm"), [0.03, 0.06, 0.06, 0.02])
    # BH: 0.005*4/1 = 0.02, 0.01*4/2 = 0.02, 0.03*4/3 = 0.04, 0.04*4/4 = 0.04
    np.testing.assert_allclose(ts.adjust(p, "fdr_bh"), [0.02, 0.04, 0.04, 0.02])
    out = ts.adjust([0.2, float("nan")], "holm")
    assert out[0] == 0.2 and np.isnan(out[1])


def test_power_is_alpha_at_zero_effect_and_rises() -> None:
    from herz.analysis import timeseries as ts

    sim = _simulated_var(np.random.default_rng(SEED), 60, 0.0)
    levels = np.log(np.column_stack([sim.a, sim.b]))
    ty = ts.toda_yamamoto(levels, 1, 0, 1, 0, "c")
    assert ts.wald_power(ty, 1e-9) == pytest.approx(0.05, abs=1e-6)
    powers = [ts.wald_power(ty, e) for e in (0.1, 0.2, 0.4)]
    assert powers == sorted(powers) and powers[-1] > 0.9
    mde = ts.minimal_detectable_effect(ty, 0.8)
    assert ts.wald_power(ty, mde) == pytest.approx(0.8, abs=1e-4)


def test_mutual_reaction_is_found_when_both_react() -> None:
    both = rm.RichardsonParams(k=0.3, l=0.3, a=0.5, b=0.5, g=10.0, h=10.0)
    sim = em.simulate_reaction(both, 50.0, 50.0, 150, 2.0, rng=SEED)
    res = em.analyse_series(sim, transform="level", rng=SEED)
    assert res.mutual and res.pattern == "mutual"


@pytest.mark.parametrize(
    ("p_adj", "effect", "high", "n", "verdict"),
    [
        (0.01, 0.3, 0.5, 40, em.Verdict.REACTS),
        (0.01, -0.3, -0.1, 40, em.Verdict.INCONCLUSIVE),  # significant but negative
        (0.30, 0.05, 0.15, 40, em.Verdict.NO_REACTION),  # interval below 0.2
        (0.30, 0.05, 0.35, 40, em.Verdict.INCONCLUSIVE),  # failure to reject only
        (0.01, 0.3, 0.5, 15, em.Verdict.INCONCLUSIVE),  # too few years
    ],
)
def test_verdict_rule(p_adj: float, effect: float, high: float, n: int,
                      verdict: em.Verdict) -> None:
    assert em.direction_verdict(p_adj, effect, high, 0.05, n)[0] is verdict


def test_war_dummies_and_data_warnings_on_india_pakistan() -> None:
    res = em.analyse_dyad("IND-PAK", rng=SEED)
    warn = " ".join(res.data_warnings)
    assert "IND 1967" in warn and "devaluation" in warn
    assert "PAK 1972" in warn and "devaluation" in warn
    dummies = em.analyse_dyad("IND-PAK", war_dummies=True, rng=SEED)
    assert {1965, 1971} <= set(dummies.war_dummy_years)
    assert "war-year dummies" in dummies.directions[0].model
    usa = em.analyse_dyad("USA-RUS", rng=SEED)
    assert any("RUS 1989" in w and "splice" in w for w in usa.data_warnings)


# ----------------------------------------------------------------- real dyads


def test_default_spans_follow_the_rivalry_list() -> None:
    assert em.default_span("USA-RUS")[:2] == (1945, 1989)
    assert em.default_span("IND-PAK")[:2] == (1948, 2020)  # 1947: Pakistan's milex is 0
    start, end, why = em.default_span("GRC-CYP")
    assert "no strategic rivalry" in why and (start, end) == (1960, 2022)
    windows = em.rivalry_windows("GRC-TUR")
    assert [(s, e) for s, e, _ in windows] == [(1888, 1904), (1955, 2020)]
    assert "cut to the longest run" in windows[0][2]


def test_dyad_analysis_states_its_choices() -> None:
    res = em.analyse_dyad("USA-RUS", rng=SEED)
    d = res.to_dict()
    assert d["years"] == [1945, 1989] and d["transform"] == "log"
    assert "United States-USSR 2" in d["span_reason"]
    assert any("here the USSR" in n for n in d["notes"])
    assert any("current dollars" in n for n in d["notes"])
    assert len(d["directions"]) == 2 and all("p = " in x["line"] for x in d["directions"])
    assert d["richardson_levels"]["coefficients"]["k"]["se"] > 0
    assert d["richardson_differences"] is not None
    crossing = em.analyse_dyad("USA-RUS", 1980, 2000)
    assert any("crosses that break" in n for n in crossing.notes)
    pre_war = em.analyse_dyad("UKG-GMY", 1896, 1918)
    assert any("gold parity" in n for n in pre_war.notes)
    assert pre_war.series.unit == "USD million (current)"


def test_log_transform_refuses_zero_spending() -> None:
    with pytest.raises(ParameterError, match="positive spending"):
        em.analyse_dyad("IND-PAK", 1947, 1990)


def test_cross_tabulation_counts() -> None:
    frame = pd.DataFrame({
        "pattern": ["mutual", "mutual", "none", "none", "one-way", "failed"],
        "mutual": [True, True, False, False, False, None],
        "grh_race": [True, False, True, False, False, True],
        "war_onset": [True, True, False, False, True, True],
    })
    tabs = em.cross_tabulate(frame)
    grh = tabs["grh"].table.to_numpy()
    np.testing.assert_array_equal(grh, [[1, 1], [1, 2]])
    war = tabs["war"]
    np.testing.assert_array_equal(war.table.to_numpy(), [[2, 0], [1, 2]])
    assert war.share_with_mutual == 1.0 and war.share_without_mutual == pytest.approx(1 / 3)
    assert war.n == 5


# ------------------------------------------------------------------------ CLI

runner = CliRunner()


def _herz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from herz.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_unknown_dyad_names_the_valid_options() -> None:
    res = _herz("dyad", "FOO-PAK")
    assert res.returncode == 2
    assert "FOO" in res.stderr
    for d in RIVAL_DYADS:
        assert d in res.stderr
    assert "Traceback" not in res.stderr


def test_cli_years_outside_the_data_name_the_range() -> None:
    res = _herz("dyad", "IND-PAK", "--start", "1800")
    assert res.returncode == 2
    assert "1947-2022" in res.stderr and "--start" in res.stderr
    res = runner.invoke(app, ["dyad", "GRC-TUR", "--source", "sipri", "--end", "2030"])
    assert isinstance(res.exception, ParameterError)
    assert "1953-2022" in str(res.exception)


def test_cli_bad_choice_names_the_options() -> None:
    res = runner.invoke(app, ["dyad", "IND-PAK", "--source", "cow"])
    assert isinstance(res.exception, ParameterError)
    assert "nmc, sipri" in str(res.exception)


def test_cli_dyad_json() -> None:
    res = runner.invoke(app, ["dyad", "PAK-IND", "--source", "sipri", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["dyad"] == "PAK-IND" and out["source"] == "SIPRI 2024"
    assert {d["verdict"] for d in out["directions"]} <= {"reacts", "does not react",
                                                          "inconclusive"}
    assert out["pattern"] in {"mutual", "one-way", "none", "inconclusive"}


def test_cli_dyads_writes_table_and_figure(tmp_path) -> None:
    res = runner.invoke(app, ["dyads", "--scope", "classic", "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    table = pd.read_csv(tmp_path / "dyads.csv")
    assert set(table["dyad"]) == set(RIVAL_DYADS)  # every classic pair has a usable span
    assert out["episodes"] == len(table)
    assert (tmp_path / "dyads_verdicts.png").stat().st_size > 10_000
    assert "Cross-tabulations" in (tmp_path / "dyads.md").read_text()
    assert set(out["crosstabs"]) == {"grh", "war"}
    # one family over every direction of every tested episode, adjusted by Holm
    tested = table[table.pattern != "failed"]
    assert out["family_size"] == 2 * len(tested)
    assert (tested["p_adj_b_reacts"] >= tested["p_b_reacts"] - 1e-12).all()
    # too-short classic windows are kept and say why
    short = table[(table.dyad == "ETH-ERI")]
    assert (short["pattern"] == "failed").all() and short["error"].str.contains("12").all()
    # SIPRI's real-terms check where it covers the episode (IND-PAK 1956-2020)
    ind_pak = table[(table.dyad == "IND-PAK")].iloc[0]
    assert (ind_pak["sipri_start"], ind_pak["sipri_end"]) == (1956, 2020)
    assert ind_pak["sipri_pattern"] in {"mutual", "one-way", "none", "inconclusive"}
