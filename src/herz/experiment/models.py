"""What an experiment runs: the model interface and the registry of models.

A *model* is anything that, given the parameters of one design point, a number of
steps, the point's :class:`numpy.random.SeedSequence` and a contiguous range of
replicate indices, returns a :class:`pandas.DataFrame` with one row per replicate,
in replicate order. Replicate ``r`` of a point must draw its random numbers from
``child_seed(point_seed, r)`` and from nothing else, so a chunk of replicates gives
the same rows whichever process runs it and however the replicates are chunked
(the EMA Workbench's separation of *what is run* from *how* and *where*).

:class:`ModelSpec` bundles that callable with the model's parameter names and
defaults, a validator that raises :class:`~herz.errors.ParameterError`, the names of
its switchable mechanisms and how to read "escape" from its rows (for adaptive
replication).

A scenario names its model by import path, ``"package.module:attribute"`` where the
attribute is a :class:`ModelSpec` or a function of no arguments returning one, so a
results directory can be reopened (resumed, replayed, verified) in any fresh
process without anything being registered first. Three short names are built in:
``world`` (the agent-based world of ``herz.world``), ``toy`` (a cheap two-state
noisy arms race for tests and demonstrations) and ``empty`` (no work at all, to
measure the runner's overhead); :data:`BUILTIN_MODELS` maps them to their paths.
Nothing is registered at import time.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from herz.errors import ParameterError, require_nonnegative, require_probability
from herz.rng import child_seed

if TYPE_CHECKING:
    from herz.world.schema import FieldSpec

__all__ = [
    "BUILTIN_MODELS",
    "ModelFn",
    "ModelSpec",
    "get_model",
    "model_names",
    "model_path",
]


class ModelFn(Protocol):
    """The callable at the heart of a model (see the module docstring)."""

    def __call__(
        self,
        params: Mapping[str, Any],
        steps: int,
        seed: np.random.SeedSequence,
        replicates: range,
        mechanisms: Mapping[str, bool],
    ) -> pd.DataFrame:
        """Return one row per replicate in ``replicates``, in order."""
        ...


def _no_validation(params: Mapping[str, Any]) -> dict[str, Any]:
    return dict(params)


@dataclass(frozen=True)
class ModelSpec:
    """A model that an experiment can run.

    Attributes
    ----------
    name:
        The name scenarios use (``[experiment] model = "toy"``).
    run:
        The :class:`ModelFn`.
    defaults:
        Every parameter the model takes, with its default value. The scenario's
        ``[world]`` section and the design's factors may only name these.
    validate:
        Takes a full parameter dict, returns it normalised, raises
        :class:`~herz.errors.ParameterError` naming the field on a bad value.
    mechanisms:
        Names of the mechanisms that ``[mechanisms]`` may switch, with defaults.
    outcome_column, escape_outcomes:
        Rows whose ``outcome_column`` is one of ``escape_outcomes`` count as an
        escape from the spiral; used by adaptive replication. Empty: the model has
        no notion of escape and adaptive designs are refused.
    description:
        One line for listings.
    fields:
        The schema of the parameters (name -> :class:`~herz.world.schema.FieldSpec`)
        where the model declares one (the world does): design factors read their
        allowed ranges and labels from it. Empty: the validator is all there is.
    version:
        The version of what the model means (the world's
        :data:`herz.world.WORLD_VERSION`), or None. A sweep records it in its
        manifest as ``versions.model`` (``"world 2"``), and resume refuses a
        directory that another version wrote (:func:`model_version`).
    """

    name: str
    run: ModelFn
    defaults: Mapping[str, Any]
    validate: Callable[[Mapping[str, Any]], dict[str, Any]] = _no_validation
    mechanisms: Mapping[str, bool] = field(default_factory=dict)
    outcome_column: str = "outcome"
    escape_outcomes: tuple[str, ...] = ()
    description: str = ""
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    version: int | None = None


def model_version(spec: ModelSpec) -> str | None:
    """What a manifest records as ``versions.model``: ``"world 2"``, or None for an unversioned model."""
    return None if spec.version is None else f"{spec.name} {spec.version}"


def unknown_key_message(key: str, allowed: list[str]) -> str:
    """Return "unknown key; did you mean X?" (or the list of allowed keys)."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    if not allowed:
        return "unknown key; this section takes no keys"
    return "unknown key; allowed: " + ", ".join(sorted(allowed))


#: The built-in models' short names and the import paths they stand for.
BUILTIN_MODELS: dict[str, str] = {
    "empty": "herz.experiment.models:EMPTY",
    "toy": "herz.experiment.models:TOY",
    "world": "herz.experiment.world_model:world_spec",
}
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")
_ALLOWED = ("must be one of " + ", ".join(sorted(BUILTIN_MODELS))
            + ", or an import path \"package.module:attribute\"")


def model_names() -> list[str]:
    """The short names of the built-in models."""
    return sorted(BUILTIN_MODELS)


def model_path(name: str) -> str:
    """The import path ``module:attribute`` a model name stands for (checked, not imported)."""
    if name in BUILTIN_MODELS:
        return BUILTIN_MODELS[name]
    if isinstance(name, str) and _PATH.match(name):
        return name
    close = difflib.get_close_matches(str(name), model_names(), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ParameterError("experiment.model", name, _ALLOWED + hint)


def get_model(name: str) -> ModelSpec:
    """The model a scenario names: a built-in short name or an import path ``module:attr``.

    The attribute is a :class:`ModelSpec` or a function of no arguments returning
    one. The result is cached per path (importing is the only side effect).
    """
    return _resolve(model_path(name))


@functools.cache
def _resolve(path: str) -> ModelSpec:
    module_name, attr = path.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ParameterError("experiment.model", path,
                             f"cannot import module {module_name!r} ({exc})") from None
    try:
        entry = getattr(module, attr)
    except AttributeError:
        raise ParameterError("experiment.model", path,
                             f"module {module_name!r} has no attribute {attr!r}") from None
    if not isinstance(entry, ModelSpec) and callable(entry):
        entry = entry()
    if not isinstance(entry, ModelSpec):
        raise ParameterError("experiment.model", path,
                             "must name a ModelSpec or a function returning one")
    return entry


# --------------------------------------------------------------------------- toy


def _toy_validate(params: Mapping[str, Any]) -> dict[str, Any]:
    p = dict(params)
    p["offense_defense_balance"] = require_nonnegative(
        "offense_defense_balance", p["offense_defense_balance"]
    )
    p["distinguishability"] = require_probability("distinguishability", p["distinguishability"])
    p["perception_noise"] = require_nonnegative("perception_noise", p["perception_noise"])
    p["p_greedy"] = require_probability("p_greedy", p["p_greedy"])
    p["signal_cost"] = require_nonnegative("signal_cost", p["signal_cost"])
    p["sleep"] = require_nonnegative("sleep", p["sleep"])
    if p["sleep"] > 60:
        raise ParameterError("sleep", p["sleep"], "must be between 0 and 60 seconds")
    if isinstance(p["fail_at_balance"], bool) or not isinstance(p["fail_at_balance"], int | float):
        raise ParameterError("fail_at_balance", p["fail_at_balance"],
                             "must be a number (-1: never)")
    p["fail_at_balance"] = float(p["fail_at_balance"])
    return p


TOY_DEFAULTS: dict[str, Any] = {
    "offense_defense_balance": 1.0,
    "distinguishability": 0.5,
    "perception_noise": 0.2,
    "p_greedy": 0.2,
    "signal_cost": 0.1,
    "sleep": 0.0,
    "fail_at_balance": -1.0,
}


def toy_model(
    params: Mapping[str, Any],
    steps: int,
    seed: np.random.SeedSequence,
    replicates: range,
    mechanisms: Mapping[str, bool],
) -> pd.DataFrame:
    """A two-state noisy Richardson arms race: cheap, stochastic, for tests and demos.

    Each state reacts to its perceived rival's arms (reaction grows with the
    offense-defense balance and falls with distinguishability), perceived through
    lognormal noise; greedy states (probability ``p_greedy``) add a drive for gain;
    with ``signalling`` on, a security seeker that trusts its rival makes a costly
    cut. War breaks out with a small hazard that rises with offense dominance and
    arms. This is *not* the herz world; it has the same shape of output (an
    ``outcome`` of war, spiral, mitigated or transcended per replicate).

    ``sleep`` adds that many seconds per replicate (a stand-in for a slow model in
    tests); ``fail_at_balance`` raises on purpose at points whose
    ``offense_defense_balance`` equals it (tests of failure recording; -1: never).

    References
    ----------
    Richardson, L. F. (1960). *Arms and Insecurity*. Pittsburgh: Boxwood Press.
    """
    if float(params["offense_defense_balance"]) == float(params.get("fail_at_balance", -1.0)):
        raise RuntimeError(
            f"toy model asked to fail at offense_defense_balance = {params['fail_at_balance']}"
        )
    n = len(replicates)
    if params.get("sleep", 0.0):
        time.sleep(float(params["sleep"]) * n)
    odb = float(params["offense_defense_balance"])
    d = float(params["distinguishability"])
    sigma = float(params["perception_noise"])
    greedy = np.empty((n, 2), dtype=bool)
    noise = np.empty((steps, n, 2))
    uniform = np.empty((steps, n))
    for i, r in enumerate(replicates):
        g = np.random.Generator(np.random.PCG64(child_seed(seed, r)))
        greedy[i] = g.random(2) < float(params["p_greedy"])
        noise[:, i, :] = np.exp(sigma * g.standard_normal((steps, 2)))
        uniform[:, i] = g.random(steps)
    war_on = mechanisms.get("war", True)
    signal_on = mechanisms.get("signalling", True)
    k = 0.08 * odb * (1.0 - 0.6 * d)
    fatigue = 0.1
    arms = np.ones((n, 2))
    peak = arms.max(axis=1)
    war_step = np.full(n, -1)
    signals = np.zeros(n, dtype=np.int64)
    cost = float(params["signal_cost"])
    for t in range(steps):
        perceived = arms[:, ::-1] * noise[t]
        drive = k * perceived - fatigue * arms + 0.1 + 0.05 * greedy
        if signal_on:
            calm = (perceived < arms) & ~greedy
            cut = calm & (uniform[t, :, None] < 0.2 / (1.0 + cost))
            drive = np.where(cut, drive - 0.05 * arms, drive)
            signals += cut.any(axis=1)
        arms = np.maximum(arms + drive, 0.0)
        peak = np.maximum(peak, arms.max(axis=1))
        if war_on:
            hazard = 0.002 * odb * np.log1p(arms.max(axis=1))
            new_war = (war_step < 0) & (uniform[t] < hazard)
            war_step = np.where(new_war, t, war_step)
    final = arms.sum(axis=1) / 2.0
    outcome = np.where(
        war_step >= 0,
        "war",
        np.where(final > 2.0, "spiral", np.where((final < 0.9) & (signals > 0), "transcended",
                                                 "mitigated")),
    )
    return pd.DataFrame(
        {
            "outcome": outcome,
            "war_step": war_step.astype(np.int64),
            "final_arms": final,
            "peak_arms": peak,
            "signals": signals,
        }
    )


TOY = ModelSpec(
    name="toy",
    run=toy_model,
    defaults=TOY_DEFAULTS,
    validate=_toy_validate,
    mechanisms={"war": True, "signalling": True},
    escape_outcomes=("mitigated", "transcended"),
    description="two-state noisy Richardson arms race (tests, demos)",
)


def empty_model(
    params: Mapping[str, Any],
    steps: int,
    seed: np.random.SeedSequence,
    replicates: range,
    mechanisms: Mapping[str, bool],
) -> pd.DataFrame:
    """Do nothing: one row per replicate and no columns (measures runner overhead)."""
    return pd.DataFrame(index=pd.RangeIndex(len(replicates)))


EMPTY = ModelSpec(
    name="empty",
    run=empty_model,
    defaults={"x": 0.0},
    description="does nothing (measures the runner's per-task overhead)",
)
