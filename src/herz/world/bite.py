"""The bite test of DESIGN.md section 2: whether a mechanism moves what it should.

Rule 2 of every mechanism: switching it on or off (or moving its main
parameter) moves a named outcome by a stated amount, and at most 5% of entries
and exits fall at t <= 2 years after burn-in (version 1's "escape at year 0"
came from dynamics that were settled before anything was measured).

:func:`bite_test` runs the same worlds twice, once with each setting. Worlds
are keyed by (seed, world index), so the two arms share every random draw that
does not depend on the setting (common random numbers), and the difference of
the named outcome is estimated on paired worlds: the mean of the per-world
differences, with a percentile bootstrap interval that resamples worlds
(Efron and Tibshirani 1993, ch. 13). A conditional outcome (for example
P(exit | entered), ``given="entered"``) is the ratio of two means in each arm,
resampled by world the same way.

References
----------
Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from herz.errors import ParameterError
from herz.rng import as_generator
from herz.world.params import WorldParams

__all__ = ["BiteResult", "apply_change", "bite_test", "early_shares", "spell_early_shares"]

Runner = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class BiteResult:
    """A paired on/off comparison of one outcome.

    ``value_on`` and ``value_off`` are the outcome's mean (or conditional
    mean) in each arm; ``difference`` = on - off, with a ``confidence``
    bootstrap interval [``low``, ``high``]; ``n_on``/``n_off`` the worlds the
    means are over (those meeting ``given``). ``early_entries`` and
    ``early_exits`` are the shares of entries and exits at t <= 2 after burn-in
    in each arm (NaN where there were none): over every spell with herz's
    simulate (:func:`spell_early_shares`), over the worlds' first ones with
    another runner (:func:`early_shares`).
    """

    name: str
    outcome: str
    given: str | None
    worlds: int
    value_on: float
    value_off: float
    difference: float
    low: float
    high: float
    confidence: float
    n_on: int
    n_off: int
    early_entries_on: float
    early_entries_off: float
    early_exits_on: float
    early_exits_off: float

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero."""
        return bool(self.low > 0.0 or self.high < 0.0)

    @property
    def early_ok(self) -> bool:
        """At most 5% of entries and of exits at t <= 2 in both arms (NaN counts as ok)."""
        vals = (self.early_entries_on, self.early_entries_off, self.early_exits_on,
                self.early_exits_off)
        return all(not v > 0.05 for v in vals)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for tables and JSON)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def apply_change(params: WorldParams, change: Mapping[str, Any]) -> WorldParams:
    """``params`` with ``change`` applied: field names, ``mechanisms`` as a dict or ``mechanisms.X``."""
    d = params.to_dict()
    mech = dict(d["mechanisms"])
    for key, value in change.items():
        if key == "mechanisms":
            if not isinstance(value, Mapping):
                raise ParameterError("mechanisms", value, "must be a table of switches")
            mech.update(value)
        elif key.startswith("mechanisms."):
            mech[key.split(".", 1)[1]] = value
        else:
            d[key] = value
    d["mechanisms"] = mech
    return WorldParams.from_dict(d)


def early_shares(frame: pd.DataFrame, within: float = 2.0) -> tuple[float, float]:
    """Shares of first entries and first exits at t <= ``within`` years after burn-in.

    From the per-world columns ``entered``, ``time_to_entry``, ``exited`` and
    ``time_to_exit`` (an exit's time after burn-in is time_to_entry +
    time_to_exit). NaN where no world entered (or exited).
    """
    entered = frame["entered"].to_numpy(bool)
    tte = frame["time_to_entry"].to_numpy(float)[entered]
    exited = frame["exited"].to_numpy(bool)
    tx = (frame["time_to_entry"].to_numpy(float) + frame["time_to_exit"].to_numpy(float))[exited]
    e = float(np.mean(tte <= within)) if tte.size else float("nan")
    x = float(np.mean(tx <= within)) if tx.size else float("nan")
    return e, x


def spell_early_shares(spells: pd.DataFrame, params: WorldParams, within: float = 2.0
                       ) -> tuple[float, float]:
    """Shares of all entries and exits (every spell after burn-in) at t <= ``within`` years.

    DESIGN's rule counts every entry and exit; the first entry of a world
    (:func:`early_shares`) comes early whenever entries are frequent, so the
    per-spell shares are the ones to hold to 5%. NaN where there are none.
    """
    fresh = spells[~spells["at_start"].to_numpy(bool)]
    te = fresh["time_to_entry"].to_numpy(float)
    tx = fresh["exit_year"].to_numpy(float) - params.burn_in * params.dt
    tx = tx[np.isfinite(tx)]
    e = float(np.mean(te <= within)) if te.size else float("nan")
    x = float(np.mean(tx <= within)) if tx.size else float("nan")
    return e, x


def _run(runner: Runner, params: WorldParams, worlds: int, steps: int, seed: int
         ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Run one arm; with herz's own simulate, also its spell table."""
    from herz.world.simulate import simulate

    if runner is simulate:
        frame, spells = simulate(params, worlds=worlds, steps=steps, seed=seed, pairs=True)
        return frame, spells
    return runner(params, worlds=worlds, steps=steps, seed=seed), None


def _values(frame: pd.DataFrame, outcome: str, given: str | None
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y = _column(frame, "outcome", outcome)
    if given is None:
        return np.nan_to_num(y, nan=0.0), np.ones(len(frame))
    g = (_column(frame, "given", given) > 0).astype(float)
    return np.where(g > 0, np.nan_to_num(y, nan=0.0), 0.0), g


def _column(frame: pd.DataFrame, field: str, spec: str) -> NDArray[np.float64]:
    """A column as floats, or ``COLUMN=VALUE`` as 0/1 (compared as text)."""
    col, _, level = spec.partition("=")
    if col not in frame.columns:
        raise ParameterError(field, spec, "must be a column of the per-world frame "
                             "(or COLUMN=VALUE): " + ", ".join(map(str, frame.columns)))
    if level:
        return np.asarray((frame[col].astype(str) == level).to_numpy(), dtype=np.float64)
    return np.asarray(frame[col].to_numpy(float), dtype=np.float64)


def bite_test(params: WorldParams | Mapping[str, Any] | None, on: Mapping[str, Any],
              off: Mapping[str, Any], outcome: str, *, given: str | None = None,
              worlds: int = 200, steps: int = 130, seed: int = 0, name: str = "",
              n_boot: int = 2000, confidence: float = 0.95,
              rng: np.random.Generator | int | None = None,
              runner: Runner | None = None) -> BiteResult:
    """Run paired worlds with the ``on`` and the ``off`` change; compare ``outcome``.

    Parameters
    ----------
    params
        The base parameters (a WorldParams, a dict or None for the defaults).
    on
        Changes applied to ``params`` in the first arm (:func:`apply_change`:
        for example ``{"mechanisms.war": True}``).
    off
        Changes applied in the second arm (``{"mechanisms.war": False}``).
    outcome
        A column of simulate's per-world frame (boolean or numeric), or
        ``COLUMN=VALUE`` for the share of worlds where a column has a value
        (``exit_route=transcended``).
    given
        A boolean column (or ``COLUMN=VALUE``, e.g. ``n_greedy=0``) that
        conditions the outcome: its mean is taken over the worlds where it
        holds, in each arm.
    worlds
        Worlds run in each arm (the same worlds).
    steps
        Steps of each run (burn-in included).
    seed
        Root seed of the worlds (both arms).
    name
        A label for the result (default: the outcome).
    n_boot
        Bootstrap resamples of worlds.
    confidence
        Level of the bootstrap interval.
    rng
        Generator of the bootstrap's resampling (default: seeded by ``seed``).
    runner
        The function that runs worlds (default :func:`herz.world.simulate`),
        called as ``runner(params, worlds=..., steps=..., seed=...)``.
    """
    if runner is None:
        from herz.world.simulate import simulate
        runner = simulate
    if isinstance(worlds, bool) or not isinstance(worlds, int) or worlds < 2:
        raise ParameterError("worlds", worlds, "must be a whole number >= 2")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", confidence, "must be in (0, 1)")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 100:
        raise ParameterError("n_boot", n_boot, "must be a whole number >= 100")
    base = (WorldParams() if params is None else
            WorldParams.from_dict(dict(params)) if isinstance(params, Mapping) else params)
    p_on, p_off = apply_change(base, on), apply_change(base, off)
    f_on, s_on = _run(runner, p_on, worlds, steps, seed)
    f_off, s_off = _run(runner, p_off, worlds, steps, seed)
    if "world" in f_on.columns and not np.array_equal(f_on["world"].to_numpy(),
                                                      f_off["world"].to_numpy()):
        raise RuntimeError("the two arms ran different worlds")
    y1, g1 = _values(f_on, outcome, given)
    y0, g0 = _values(f_off, outcome, given)

    def stat(idx: NDArray[np.intp] | slice) -> tuple[float, float]:
        with np.errstate(invalid="ignore", divide="ignore"):
            a = y1[idx].sum() / g1[idx].sum()
            b = y0[idx].sum() / g0[idx].sum()
        return float(a), float(b)

    v1, v0 = stat(slice(None))
    gen = as_generator(rng if rng is not None else seed)
    idx = gen.integers(0, len(y1), size=(n_boot, len(y1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (y1[idx].sum(axis=1) / g1[idx].sum(axis=1)
             - y0[idx].sum(axis=1) / g0[idx].sum(axis=1))
    d = d[np.isfinite(d)]
    alpha = (1.0 - confidence) / 2.0
    low, high = ((float(np.quantile(d, alpha)), float(np.quantile(d, 1.0 - alpha)))
                 if d.size else (float("nan"), float("nan")))
    e1, x1 = early_shares(f_on) if s_on is None else spell_early_shares(s_on, p_on)
    e0, x0 = early_shares(f_off) if s_off is None else spell_early_shares(s_off, p_off)
    return BiteResult(
        name=name or outcome, outcome=outcome, given=given, worlds=worlds, value_on=v1,
        value_off=v0, difference=v1 - v0, low=low, high=high, confidence=confidence,
        n_on=int(g1.sum()), n_off=int(g0.sum()), early_entries_on=e1, early_entries_off=e0,
        early_exits_on=x1, early_exits_off=x0)
