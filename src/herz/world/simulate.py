"""Run many worlds: per-world trajectory outcomes as a DataFrame, paths as an xarray Dataset.

World ``i`` of a design point is keyed by ``herz.rng.child_seed(seed, i)``
(see :mod:`herz.world.noise`): asking for worlds i..j (``world_offset`` or
``world_indices``) gives bit-identical results to the same worlds inside a
full batch, whatever the batch size.

Outcomes are measured over the whole trajectory after the burn-in
(DESIGN.md section 3; :class:`herz.world.outcomes.TrajectoryTracker`, online,
so that no per-pair path is kept): one row per world with the columns of
:data:`WORLD_COLUMNS`, and with ``pairs=True`` also the table of seeker-pair
spells.

Memory grows as W x N^2 (about ``BYTES_PER_DYAD`` = 540 bytes per world and
ordered pair, state plus step temporaries, 640 with an extension mechanism on,
130 more with the misperception bias: :func:`herz.world.state.bytes_per_dyad`); worlds run in batches of
``batch_size`` (default: as many as fit in ``memory_budget`` bytes, 512 MiB, so
W = 1000 worlds of N = 193 peak under 1 GiB).
Full trajectories add 24 bytes per world, step and ordered pair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from herz.errors import ParameterError
from herz.world.noise import world_keys
from herz.world.outcomes import OUTCOME_COLUMNS, TrajectoryTracker
from herz.world.params import WorldParams, check_per_world
from herz.world.state import BYTES_PER_DYAD, WorldState, bytes_per_dyad, initial_state
from herz.world.step import ORDER, step

__all__ = ["DEFAULT_MEMORY_BUDGET", "WORLD_COLUMNS", "default_batch_size", "run_batch",
           "seeker_trust", "seeker_war_years", "simulate"]

#: Default memory budget of one batch, in bytes.
DEFAULT_MEMORY_BUDGET = 512 * 2**20

#: Columns of the per-world frame: the trajectory outcomes, then descriptive measures.
WORLD_COLUMNS: tuple[str, ...] = OUTCOME_COLUMNS


def default_batch_size(n_states: int, memory_budget: int = DEFAULT_MEMORY_BUDGET,
                       params: WorldParams | None = None) -> int:
    """Worlds per batch that fit ``memory_budget`` bytes (at least 1).

    With ``params``, the bytes per dyad of its mechanisms (:func:`bytes_per_dyad`);
    without, those of the default mechanisms.
    """
    per = BYTES_PER_DYAD if params is None else bytes_per_dyad(params)
    return max(1, int(memory_budget // (per * n_states * n_states)))


def _seed_record(seed: int | np.random.SeedSequence) -> dict[str, Any]:
    if isinstance(seed, np.random.SeedSequence):
        ent = seed.entropy
        return {"entropy": str(ent), "spawn_key": list(seed.spawn_key)}
    return {"entropy": str(int(seed)), "spawn_key": []}


def seeker_trust(mistrust: np.ndarray, greedy: np.ndarray, alive: np.ndarray | None = None
                 ) -> np.ndarray:
    """Mean trust 1 - mu[i, j] over ordered pairs of living security seekers, (W,).

    Over all ordered pairs of living states when a world has fewer than two
    living seekers (NaN if it has fewer than two living states).
    """
    w, n = greedy.shape
    live = np.ones((w, n), dtype=bool) if alive is None else alive
    off = ~np.eye(n, dtype=bool)
    trust = 1.0 - mistrust
    seek = (~greedy) & live
    both = seek[:, :, None] & seek[:, None, :] & off
    pairs = live[:, :, None] & live[:, None, :] & off
    cnt = both.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        s_mean = (trust * both).sum(axis=(1, 2)) / cnt
        a_mean = (trust * pairs).sum(axis=(1, 2)) / pairs.sum(axis=(1, 2))
    return np.where(cnt > 0, s_mean, a_mean)


def seeker_war_years(params: WorldParams, worlds: int, steps: int, seed: int
                     ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, WorldState]:
    """Per world: a war started by a security seeker after burn-in; years in the dilemma.

    Runs worlds ``0 .. worlds - 1`` of ``seed`` for ``steps`` years. Returns
    the (W,) booleans "a security seeker attacked in a year after the burn-in",
    the (W,) years in the dilemma (the summed durations of the seeker pairs'
    spells of :class:`herz.world.outcomes.TrajectoryTracker`, censored at the
    horizon), the spell table and the final state.
    """
    st = initial_state(params, world_keys(seed, worlds))
    tracker = TrajectoryTracker(params, st)
    seeker_war = np.zeros(worlds, dtype=bool)
    for _ in range(steps):
        step(st, params)
        tracker.update(st)
        if st.t > params.burn_in:
            seeker_war |= (st.attacks & ~st.greedy[:, :, None]).any(axis=(1, 2))
    spells = tracker.pair_frame()
    years = np.zeros(worlds)
    if len(spells):
        np.add.at(years, spells["world"].to_numpy(dtype=np.int64),
                  np.nan_to_num(spells["duration"].to_numpy(dtype=float)))
    return seeker_war, years, spells, st


def _seeker_mean(x: np.ndarray, greedy: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Mean of a pair array over ordered pairs of living seekers (NaN if none), (W,)."""
    n = greedy.shape[1]
    seek = (~greedy) & alive
    both = seek[:, :, None] & seek[:, None, :] & ~np.eye(n, dtype=bool)
    cnt = both.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, (x * both).sum(axis=(1, 2)) / np.maximum(cnt, 1), np.nan)


def run_batch(params: WorldParams, state: WorldState, steps: int, full: bool = False,
              tracker: TrajectoryTracker | None = None) -> dict[str, np.ndarray]:
    """Advance ``state`` by ``steps`` steps; return per-step series (and full paths if ``full``).

    Series (W, steps + 1): mean arsenal, trust among living security seekers (at
    the first and last step; every step with ``full``), community coverage, wars
    started, wars in progress, greedy states and living states. ``tracker``, if given, reads the state after every step.
    """
    w, n = state.worlds, state.n_states
    rec: dict[str, np.ndarray] = {
        "arms_mean": np.empty((w, steps + 1)),
        "trust_seekers": np.full((w, steps + 1), np.nan),
        "community_coverage": np.empty((w, steps + 1)),
        "wars": np.zeros((w, steps + 1), dtype=np.int64),
        "at_war": np.zeros((w, steps + 1), dtype=np.int64),
        "n_greedy": np.zeros((w, steps + 1), dtype=np.int64),
        "n_alive": np.zeros((w, steps + 1), dtype=np.int64),
        "first_war_step": np.full(w, -1, dtype=np.int64),
    }
    if full:
        for name in ("offense", "defense", "output", "spending"):
            rec[name] = np.empty((w, steps + 1, n))
        rec["alive"] = np.empty((w, steps + 1, n), dtype=bool)
        rec["greedy_path"] = np.empty((w, steps + 1, n), dtype=bool)
        rec["mistrust"] = np.empty((w, steps + 1, n, n))
        rec["mistrust_shadow"] = np.empty((w, steps + 1, n, n))
        rec["identity"] = np.empty((w, steps + 1, n, n))
        rec["community"] = np.empty((w, steps + 1, n), dtype=np.int64)

    def record(t: int) -> None:
        alive = state.alive
        arms = state.arms() * alive
        rec["arms_mean"][:, t] = arms.sum(axis=1) / np.maximum(alive.sum(axis=1), 1)
        if full or t in (0, steps):  # the outcomes need trust at the start and the end only
            rec["trust_seekers"][:, t] = seeker_trust(state.mistrust, state.greedy, alive)
        rec["community_coverage"][:, t] = (state.community >= 0).mean(axis=1)
        started = state.attacks.sum(axis=(1, 2))
        rec["wars"][:, t] = started
        first = (started > 0) & (rec["first_war_step"] < 0)
        rec["first_war_step"][first] = t - 1  # the step in which the war started
        rec["at_war"][:, t] = state.at_war.sum(axis=(1, 2)) // 2
        rec["n_greedy"][:, t] = (state.greedy & alive).sum(axis=1)
        rec["n_alive"][:, t] = alive.sum(axis=1)
        if full:
            for name in ("offense", "defense", "output", "spending", "alive"):
                rec[name][:, t] = getattr(state, name)
            rec["greedy_path"][:, t] = state.greedy  # types turn over (motive_turnover)
            rec["mistrust"][:, t] = state.mistrust
            rec["mistrust_shadow"][:, t] = state.mistrust_shadow
            rec["identity"][:, t] = state.identity
            rec["community"][:, t] = state.community

    record(0)
    for t in range(1, steps + 1):
        step(state, params)
        record(t)
        if tracker is not None:
            tracker.update(state)
    return rec


@overload
def simulate(params: WorldParams | dict[str, Any] | None = ..., worlds: int = ...,
             steps: int = ..., seed: int | np.random.SeedSequence | None = ..., *,
             world_offset: int = ..., world_indices: Sequence[int] | None = ...,
             trajectories: Literal[False] = ..., pairs: Literal[False] = ...,
             batch_size: int | None = ...,
             rng: int | np.random.SeedSequence | None = ...,
             per_world: Mapping[str, Any] | None = ...) -> pd.DataFrame: ...


@overload
def simulate(params: WorldParams | dict[str, Any] | None = ..., worlds: int = ...,
             steps: int = ..., seed: int | np.random.SeedSequence | None = ..., *,
             world_offset: int = ..., world_indices: Sequence[int] | None = ...,
             trajectories: bool = ..., pairs: bool = ..., batch_size: int | None = ...,
             rng: int | np.random.SeedSequence | None = ...,
             per_world: Mapping[str, Any] | None = ...) -> Any: ...


def simulate(params: WorldParams | dict[str, Any] | None = None, worlds: int = 1000,
             steps: int = 200, seed: int | np.random.SeedSequence | None = None, *,
             world_offset: int = 0, world_indices: Sequence[int] | None = None,
             trajectories: bool = False, pairs: bool = False, batch_size: int | None = None,
             rng: int | np.random.SeedSequence | None = None,
             per_world: Mapping[str, Any] | None = None) -> Any:
    """Run ``worlds`` independent worlds for ``steps`` steps and measure their trajectories.

    Parameters
    ----------
    params : WorldParams, dict or None
        The world's parameters (a dict goes through :meth:`WorldParams.from_dict`;
        None means the defaults).
    worlds : int
        Number of worlds (ignored when ``world_indices`` is given).
    steps : int
        Number of steps (years when dt = 1), burn-in included.
    seed, rng : int or numpy.random.SeedSequence, optional
        Root seed of the design point (the same thing under herz's two usual
        names: give one, not both; neither means 0); world i is keyed by
        ``herz.rng.child_seed(seed, i)``. A ``numpy.random.Generator`` is
        refused: worlds need a seed tree, not a shared stream.
    world_offset : int
        Index of the first world: worlds ``world_offset ... world_offset +
        worlds - 1`` are run (for chunked sweeps).
    world_indices : sequence of int, optional
        Explicit world indices (overrides ``worlds`` and ``world_offset``).
    trajectories : bool
        Also return the full paths (as an xarray Dataset).
    pairs : bool
        Also return the per seeker-pair spell table
        (:data:`herz.world.episodes.SPELL_COLUMNS`; ``world`` is the world index).
    batch_size : int, optional
        Worlds advanced together (memory about batch_size * N^2 * bytes_per_dyad(params)).
    per_world : mapping, optional
        One value per world for fields marked ``per_world`` in the schema
        (:data:`herz.world.params.PER_WORLD`): ``{field: array of length W}``,
        W the number of worlds run (in the order of the world indices). So one
        batch holds many parameter draws. Checked by
        :func:`herz.world.params.check_per_world`. A world's results equal
        those of a scalar run at its values, whatever the other worlds hold.

    Returns
    -------
    pandas.DataFrame with one row per world (columns :data:`WORLD_COLUMNS`:
    the trajectory outcomes of DESIGN.md section 3 measured after
    ``params.burn_in``, then descriptive measures) and ``attrs`` holding the
    parameters, the seed, the mechanism order and the herz version; or, with
    ``trajectories=True``, an :class:`xarray.Dataset` with the same per-world
    outcomes (dim ``world``), per-step series (``world, step``), stocks,
    output and spending (``world, step, state``) and beliefs and identities
    (``world, step, state, other``). With ``pairs=True`` the result is a
    tuple ``(that, spells)``.
    """
    from herz import __version__

    if params is None:
        p = WorldParams()
    elif isinstance(params, dict):
        p = WorldParams.from_dict(params)
    elif isinstance(params, WorldParams):
        p = params
    else:
        raise ParameterError("params", params, "must be a WorldParams, a dict or None")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
        raise ParameterError("steps", steps, "must be a whole number >= 1")
    if world_indices is not None:
        index = np.asarray(list(world_indices), dtype=np.int64)
        if index.ndim != 1 or (index < 0).any():
            raise ParameterError("world_indices", world_indices, "must be indices >= 0")
    else:
        if isinstance(worlds, bool) or not isinstance(worlds, int | np.integer) or worlds < 1:
            raise ParameterError("worlds", worlds, "must be a whole number >= 1")
        if world_offset < 0:
            raise ParameterError("world_offset", world_offset, "must be >= 0")
        index = np.arange(world_offset, world_offset + worlds, dtype=np.int64)
    if batch_size is None:
        batch_size = default_batch_size(p.n_states, params=p)
    if batch_size < 1:
        raise ParameterError("batch_size", batch_size, "must be >= 1")
    if seed is not None and rng is not None:
        raise ParameterError("seed", seed, f"and rng ({rng!r}) were both given: give one of "
                             "seed and rng, not both")
    if seed is None:
        seed = 0 if rng is None else rng
    if not isinstance(seed, int | np.integer | np.random.SeedSequence) or isinstance(seed, bool):
        raise ParameterError("seed" if rng is None else "rng", seed,
                             "must be an int or a numpy.random.SeedSequence")
    seed_ = seed if isinstance(seed, np.random.SeedSequence) else int(seed)
    pw = check_per_world(per_world or {}, len(index), p)
    p_all = p.with_world_values(pw) if pw else p

    frames: list[pd.DataFrame] = []
    spells: list[pd.DataFrame] = []
    paths: list[dict[str, np.ndarray]] = []
    for start in range(0, len(index), batch_size):
        idx = index[start:start + batch_size]
        keys = np.concatenate([world_keys(seed_, 1, int(i)) for i in idx]) if len(idx) else \
            np.empty((0, 2), dtype=np.uint64)
        pb = p_all.world_slice(slice(start, start + batch_size))
        state = initial_state(pb, keys, idx)
        greedy0 = state.greedy.copy()
        arms0 = (state.arms() * state.alive).sum(axis=1) / state.n_states
        output0 = state.output.mean(axis=1)
        tracker = TrajectoryTracker(pb, state)
        rec = run_batch(pb, state, int(steps), full=trajectories, tracker=tracker)
        df = tracker.world_frame().reset_index(drop=True)
        df.insert(0, "world", idx)
        wars = [c for c in ("n_wars_predation", "n_wars_preemption", "n_wars_prevention",
                            "n_wars_inadvertent") if c in df.columns]
        df["n_wars"] = df[wars].sum(axis=1) if wars else 0
        df["first_war_step"] = rec["first_war_step"]
        df["n_greedy"] = greedy0.sum(axis=1)
        df["n_greedy_end"] = (state.greedy & state.alive).sum(axis=1)
        alive_n = np.maximum(state.alive.sum(axis=1), 1)
        df["arms_start"] = arms0
        df["arms_end"] = (state.arms() * state.alive).sum(axis=1) / alive_n
        with np.errstate(invalid="ignore", divide="ignore"):
            df["arms_ratio"] = np.where(arms0 > 0, df["arms_end"] / np.where(arms0 > 0, arms0, 1),
                                        np.inf)
        df["output_start"] = output0
        df["output_end"] = (state.output * state.alive).sum(axis=1) / alive_n
        df["trust_start"] = rec["trust_seekers"][:, 0]
        df["trust_end"] = rec["trust_seekers"][:, -1]
        df["trust_change"] = df["trust_end"] - df["trust_start"]
        df["trust_shadow_end"] = seeker_trust(state.mistrust_shadow, state.greedy, state.alive)
        # the psychological spiral: mistrust from the bias beyond the rational one
        df["psychological_spiral"] = _seeker_mean(state.logodds - state.logodds_shadow,
                                                  state.greedy, state.alive)
        df["informativeness"] = _seeker_mean(state.informativeness, state.greedy, state.alive)
        df["motive_changes"] = state.counts["motive_changes"]
        df["runaway_step"] = state.runaway_step
        if "time_to_exit" in df.columns and "escaped" in df.columns:
            df["time_to_escape"] = np.where(df["escaped"].astype(bool), df["time_to_exit"],
                                            np.nan)
        frames.append(df[[c for c in WORLD_COLUMNS if c in df.columns]])
        if pairs:
            sp = tracker.pair_frame().copy()
            if len(sp):
                sp["world"] = idx[sp["world"].to_numpy(dtype=np.int64)]
            spells.append(sp)
        if trajectories:
            rec["greedy"] = greedy0
            paths.append(rec)
    out = pd.concat(frames, ignore_index=True)
    attrs = {
        "params": p.to_dict(), "seed": _seed_record(seed_), "herz_version": __version__,
        "update_order": p.update_order.value, "mechanism_order": list(ORDER),
        "mechanisms_on": list(p.mechanisms.on()), "steps": int(steps),
        "burn_in": int(p.burn_in),
        "random_streams": ("numpy Philox per draw, key from herz.rng.child_seed(seed, world), "
                           "counter [0, draw, step, stream]"),
    }
    if pw:
        attrs["per_world"] = {k: v.tolist() for k, v in pw.items()}
    out.attrs.update(attrs)
    result: Any = out if not trajectories else _dataset(out, paths, p, attrs)
    if not pairs:
        return result
    table = pd.concat(spells, ignore_index=True) if spells else pd.DataFrame()
    table.attrs.update(attrs)
    return result, table


def _dataset(out: pd.DataFrame, paths: list[dict[str, np.ndarray]], p: WorldParams,
             attrs: dict[str, Any]) -> Any:
    import json

    import xarray as xr

    cat = {k: np.concatenate([r[k] for r in paths]) for k in paths[0]}
    steps = cat["arms_mean"].shape[1] - 1
    coords = {"world": out["world"].to_numpy(), "step": np.arange(steps + 1),
              "state": np.arange(p.n_states), "other": np.arange(p.n_states)}
    data: dict[str, Any] = {
        "offense": (("world", "step", "state"), cat["offense"]),
        "defense": (("world", "step", "state"), cat["defense"]),
        "output": (("world", "step", "state"), cat["output"]),
        "spending": (("world", "step", "state"), cat["spending"]),
        "alive": (("world", "step", "state"), cat["alive"]),
        "mistrust": (("world", "step", "state", "other"), cat["mistrust"]),
        "mistrust_shadow": (("world", "step", "state", "other"), cat["mistrust_shadow"]),
        "identity": (("world", "step", "state", "other"), cat["identity"]),
        "community": (("world", "step", "state"), cat["community"]),
        "greedy": (("world", "state"), cat["greedy"]),
        "greedy_path": (("world", "step", "state"), cat["greedy_path"]),
        "arms_mean": (("world", "step"), cat["arms_mean"]),
        "trust_seekers": (("world", "step"), cat["trust_seekers"]),
        "community_coverage_path": (("world", "step"), cat["community_coverage"]),
        "wars": (("world", "step"), cat["wars"]),
        "at_war": (("world", "step"), cat["at_war"]),
        "n_greedy_path": (("world", "step"), cat["n_greedy"]),
        "n_alive_path": (("world", "step"), cat["n_alive"]),
    }
    for col in out.columns:
        if col != "world":
            vals = out[col].to_numpy()
            data[col] = (("world",), vals.astype(str) if vals.dtype == object else vals)
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({k: (json.dumps(v) if isinstance(v, dict | list) else v)
                     for k, v in attrs.items()})
    ds["time"] = ("step", np.arange(steps + 1) * p.dt)
    return ds
