"""Where the beliefs' calibration holds and where it fails, and why (issue 17, stops 32-33).

Five measurements of the default world (war on unless ``--war-off``; ``--set name=value``
changes a world parameter, repeatable):

``windows``     calibration per bin of mu in years 1-10, 11-30 and 31-60 (the type
                compared is the one in force after the year's war and regime changes,
                before the year's turnover, which acts from the next year);
``martingale``  E[exp(dl) | seeker] and E[exp(-dl) | greedy] of the arms evidence (the
                belief kernel's increment) per window, over all pairs and over beliefs
                in the middle (abs(l) < 2.5): 1 for a correctly specified likelihood;
``warsplit``    the pooled gap of the band 0.2-0.9, after the arms update (before the
                year's war) and at the end of the year, split by whether j has been at
                war so far;
``phitail``     for seekers j with i's belief in the middle: the error of i's prediction of
                j's fear of i, f(l_ji) - E f, in units of the sd i states (Var f from
                Var nu by three-point Gauss-Hermite), by the size of the arms evidence;
``roles``       the gap of years 1-10 by j's war record as seen from i (j attacked i; j
                attacked only others; j was attacked but never attacked; j fought only as
                an ally; j never at war), in the band 0.2-0.9 and over all mu.

``--rows`` (stop 33's prototype, not the world's filter) replaces the war evidence of
:func:`herz.world.beliefs.war_evidence`, j's decision about i, by j's whole row: the
target j chose, or none, a categorical with P(k) = a^H_jk and P(none) = 1 - sum_k a^H_jk
(the chosen-target probabilities of the war policy); i's nu gets i's own row.

Run (a few seconds to a minute each):
    PYTHONPATH=src python scripts/diagnostics/belief_calibration_sources.py windows --n 10
    PYTHONPATH=src python scripts/diagnostics/belief_calibration_sources.py windows --n 4 --war-off
    PYTHONPATH=src python scripts/diagnostics/belief_calibration_sources.py martingale --n 4 --war-off
    PYTHONPATH=src python scripts/diagnostics/belief_calibration_sources.py warsplit --n 6
    PYTHONPATH=src python scripts/diagnostics/belief_calibration_sources.py phitail --n 4 --war-off
    PYTHONPATH=src python scripts/diagnostics/belief_calibration_sources.py roles --worlds 2000 --rows \
        --set fear_depth=0 --set balancing_intercept=-30 --set motive_turnover=0 \
        --set regime_change=0 --set greed_build=0 --set greedy_offense_premium=0

What they showed at stops 32 and 33 (seed 1) is in docs/world-calibration.md, "Calibration
of beliefs: where it holds".
"""

from __future__ import annotations

import argparse
import ast
import importlib

import numpy as np

from herz.world import Mechanisms, WorldParams, economy, initial_state, step
from herz.world.beliefs import NU_VAR, add_pair_evidence, belief_limit
from herz.world.noise import world_keys

STEP = importlib.import_module("herz.world.step")
WINDOWS = ((0, 10), (10, 30), (30, 60))


def _world(args: argparse.Namespace) -> tuple[WorldParams, object]:
    changes = {}
    for item in args.set:
        name, _, value = item.partition("=")
        changes[name] = ast.literal_eval(value)
    p = WorldParams(n_states=args.n, mechanisms=Mechanisms(war=not args.war_off), **changes)
    if args.rows:
        _count_whole_rows()
    return p, initial_state(p, world_keys(args.seed, args.worlds))


def _count_whole_rows() -> None:
    """Make step() count j's whole row of war decisions as evidence (``--rows``)."""
    war_step = STEP._war.war_step
    before: dict[str, np.ndarray] = {}

    def spied(state, params):
        before["alive"] = state.alive.copy()  # the targets j could choose from
        return war_step(state, params)

    def row_evidence(state, params, a_greedy, a_seeker, attacks) -> None:
        lim, n = belief_limit(params), state.n_states
        diag = np.arange(n)
        could = before["alive"][:, :, None] & before["alive"][:, None, :]
        could[:, diag, diag] = False
        ag = np.where(could, np.clip(a_greedy, 0.0, 1.0), 0.0)
        as_ = np.where(could, np.clip(a_seeker, 0.0, 1.0), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            chosen = np.log(np.maximum(ag, 1e-300)) - np.log(np.maximum(as_, 1e-300))
            none = (np.log(np.maximum(1.0 - ag.sum(2), 1e-16))
                    - np.log(np.maximum(1.0 - as_.sum(2), 1e-16)))
        att = attacks & could
        ev = np.where(att.any(2), np.where(att, chosen, 0.0).sum(2), none)  # [w, j]
        ev = np.where(state.alive, np.nan_to_num(ev, nan=0.0, posinf=lim, neginf=-lim), 0.0)
        both = state.alive[:, :, None] & state.alive[:, None, :]
        both[:, diag, diag] = False
        add_pair_evidence(state, np.where(both, ev[:, None, :], 0.0), lim)  # [i, j]: about j

    STEP._war.war_step = spied
    STEP.war_evidence = row_evidence


def _window(t: int) -> int:
    return next(k for k, (lo, hi) in enumerate(WINDOWS) if lo <= t < hi)


def _spy(name: str, before, after=None):
    """Replace ``herz.world.step.<name>`` by a wrapper calling ``before(state)`` first."""
    inner = getattr(STEP, name)

    def wrapped(state, params, *a, **kw):
        before(state)
        out = inner(state, params, *a, **kw)
        if after is not None:
            after(state)
        return out

    setattr(STEP, name, wrapped)


def windows(args: argparse.Namespace) -> None:
    """Calibration per bin of mu in each window."""
    seen: dict[str, np.ndarray] = {}
    _spy("turn_over_types", lambda s: seen.__setitem__("g", s.greedy.copy()))
    p, s = _world(args)
    n = args.n
    off = ~np.eye(n, dtype=bool)
    acc = np.zeros((len(WINDOWS), 3, 10))
    for t in range(WINDOWS[-1][1]):
        seen["g"] = s.greedy.copy()  # without turnover the type is the step's end type
        step(s, p)
        g = np.broadcast_to(seen["g"][:, None, :], (args.worlds, n, n))
        pair = s.alive[:, None, :] & s.alive[:, :, None] & off
        mu = s.mistrust[pair]
        k = np.minimum((mu * 10).astype(int), 9)
        w = _window(t)
        acc[w, 0] += np.bincount(k, weights=mu, minlength=10)
        acc[w, 1] += np.bincount(k, weights=g[pair].astype(float), minlength=10)
        acc[w, 2] += np.bincount(k, minlength=10)
    for (lo, hi), (sm, gs, cnt) in zip(WINDOWS, acc, strict=True):
        ok = cnt >= 1000
        gap = np.where(ok, (sm - gs) / np.maximum(cnt, 1), 0.0)
        band = ok & (np.arange(10) >= 2) & (np.arange(10) <= 8)
        pooled = (sm[band].sum() - gs[band].sum()) / max(cnt[band].sum(), 1)
        print(f"years {lo + 1}-{hi}: worst bin {np.abs(gap).max():.3f}, band 0.2-0.9 "
              f"{pooled:+.3f}; " + " ".join(f"{b / 10:.1f}:{gap[b]:+.3f}" for b in range(10) if ok[b]))


def martingale(args: argparse.Namespace) -> None:
    """E[exp(+-dl)] of the arms evidence per window, all pairs and the middle."""
    seen: dict[str, np.ndarray] = {}
    _spy("update_beliefs", lambda s: seen.__setitem__("l0", s.logodds.copy()),
         lambda s: seen.__setitem__("dl", s.logodds - seen["l0"]))
    p, s = _world(args)
    n = args.n
    off = ~np.eye(n, dtype=bool)
    acc: dict[tuple[int, str, str], list[float]] = {}
    for t in range(WINDOWS[-1][1]):
        greedy_j = np.broadcast_to(s.greedy[:, None, :], (args.worlds, n, n))
        pair = s.alive[:, None, :] & s.alive[:, :, None] & off
        step(s, p)
        dl, mid = seen["dl"], np.abs(seen["l0"]) < 2.5
        for where, m in (("all", pair), ("middle", pair & mid)):
            for truth, sel, x in (("seeker", m & ~greedy_j, np.exp(np.minimum(dl, 30.0))),
                                  ("greedy", m & greedy_j, np.exp(np.minimum(-dl, 30.0)))):
                a = acc.setdefault((_window(t), where, truth), [0.0, 0.0, 0.0])
                a[0] += x[sel].sum()
                a[1] += (x[sel] ** 2).sum()
                a[2] += sel.sum()
    for (w, where, truth), (s1, s2, cnt) in sorted(acc.items()):
        m = s1 / cnt
        se = np.sqrt(max(s2 / cnt - m * m, 0.0) / cnt)
        lo, hi = WINDOWS[w]
        print(f"years {lo + 1}-{hi} {where:6s} {truth}: E = {m:.4f} +- {se:.4f} (n {int(cnt)})")


def warsplit(args: argparse.Namespace) -> None:
    """The band's gap after the arms update and at the year's end, by j's war history."""
    seen: dict[str, np.ndarray] = {}
    war_step = STEP._war.war_step

    def spied(state, params):
        seen["mu"], seen["g"] = state.mistrust.copy(), state.greedy.copy()
        return war_step(state, params)

    STEP._war.war_step = spied
    _spy("turn_over_types", lambda s: seen.__setitem__("g_end", s.greedy.copy()))
    p, s = _world(args)
    n, worlds = args.n, args.worlds
    off = ~np.eye(n, dtype=bool)
    fought = np.zeros((worlds, n), dtype=bool)
    acc: dict[tuple[str, str, str], np.ndarray] = {}
    for t in range(WINDOWS[-1][1]):
        fought_j = np.broadcast_to(fought[:, None, :], (worlds, n, n)).copy()
        pair0 = s.alive[:, None, :] & s.alive[:, :, None] & off
        seen["g_end"] = s.greedy.copy()
        step(s, p)
        fought |= s.at_war.any(axis=2)
        pair1 = s.alive[:, None, :] & s.alive[:, :, None] & off
        when = "years 1-10" if t < 10 else "years 11-60"
        for stage, mu, g, pair in (("after the arms update", seen["mu"], seen["g"], pair0),
                                   ("end of the year", s.mistrust, seen["g_end"], pair1)):
            gj = np.broadcast_to(g[:, None, :], (worlds, n, n))
            band = pair & (mu >= 0.2) & (mu < 0.9)
            for group, m in (("all", band), ("j never at war", band & ~fought_j),
                             ("j at war before", band & fought_j)):
                a = acc.setdefault((when, stage, group), np.zeros(3))
                a += (mu[m].sum(), gj[m].sum(), m.sum())
    for (when, stage, group), (sm, gs, cnt) in sorted(acc.items()):
        if cnt:
            print(f"{when} {stage:22s} {group:16s} n {int(cnt):7d}  mu {sm / cnt:.3f}  "
                  f"greedy {gs / cnt:.3f}  gap {(sm - gs) / cnt:+.3f}")


def phitail(args: argparse.Namespace) -> None:
    """The standardized error of j's fear in i's filter, seekers in the middle."""
    p, s = _world(args)

    def fear(lg: np.ndarray) -> np.ndarray:  # the world's fear weight of a log-odds
        return economy.fear(1.0 / (1.0 + np.exp(-lg)), np.zeros_like(lg), p)

    seen: dict[str, np.ndarray] = {}

    def before(state) -> None:
        nu = state.second_order
        h = np.sqrt(3.0 * state.mech.get(NU_VAR, np.zeros_like(nu)))
        f0, fm, fp = fear(nu), fear(nu - h), fear(nu + h)
        mean = 2.0 / 3.0 * f0 + (fm + fp) / 6.0
        var = 2.0 / 3.0 * (f0 - mean) ** 2 + ((fm - mean) ** 2 + (fp - mean) ** 2) / 6.0
        seen["z"] = (fear(np.swapaxes(state.logodds, 1, 2)) - mean) / np.sqrt(np.maximum(var, 1e-12))
        seen["l0"] = state.logodds.copy()

    _spy("update_beliefs", before, lambda st: seen.__setitem__("dl", st.logodds - seen["l0"]))
    n = args.n
    off = ~np.eye(n, dtype=bool)
    rows = {k: [] for k in range(len(WINDOWS))}
    for t in range(WINDOWS[-1][1]):
        greedy_j = np.broadcast_to(s.greedy[:, None, :], (args.worlds, n, n))
        pair = s.alive[:, None, :] & s.alive[:, :, None] & off
        step(s, p)
        sel = pair & ~greedy_j & (np.abs(seen["l0"]) < 2.5)
        rows[_window(t)].append(np.stack([seen["dl"][sel], seen["z"][sel]]))
    for w, parts in rows.items():
        dl, z = np.concatenate(parts, axis=1)
        lo, hi = WINDOWS[w]
        print(f"years {lo + 1}-{hi}: seekers in the middle n {dl.size}, E[exp(dl)] "
              f"{np.exp(np.minimum(dl, 30)).mean():.3f}, standardized error of j's fear: mean "
              f"{z.mean():+.2f} sd {z.std():.2f} (1 if Var f were right)")
        for a, b in ((-np.inf, 0.0), (0.0, 1.5), (1.5, np.inf)):
            m = (dl >= a) & (dl < b)
            print(f"    arms evidence in [{a}, {b}): share {m.mean():.3f}, error mean {z[m].mean():+.2f}")


def roles(args: argparse.Namespace) -> None:
    """The gap of years 1-10 by j's war record as seen from i."""
    seen: dict[str, np.ndarray] = {}
    _spy("turn_over_types", lambda s: seen.__setitem__("g", s.greedy.copy()))
    p, s = _world(args)
    n, worlds = args.n, args.worlds
    off = ~np.eye(n, dtype=bool)
    attacked_i = np.zeros((worlds, n, n), dtype=bool)  # [i, j]: j has attacked i
    attacker = np.zeros((worlds, n), dtype=bool)  # j has attacked someone
    target = np.zeros((worlds, n), dtype=bool)  # someone has attacked j
    fought = np.zeros((worlds, n), dtype=bool)  # j has been at war, as a party or an ally
    acc: dict[tuple[str, str], np.ndarray] = {}

    def of_j(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x[:, None, :], (worlds, n, n))

    for _ in range(10):
        seen["g"] = s.greedy.copy()
        step(s, p)
        attacked_i |= np.swapaxes(s.attacks, 1, 2)
        attacker |= s.attacks.any(axis=2)
        target |= s.attacks.any(axis=1)
        fought |= s.at_war.any(axis=2)
        pair = s.alive[:, None, :] & s.alive[:, :, None] & off
        groups = {"all": pair, "j attacked i": pair & attacked_i,
                  "j attacked only others": pair & ~attacked_i & of_j(attacker),
                  "j attacked, never attacker": pair & of_j(target & ~attacker),
                  "j fought only as an ally": pair & of_j(fought & ~target & ~attacker),
                  "j never at war": pair & ~of_j(fought | target | attacker)}
        mu, g = s.mistrust, of_j(seen["g"])
        for name, m in groups.items():
            for where, sel in (("band", m & (mu >= 0.2) & (mu < 0.9)), ("all mu", m)):
                a = acc.setdefault((name, where), np.zeros(3))
                a += (mu[sel].sum(), g[sel].sum(), sel.sum())
    for (name, where), (sm, gs, cnt) in acc.items():
        if cnt:
            print(f"years 1-10 {name:27s} {where:6s} n {int(cnt):8d}  mu {sm / cnt:.3f}  "
                  f"greedy {gs / cnt:.3f}  gap {(sm - gs) / cnt:+.3f}")


def main() -> None:
    """Parse the arguments and run one measurement."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["windows", "martingale", "warsplit", "phitail", "roles"])
    ap.add_argument("--n", type=int, default=10, help="states per world")
    ap.add_argument("--worlds", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--war-off", action="store_true")
    ap.add_argument("--rows", action="store_true",
                    help="count j's whole row of war decisions (stop 33's prototype)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a world parameter (a Python literal), repeatable")
    args = ap.parse_args()
    {"windows": windows, "martingale": martingale, "warsplit": warsplit, "phitail": phitail,
     "roles": roles}[args.what](args)


if __name__ == "__main__":
    main()
