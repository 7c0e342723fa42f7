"""The security dilemma among security seekers alone, in the calibrated world (issue 17, behaviour 1).

Every state is a security seeker for the whole run (``greedy_draw_scale = 0``: no
greedy type is drawn at the start, at motive turnover or at a regime change), while
beliefs keep the prior p_greedy and the turnover prediction, so nobody can know it.
Counts per 1e5 seeker pair-years after the burn-in: dilemma entries (DESIGN section 3's
rule at the parameters' thresholds), race pair-years (both states' spending grew by
``race_growth`` a year for ``race_years`` years: the race half of an entry; per cent) and
preemptive wars started by a seeker. Every setting runs the same world keys (paired
seeds); intervals are 95% from the ratio estimator's delta-method standard error over
worlds, paired differences from the per-world linearised rates.

With ``--paths`` it also prints the mutual mistrust (mu_ij + mu_ji) / 2 of each entering
pair from 10 years before to 10 after its entry year, against all pairs of the same
worlds in the same years, and ``--restraint`` sums the restraint evidence (the
log-likelihood ratio of a year without an attack, DESIGN 2.2) seekers receive.

    PYTHONPATH=src nice python scripts/seekers_alone.py --worlds 1000 --only delta
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import Any

import numpy as np

from herz.world import WorldParams
from herz.world.bargaining import Cause
from herz.world.episodes import race_year
from herz.world.noise import world_keys
from herz.world.outcomes import TrajectoryTracker
from herz.world.state import initial_state
from herz.world.step import step

_step = importlib.import_module("herz.world.step")  # the module (herz.world.step is the function)
_war = importlib.import_module("herz.world.war")
CAUSES = ("predation", "preemption", "prevention", "inadvertent")


class _Causes:
    """Wraps the war step's ``fight_year`` to keep the cause of every war started this year.

    The step resets ``state.war_cause`` of wars that end in the year they start, so after
    the step (and in the trajectory tracker's ``n_wars_*``) those wars have no cause; the
    cause is read here before the fight.
    """

    def __init__(self) -> None:
        self.state: Any = None
        self.cause: np.ndarray | None = None
        self._orig = _war.fight_year

    def __call__(self, *args: Any, **kw: Any) -> Any:
        if self.state is not None:
            self.cause = self.state.war_cause.copy()
        return self._orig(*args, **kw)

LAGS = np.arange(-10, 11)


class _Restraint:
    """Wraps ``war_evidence`` to add up the evidence about seekers from war decisions."""

    def __init__(self, learn: bool = True) -> None:
        self.total: np.ndarray | None = None
        self.on = False
        self.learn = learn
        self._orig = _step.war_evidence

    def __call__(self, state: Any, params: WorldParams, a_greedy: np.ndarray, a_seeker: np.ndarray,
                 attacks: np.ndarray) -> None:
        if not self.learn:  # diagnostic: nobody learns from attacks or restraint
            return
        if self.on and self.total is not None:
            before = state.logodds.copy()
            self._orig(state, params, a_greedy, a_seeker, attacks)
            both = state.alive[:, :, None] & state.alive[:, None, :]
            self.total += np.where(both, state.logodds - before, 0.0).sum(axis=(1, 2))
        else:
            self._orig(state, params, a_greedy, a_seeker, attacks)


def run(params: WorldParams, worlds: int, steps: int, seed: int, batch: int = 250,
        paths: bool = False, restraint: bool = False, war_learning: bool = True
        ) -> dict[str, Any]:
    """Per-world counts (and, with ``paths``, mistrust windows around each entry)."""
    keys_out = ("entries", "seeker_preempt", "wars", "pair_years", "race_years",
                "cap_years", "state_years", "mistrust", "restraint", "greedy_years",
                "seeker_wars", *CAUSES, "tracked_wars")
    out: dict[str, list[np.ndarray]] = {k: [] for k in keys_out}
    windows: list[np.ndarray] = []
    baseline: list[np.ndarray] = []
    growth_windows: list[np.ndarray] = []
    n = params.n_states
    iu, ju = np.triu_indices(n, 1)
    hook = _Restraint(war_learning)
    _step.war_evidence = hook  # type: ignore[assignment]
    causes = _Causes()
    _war.fight_year = causes  # type: ignore[assignment]
    try:
        for start in range(0, worlds, batch):
            idx = np.arange(start, min(worlds, start + batch), dtype=np.int64)
            keys = np.concatenate([world_keys(seed, 1, int(i)) for i in idx])
            state = initial_state(params, keys, idx)
            tracker = TrajectoryTracker(params, state)
            w = len(idx)
            acc = {k: np.zeros(w) for k in keys_out if k != "entries"}
            hook.total = acc["restraint"]
            causes.state = state
            streak = np.zeros(state.alive.shape, dtype=np.int64)
            mpath = np.full((w, steps + 1, len(iu)), np.nan, dtype=np.float32)
            gpath = np.full((w, steps + 1, len(iu)), np.nan, dtype=np.float32)
            for t in range(1, steps + 1):
                before = state.spending.copy()
                seeker_before = ~state.greedy
                hook.on = restraint and t > params.burn_in
                step(state, params)
                tracker.update(state)
                seek = (~state.greedy) & state.alive
                streak, racing = race_year(streak, before, state.spending, params.race_growth,
                                           params.race_years, seek)
                mu = state.mistrust
                if paths:
                    mpath[:, t] = 0.5 * (mu[:, iu, ju] + mu[:, ju, iu])
                    with np.errstate(divide="ignore", invalid="ignore"):
                        g = np.log(state.spending / before)
                    gpath[:, t] = 0.5 * (g[:, iu] + g[:, ju])
                if t > params.burn_in:
                    s = seek.sum(axis=1)
                    acc["pair_years"] += s * (s - 1) / 2
                    acc["greedy_years"] += (state.greedy & state.alive).sum(axis=1)
                    acc["race_years"] += racing
                    acc["wars"] += state.attacks.sum(axis=(1, 2))
                    assert causes.cause is not None
                    cause = np.where(state.attacks, causes.cause, 0)
                    by_seeker = state.attacks & seeker_before[:, :, None]
                    acc["seeker_wars"] += by_seeker.sum(axis=(1, 2))
                    acc["seeker_preempt"] += (by_seeker & (cause == Cause.PREEMPTION)).sum(
                        axis=(1, 2))
                    for c in CAUSES:
                        acc[c] += (cause == Cause[c.upper()]).sum(axis=(1, 2))
                    cap = state.spending >= params.budget_share * state.output * (1 - 1e-9)
                    acc["cap_years"] += (cap & state.alive).sum(axis=1)
                    acc["state_years"] += state.alive.sum(axis=1)
                    pair = seek[:, :, None] & seek[:, None, :] & ~np.eye(n, dtype=bool)
                    acc["mistrust"] += np.where(pair, mu, 0.0).sum(axis=(1, 2)) / np.maximum(
                        pair.sum(axis=(1, 2)), 1)
            df = tracker.world_frame()
            out["entries"].append(df["n_entries"].to_numpy(float))
            acc["tracked_wars"] = df[[f"n_wars_{c}" for c in CAUSES]].sum(axis=1).to_numpy(
                float)  # the tracker's count (misses wars that end in their first year)
            for k, v in acc.items():
                out[k].append(v)
            if paths:
                spells = tracker.pair_frame()
                pos = {(a, b): k for k, (a, b) in enumerate(zip(iu.tolist(), ju.tolist(),
                                                                strict=True))}
                for row in spells.itertuples():
                    e = row.entry_year
                    if row.at_start or not np.isfinite(e):
                        continue
                    e = round(e / params.dt)
                    if e - 10 < 1 or e + 10 > steps:
                        continue
                    k = pos[(min(row.i, row.j), max(row.i, row.j))]
                    windows.append(mpath[row.world, e + LAGS, k])
                    growth_windows.append(gpath[row.world, e + LAGS, k])
                    baseline.append(np.nanmean(mpath[row.world, e + LAGS, :], axis=1))
    finally:
        _step.war_evidence = hook._orig  # type: ignore[assignment]
        _war.fight_year = causes._orig  # type: ignore[assignment]
    res: dict[str, Any] = {k: np.concatenate(v) for k, v in out.items()}
    res["mistrust"] = res["mistrust"] / max(steps - params.burn_in, 1)
    if paths:
        res["windows"] = np.array(windows).reshape(-1, len(LAGS))
        res["growth_windows"] = np.array(growth_windows).reshape(-1, len(LAGS))
        res["baseline"] = np.array(baseline).reshape(-1, len(LAGS))
    return res


def rate(num: np.ndarray, den: np.ndarray, per: float = 1e5) -> tuple[float, float, np.ndarray]:
    """Ratio estimate per ``per``, its standard error, and each world's linearised value."""
    r = num.sum() / den.sum()
    z = (num - r * den) / den.mean()
    se = z.std(ddof=1) / np.sqrt(len(z))
    return per * r, per * se, per * (r + z)


def summarise(res: dict[str, Any]) -> dict[str, Any]:
    """Rates with standard errors and per-world linearised values (for paired differences)."""
    s: dict[str, Any] = {}
    for name, per in (("entries", 1e5), ("seeker_preempt", 1e5), ("race_years", 1e2),
                      ("wars", 1e5), ("seeker_wars", 1e5), ("tracked_wars", 1e5),
                      *((c, 1e5) for c in CAUSES)):
        r, se, z = rate(res[name], res["pair_years"], per)
        s[name], s[name + "_se"], s["_" + name] = r, se, z
        s["n_" + name] = float(res[name].sum())
    s["cap"] = float(res["cap_years"].sum() / res["state_years"].sum())
    s["pair_years"] = float(res["pair_years"].sum())
    s["mistrust"] = float(res["mistrust"].mean())
    s["mistrust_se"] = float(res["mistrust"].std(ddof=1) / np.sqrt(len(res["mistrust"])))
    s["restraint_per_pair_year"] = float(res["restraint"].sum() / (2 * res["pair_years"].sum()))
    s["greedy_years"] = float(res["greedy_years"].sum())
    if "windows" in res:
        wdw, base, gw = res["windows"], res["baseline"], res["growth_windows"]
        s["n_windows"] = len(wdw)
        if len(wdw):
            s["path_pair"] = np.nanmean(wdw.astype(float), axis=0).round(3).tolist()
            s["path_all"] = np.nanmean(base.astype(float), axis=0).round(3).tolist()
            s["path_growth"] = np.nanmean(gw.astype(float), axis=0).round(3).tolist()
    return s


def main(argv: list[str] | None = None) -> int:
    """Run the blocks asked for and print one line per setting."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=130)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--only", default="", help="comma list of blocks: delta,d,f,n5")
    ap.add_argument("--json", default="")
    ap.add_argument("--paths", action="store_true")
    ap.add_argument("--restraint", action="store_true")
    ap.add_argument("--no-war-learning", action="store_true",
                    help="diagnostic: beliefs ignore attacks and restraint (DESIGN 2.2's war update)")
    ap.add_argument("--base", default="{}", help="JSON dict of world parameters of every run")
    a = ap.parse_args(argv)
    base: dict[str, Any] = {"n_states": 10, "greedy_draw_scale": 0.0, **json.loads(a.base)}
    blocks = {
        "delta": [dict(base, offense_defense_balance=x) for x in (0.5, 1.0, 2.0, 4.0)],
        "d": [dict(base, distinguishability=x) for x in (0.2, 0.5, 0.9)],
        "f": [dict(base, first_strike_advantage=x) for x in (0.0, 0.5)],
    }
    want = [b for b in blocks if not a.only or b in a.only.split(",")]
    report: dict[str, Any] = {"worlds": a.worlds, "steps": a.steps, "seed": a.seed,
                              "base": base, "war_learning": not a.no_war_learning, "rows": []}
    for b in want:
        prev = None
        for kw in blocks[b]:
            t0 = time.time()
            s = summarise(run(WorldParams(**kw), a.worlds, a.steps, a.seed, paths=a.paths,
                              restraint=a.restraint, war_learning=not a.no_war_learning))
            shown = {k: v for k, v in kw.items() if k not in base or k == "greedy_draw_scale"}
            line = (f"{b:6s} {json.dumps(shown):55s} entries {s['entries']:6.2f} "
                    f"+-{1.96 * s['entries_se']:5.2f} race% {s['race_years']:6.3f} "
                    f"+-{1.96 * s['race_years_se']:5.3f} seeker-preempt "
                    f"{s['seeker_preempt']:5.2f} +-{1.96 * s['seeker_preempt_se']:5.2f} "
                    f"wars {s['wars']:6.2f} (by seekers {s['seeker_wars']:.2f}; pred "
                    f"{s['predation']:.2f} preempt {s['preemption']:.2f} prev "
                    f"{s['prevention']:.2f} inadv {s['inadvertent']:.2f}; tracker "
                    f"{s['tracked_wars']:.2f}) cap {s['cap']:.3f} "
                    f"mistrust {s['mistrust']:.4f} "
                    f"restraint/pair-yr {s['restraint_per_pair_year']:+.4f} "
                    f"(n_e {s['n_entries']:.0f}, n_sp {s['n_seeker_preempt']:.0f}, "
                    f"py {s['pair_years']:.3g}, greedy-yrs {s['greedy_years']:.0f}, "
                    f"{time.time() - t0:.0f}s)")
            if prev is not None:
                for name in ("entries", "race_years", "seeker_preempt"):
                    d = s["_" + name] - prev["_" + name]
                    se = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
                    line += f"\n{'':8s}paired vs previous: {name} {d.mean():+.3f} +-{se:.3f}"
            if "path_pair" in s:
                line += (f"\n{'':8s}entry windows {s['n_windows']}: pair mistrust t-10..t+10 "
                         f"{s['path_pair']}\n{'':8s}all pairs {s['path_all']}\n{'':8s}"
                         f"pair log growth {s['path_growth']}")
            print(line, flush=True)
            report["rows"].append({"block": b, "params": shown,
                                   **{k: v for k, v in s.items() if not k.startswith("_")}})
            prev = s
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
