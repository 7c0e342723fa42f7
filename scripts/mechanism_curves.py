"""Dose-response curves of signals, arms control and communities (issues 18 and 19).

Measures, in one of two worlds with the medium episode thresholds of the world
tests (tests/world/setups.py): ``racing`` (N = 5, offence dominant,
distinguishability 0.2, 30% greedy states) or ``default`` (N = 5 at the
world's defaults, 10% greedy states); ``--set KEY=VALUE`` overrides any
parameter (for example the pre-calibration economy of
tests/world/pre_calibration.py):

- ``mimicry``: greedy mimicry of a costly signal (DESIGN.md 2.7) against the
  signal's cost: the share of greedy states' chances to signal (eligible
  sender-years) that they took, beside the equilibrium rate m (its
  prediction) and the greedy share of all signals; 95% bootstrap intervals
  over worlds.
- ``exit``: the effect of signals on exit within H = 40 years of the burn-in
  against the cost: paired bite tests (signalling on vs off, same worlds and
  cost; :func:`herz.world.bite.bite_test`), 95% bootstrap intervals.
- ``signing``: the share of the world's pairs that would sign a treaty at
  mistrust mu = 1/2 against verification v (DESIGN.md 2.8), on the states of
  worlds run 40 years; 95% bootstrap intervals over worlds.
- ``communities``: P(a security seeker starts a war after burn-in) and the
  years in the dilemma, communities on vs off (identity on, one seeded
  community, 20% greedy states; DESIGN.md 2.10), paired worlds, 95% normal
  intervals.

Writes the numbers into a JSON file under ``--label`` (default: the world's
name) and a figure of the first three curves, one line for each label in the file. At the default
sizes it runs in about ten minutes on one core (use ``nice``).

Usage::

    python scripts/mechanism_curves.py [--base racing|default] [--set KEY=VALUE ...]
        [--label NAME] [--worlds 800] [--seed 2] [--only mimicry exit ...]
        [--json docs/images/mechanism-curves.json] [--figure docs/images/mechanism-curves.png]

References: Kydd, A. H. (2005). *Trust and Mistrust in International
Relations*. Princeton University Press (signals and arms control). Adler, E.
and Barnett, M. (eds.) (1998). *Security Communities*. Cambridge University
Press. doi:10.1017/CBO9780511598661.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from herz.world import WorldParams, initial_state, simulate, step
from herz.world.arms_control import cheating_pays, detection_probability, treaty_gain
from herz.world.bite import bite_test
from herz.world.economy import offense_shares, reference_output
from herz.world.noise import world_keys
from herz.world.signalling import SIGNAL_ELIGIBLE, SIGNAL_MIMICRY, SIGNAL_SENT
from herz.world.simulate import seeker_war_years

#: The racing world and medium thresholds of the world tests (tests/world/setups.py).
RACING: dict[str, Any] = {"n_states": 5, "offense_defense_balance": 0.5,
                          "distinguishability": 0.2}
MEDIUM: dict[str, Any] = {"race_growth": 0.02, "entry_trust_fall": 0.0,
                          "exit_growth_band": 0.2, "exit_years": 5, "exit_trust": 0.5}
BASES: dict[str, dict[str, Any]] = {
    "racing": {**RACING, **MEDIUM, "p_greedy": 0.3},
    "default": {"n_states": 5, **MEDIUM, "p_greedy": 0.1},
}
#: The world of the run (set by :func:`main`).
BASE: dict[str, Any] = dict(BASES["racing"])
H = 40

MIMICRY_COSTS = (1e-7, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
EXIT_COSTS = (1e-7, 0.003, 0.03, 0.1, 0.3, 1.0, 3.0)
VERIFICATION = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
#: Communities: the world of the run with 20% greedy states and one seeded community.
COMMUNITY: dict[str, Any] = {"p_greedy": 0.2, "seeded_communities": 1, "institution_seed": 0.9}


def _params(**kw: Any) -> WorldParams:
    d = WorldParams().to_dict()
    mech = {**d["mechanisms"], **kw.pop("mechanisms", {})}
    return WorldParams.from_dict({**d, **BASE, **kw, "mechanisms": mech})


def _boot(per_world_num: np.ndarray, per_world_den: np.ndarray, rng: np.random.Generator,
          n: int = 2000) -> tuple[float, float, float]:
    """Ratio of sums over worlds and its 95% bootstrap interval (worlds resampled)."""
    est = float(per_world_num.sum() / max(per_world_den.sum(), 1e-300))
    idx = rng.integers(0, len(per_world_num), size=(n, len(per_world_num)))
    with np.errstate(invalid="ignore", divide="ignore"):
        b = per_world_num[idx].sum(axis=1) / per_world_den[idx].sum(axis=1)
    b = b[np.isfinite(b)]
    return est, float(np.quantile(b, 0.025)), float(np.quantile(b, 0.975))


def mimicry_curve(worlds: int, seed: int) -> list[dict[str, float]]:
    """Greedy mimicry per cost: the share of greedy states' chances to signal that they took.

    A chance is a sender-year in which a greedy state could signal (eligible:
    no window, no war, cost within its offence). Also the equilibrium rate m
    averaged over the same chances (the model's prediction of that share) and
    the greedy share of all signals sent (what a receiver faces).
    """
    rows = []
    rng = np.random.default_rng(seed)
    for cost in MIMICRY_COSTS:
        p = _params(signal_cost=cost, mechanisms={"signalling": True})
        s = initial_state(p, world_keys(seed, worlds))
        chances, g_sent, m_sum, sent = (np.zeros(worlds) for _ in range(4))
        for _ in range(60):
            step(s, p)
            ok = s.mech[SIGNAL_ELIGIBLE] & s.greedy
            chances += ok.sum(axis=1)
            m_sum += np.where(ok, s.mech[SIGNAL_MIMICRY], 0.0).sum(axis=1)
            g_sent += (s.mech[SIGNAL_SENT] & ok).sum(axis=1)
            sent += s.mech[SIGNAL_SENT].sum(axis=1)
        m, lo, hi = _boot(g_sent, chances, rng)
        eq, _, _ = _boot(m_sum, chances, rng)
        g, glo, ghi = _boot(g_sent, sent, rng) if sent.sum() else (math.nan,) * 3
        rows.append({"cost": cost, "mimicry": m, "low": lo, "high": hi, "equilibrium": eq,
                     "chances": float(chances.sum()), "greedy_share": g, "greedy_low": glo,
                     "greedy_high": ghi, "signals": float(sent.sum())})
        print(f"mimicry cost {cost:g}: {m:.3f} [{lo:.3f}, {hi:.3f}] of {int(chances.sum())} "
              f"chances (equilibrium m {eq:.3f}); greedy share of {int(sent.sum())} signals "
              f"{g:.3f} [{glo:.3f}, {ghi:.3f}]", flush=True)
    return rows


def _exit_runner(p: WorldParams, **kw: Any) -> pd.DataFrame:
    frame = simulate(p, **kw)
    frame["exit_within_h"] = (frame["exited"] & (frame["time_to_entry"] + frame["time_to_exit"]
                                                 <= H)).to_numpy(float)
    return frame


def exit_curve(worlds: int, seed: int) -> list[dict[str, float]]:
    """Paired effect of signals on exit within H years, per cost."""
    rows = []
    for cost in EXIT_COSTS:
        r = bite_test(BASE, {"mechanisms.signalling": True, "signal_cost": cost},
                      {"mechanisms.signalling": False, "signal_cost": cost}, "exit_within_h",
                      worlds=worlds, steps=100, seed=seed, runner=_exit_runner)
        rows.append({"cost": cost, "on": r.value_on, "off": r.value_off,
                     "difference": r.difference, "low": r.low, "high": r.high})
        print(f"exit cost {cost:g}: {r.value_off:.3f} -> {r.value_on:.3f}, "
              f"{r.difference:+.3f} [{r.low:+.3f}, {r.high:+.3f}]", flush=True)
    return rows


def signing_curve(worlds: int, seed: int) -> list[dict[str, float]]:
    """Share of live pairs that both gain from a treaty at mu = 1/2, per verification."""
    p = _params()
    s = initial_state(p, world_keys(seed, worlds))
    for _ in range(40):
        step(s, p)
    _, q_g = offense_shares(p)
    excess = p.dt * q_g * s.spending
    sigma = p.perception_noise * s.output / reference_output(p)
    n = p.n_states
    live = s.alive[:, :, None] & s.alive[:, None, :] & ~np.eye(n, dtype=bool)
    rng = np.random.default_rng(seed)
    rows = []
    for v in VERIFICATION:
        pv = p.replace(verification=v)
        pd_ = detection_probability(v, excess, sigma)
        g = treaty_gain(0.5, pd_[:, None, :], cheating_pays(pd_, pv)[:, None, :], pv)
        signs = (g > 0) & (np.swapaxes(g, 1, 2) > 0) & live
        est, lo, hi = _boot(signs.sum(axis=(1, 2)).astype(float),
                            live.sum(axis=(1, 2)).astype(float), rng)
        rows.append({"verification": v, "signing": est, "low": lo, "high": hi})
        print(f"signing at mu = 0.5, v {v:g}: {est:.3f} [{lo:.3f}, {hi:.3f}]", flush=True)
    return rows


def community_effect(worlds: int, seed: int) -> dict[str, float]:
    """Communities on vs off: P(seeker war after burn-in), years in the dilemma (paired)."""
    out = {}
    for on in (False, True):
        d = WorldParams().to_dict()
        p = WorldParams.from_dict({**d, **BASE, **COMMUNITY,
                                   "mechanisms": {**d["mechanisms"], "identity": True,
                                                  "community": on}})
        war, years, _, st = seeker_war_years(p, worlds, 100, seed)
        out[on] = war.astype(float), years, float((st.community >= 0).mean())
    dw = out[True][0] - out[False][0]
    dy = out[True][1] - out[False][1]
    res = {"war_off": out[False][0].mean(), "war_on": out[True][0].mean(),
           "war_difference": dw.mean(), "war_half": 1.96 * dw.std() / math.sqrt(len(dw)),
           "years_off": out[False][1].mean(), "years_on": out[True][1].mean(),
           "years_difference": dy.mean(), "years_half": 1.96 * dy.std() / math.sqrt(len(dy)),
           "members_on": out[True][2]}
    res = {k: float(v) for k, v in res.items()}
    print(f"communities: P(seeker war) {res['war_off']:.3f} -> {res['war_on']:.3f} "
          f"({res['war_difference']:+.3f} +- {res['war_half']:.3f}); years in the dilemma "
          f"{res['years_off']:.1f} -> {res['years_on']:.1f} ({res['years_difference']:+.1f} "
          f"+- {res['years_half']:.1f})", flush=True)
    return res


def figure(every: dict[str, Any], path: Path) -> None:
    """Three panels (mimicry vs cost, exit effect vs cost, signing vs verification), one line a label."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    panels = (("mimicry", "cost", "mimicry", axes[0]), ("exit", "cost", "difference", axes[1]),
              ("signing", "verification", "signing", axes[2]))
    for label, res in sorted(every.items()):
        for part, xkey, ykey, ax in panels:
            if part not in res:
                continue
            x = [row[xkey] for row in res[part]]
            y = np.array([[row[ykey], row["low"], row["high"]] for row in res[part]])
            ax.errorbar(x, y[:, 0], yerr=[y[:, 0] - y[:, 1], y[:, 2] - y[:, 0]], marker="o",
                        capsize=2, label=label)
    axes[0].set(xscale="log", xlabel="signal cost (share of B Y)",
                ylabel="greedy mimicry (share of chances)", title="Mimicry falls with cost")
    axes[1].axhline(0.0, color="grey", lw=0.8)
    axes[1].set(xscale="log", xlabel="signal cost (share of B Y)",
                ylabel=f"effect on P(exit within {H} y)", title="Signals and exit vs cost")
    axes[2].set(xscale="symlog", xlabel="verification v", ylabel="share signing at mu = 1/2",
                title="Verification substitutes for trust")
    axes[2].set_xscale("symlog", linthresh=0.01)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


PARTS = {"mimicry": (mimicry_curve, 200), "exit": (exit_curve, None),
         "signing": (signing_curve, 150), "communities": (community_effect, 400)}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts, merge them into the JSON file and draw the figure."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", choices=sorted(BASES), default="racing")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                    help="parameter overrides (numbers)")
    ap.add_argument("--label", default=None, help="key of the results in the JSON file")
    ap.add_argument("--worlds", type=int, default=800, help="worlds per arm of the exit curve")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--only", nargs="*", choices=sorted(PARTS), default=sorted(PARTS))
    ap.add_argument("--json", type=Path, default=Path("docs/images/mechanism-curves.json"))
    ap.add_argument("--figure", type=Path, default=Path("docs/images/mechanism-curves.png"))
    a = ap.parse_args(argv)
    overrides = {k: float(v) for k, v in (item.split("=", 1) for item in a.set)}
    BASE.clear()
    BASE.update({**BASES[a.base], **overrides})
    label = a.label or a.base
    every: dict[str, Any] = json.loads(a.json.read_text()) if a.json.exists() else {}
    res = every.setdefault(label, {})
    for name in a.only:
        fn, worlds = PARTS[name]
        t0 = time.time()
        res[name] = fn(worlds or a.worlds, a.seed if name != "communities" else 3)
        print(f"  ({name}: {time.time() - t0:.0f} s)", flush=True)
    res["world"] = {"base": a.base, "params": dict(BASE), "exit_worlds": a.worlds,
                    "seed": a.seed, "horizon": H}
    a.json.write_text(json.dumps(every, indent=1) + "\n")
    figure(every, a.figure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
