"""Run many worlds: per-world outcomes as a DataFrame, trajectories as an xarray Dataset.

World ``i`` of a design point is keyed by ``herz.rng.child_seed(seed, i)``
(see :mod:`herz.world.noise`): asking for worlds i..j (``world_offset`` or
``world_indices``) gives bit-identical results to the same worlds inside a
full batch, whatever the batch size.

Memory grows as W x N^2 (about ``BYTES_PER_DYAD`` = 100 bytes per world and
ordered pair, state plus step temporaries); worlds run in batches of
``batch_size`` (default: as many as fit in ``memory_budget`` bytes, 512 MiB).
Full trajectories add 16 bytes per world, step and ordered pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from herz.errors import ParameterError
from herz.world.noise import world_keys
from herz.world.outcomes import OUTCOME_COLUMNS, classify, seeker_trust
from herz.world.params import WorldParams
from herz.world.state import BYTES_PER_DYAD, WorldState, initial_state
from herz.world.step import ORDER, step

__all__ = ["DEFAULT_MEMORY_BUDGET", "default_batch_size", "run_batch", "simulate"]

#: Default memory budget of one batch, in bytes.
DEFAULT_MEMORY_BUDGET = 512 * 2**20


def default_batch_size(n_states: int, memory_budget: int = DEFAULT_MEMORY_BUDGET) -> int:
    """Worlds per batch that fit ``memory_budget`` bytes (at least 1)."""
    return max(1, int(memory_budget // (BYTES_PER_DYAD * n_states * n_states)))


def _seed_record(seed: int | np.random.SeedSequence) -> dict[str, Any]:
    if isinstance(seed, np.random.SeedSequence):
        ent = seed.entropy
        return {"entropy": str(ent), "spawn_key": list(seed.spawn_key)}
    return {"entropy": str(int(seed)), "spawn_key": []}


def run_batch(params: WorldParams, state: WorldState, steps: int, full: bool = False
              ) -> dict[str, np.ndarray]:
    """Advance ``state`` by ``steps`` steps; return per-step series (and full paths if ``full``).

    Series: mean arsenal, community coverage, wars started, wars being fought
    and greedy states every step; trust among security seekers at the first
    and last step (every step with ``full``).
    """
    w, n = state.worlds, state.n_states
    rec: dict[str, np.ndarray] = {
        "arms_mean": np.empty((w, steps + 1)),
        "trust_seekers": np.full((w, steps + 1), np.nan),
        "community_coverage": np.empty((w, steps + 1)),
        "wars": np.zeros((w, steps + 1), dtype=np.int64),
        "at_war": np.zeros((w, steps + 1), dtype=np.int64),
        "n_greedy": np.zeros((w, steps + 1), dtype=np.int64),
    }
    if full:
        rec["offense"] = np.empty((w, steps + 1, n))
        rec["defense"] = np.empty((w, steps + 1, n))
        rec["mistrust"] = np.empty((w, steps + 1, n, n))
        rec["identity"] = np.empty((w, steps + 1, n, n))
        rec["community"] = np.empty((w, steps + 1, n), dtype=np.int64)

    wars_before = state.n_wars.copy()

    def record(t: int) -> None:
        rec["arms_mean"][:, t] = state.arms().mean(axis=1)
        if full or t in (0, steps):  # outcomes need trust at the start and the end only
            rec["trust_seekers"][:, t] = seeker_trust(state.mistrust, state.greedy)
        rec["community_coverage"][:, t] = (state.community >= 0).mean(axis=1)
        rec["wars"][:, t] = state.n_wars - wars_before
        wars_before[:] = state.n_wars
        rec["at_war"][:, t] = (state.war_target >= 0).sum(axis=1)
        rec["n_greedy"][:, t] = state.greedy.sum(axis=1)
        if full:
            rec["offense"][:, t] = state.offense
            rec["defense"][:, t] = state.defense
            rec["mistrust"][:, t] = state.mistrust
            rec["identity"][:, t] = state.identity
            rec["community"][:, t] = state.community

    record(0)
    for t in range(1, steps + 1):
        step(state, params)
        record(t)
    return rec


@overload
def simulate(params: WorldParams | dict[str, Any] | None = ..., worlds: int = ...,
             steps: int = ..., seed: int | np.random.SeedSequence = ..., *,
             world_offset: int = ..., world_indices: Sequence[int] | None = ...,
             trajectories: Literal[False] = ..., batch_size: int | None = ...,
             rng: int | np.random.SeedSequence | None = ...) -> pd.DataFrame: ...


@overload
def simulate(params: WorldParams | dict[str, Any] | None = ..., worlds: int = ...,
             steps: int = ..., seed: int | np.random.SeedSequence = ..., *,
             world_offset: int = ..., world_indices: Sequence[int] | None = ...,
             trajectories: Literal[True], batch_size: int | None = ...,
             rng: int | np.random.SeedSequence | None = ...) -> Any: ...


def simulate(params: WorldParams | dict[str, Any] | None = None, worlds: int = 1000,
             steps: int = 200, seed: int | np.random.SeedSequence = 0, *,
             world_offset: int = 0, world_indices: Sequence[int] | None = None,
             trajectories: bool = False, batch_size: int | None = None,
             rng: int | np.random.SeedSequence | None = None) -> Any:
    """Run ``worlds`` independent worlds for ``steps`` steps and classify each.

    Parameters
    ----------
    params : WorldParams, dict or None
        The world's parameters (a dict goes through :meth:`WorldParams.from_dict`;
        None means the defaults).
    worlds : int
        Number of worlds (ignored when ``world_indices`` is given).
    steps : int
        Number of steps (years when dt = 1).
    seed : int or numpy.random.SeedSequence
        Root seed of the design point; world i is keyed by
        ``herz.rng.child_seed(seed, i)``.
    world_offset : int
        Index of the first world: worlds ``world_offset ... world_offset +
        worlds - 1`` are run (for chunked sweeps).
    world_indices : sequence of int, optional
        Explicit world indices (overrides ``worlds`` and ``world_offset``).
    trajectories : bool
        Also return the full paths (as an xarray Dataset).
    batch_size : int, optional
        Worlds advanced together (memory about batch_size * N^2 * 100 bytes).
    rng : int or numpy.random.SeedSequence, optional
        The same as ``seed`` (herz's usual keyword); given, it takes precedence.
        A ``numpy.random.Generator`` is refused: worlds need a seed tree, not a
        shared stream.

    Returns
    -------
    pandas.DataFrame with one row per world (columns :data:`OUTCOME_COLUMNS`)
    and ``attrs`` holding the parameters, the seed, the update order and the
    herz version; or, with ``trajectories=True``, an :class:`xarray.Dataset`
    with the same per-world outcomes (dim ``world``), per-step series (dims
    ``world, step``), stocks (``world, step, state``) and beliefs and identities
    (``world, step, state, other``), with the same attributes.
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
        batch_size = default_batch_size(p.n_states)
    if batch_size < 1:
        raise ParameterError("batch_size", batch_size, "must be >= 1")
    if rng is not None:
        seed = rng
    if not isinstance(seed, int | np.integer | np.random.SeedSequence) or isinstance(seed, bool):
        raise ParameterError("seed", seed, "must be an int or a numpy.random.SeedSequence")
    seed_ = seed if isinstance(seed, np.random.SeedSequence) else int(seed)

    frames: list[pd.DataFrame] = []
    paths: list[dict[str, np.ndarray]] = []
    for start in range(0, len(index), batch_size):
        idx = index[start:start + batch_size]
        keys = np.concatenate([world_keys(seed_, 1, int(i)) for i in idx]) if len(idx) else \
            np.empty((0, 2), dtype=np.uint64)
        state = initial_state(p, keys, idx)
        greedy0 = state.greedy.copy()
        rec = run_batch(p, state, int(steps), full=trajectories)
        df = classify(p, rec["arms_mean"], rec["trust_seekers"], rec["community_coverage"],
                      state.n_wars, state.runaway_step)
        df.insert(0, "world", idx)
        df["n_greedy"] = greedy0.sum(axis=1)
        df["n_wars"] = state.n_wars
        df["first_war_step"] = state.first_war_step
        df["first_war_attacker"] = state.first_war_attacker
        df["first_war_target"] = state.first_war_target
        df["runaway_step"] = state.runaway_step
        df["n_greedy_end"] = state.greedy.sum(axis=1)
        df["motive_changes"] = state.motive_changes
        df["war_years"] = state.war_steps * p.dt
        with np.errstate(invalid="ignore", divide="ignore"):
            df["mean_war_duration"] = np.where(
                state.wars_ended > 0,
                state.war_steps_ended / np.maximum(state.wars_ended, 1) * p.dt, np.nan)
        df["wars_ongoing"] = (state.war_target >= 0).sum(axis=1)
        frames.append(df[list(OUTCOME_COLUMNS)])
        if trajectories:
            rec["greedy"] = greedy0
            paths.append(rec)
    out = pd.concat(frames, ignore_index=True)
    attrs = {
        "params": p.to_dict(), "seed": _seed_record(seed_), "herz_version": __version__,
        "update_order": p.update_order.value, "mechanism_order": list(ORDER),
        "mechanisms_on": list(p.mechanisms.on()), "steps": int(steps),
        "random_streams": ("numpy Philox per draw, key from herz.rng.child_seed(seed, world), "
                           "counter [0, draw, step, stream]"),
    }
    out.attrs.update(attrs)
    if not trajectories:
        return out
    return _dataset(out, paths, p, attrs)


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
        "mistrust": (("world", "step", "state", "other"), cat["mistrust"]),
        "identity": (("world", "step", "state", "other"), cat["identity"]),
        "community": (("world", "step", "state"), cat["community"]),
        "greedy": (("world", "state"), cat["greedy"]),
        "arms_mean": (("world", "step"), cat["arms_mean"]),
        "trust_seekers": (("world", "step"), cat["trust_seekers"]),
        "community_coverage_path": (("world", "step"), cat["community_coverage"]),
        "wars": (("world", "step"), cat["wars"]),
        "at_war": (("world", "step"), cat["at_war"]),
        "n_greedy_path": (("world", "step"), cat["n_greedy"]),
    }
    for col in OUTCOME_COLUMNS:
        if col != "world":
            vals = out[col].to_numpy()
            data[col] = (("world",), vals.astype(str) if vals.dtype == object else vals)
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({k: (json.dumps(v) if isinstance(v, dict | list) else v)
                     for k, v in attrs.items()})
    ds["time"] = ("step", np.arange(steps + 1) * p.dt)
    return ds
