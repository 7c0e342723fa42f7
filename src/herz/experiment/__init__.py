"""Experiments at scale: scenarios, designs, runners and the results store.

Four separate parts with small interfaces (after the EMA Workbench):

- :mod:`~herz.experiment.scenario`: TOML scenario files validated into a frozen
  :class:`Scenario` (what to run, its parameters and mechanisms, the design, seed,
  replicates, steps, where results go); :mod:`~herz.experiment.presets` ships the
  paper's cases.
- :mod:`~herz.experiment.design`: full grid, Latin hypercube, Sobol, Saltelli;
  adaptive replication on the escape probability's confidence interval.
- :mod:`~herz.experiment.runners`: in-process, local processes, Dask cluster.
- :mod:`~herz.experiment.store`: one Parquet file per chunk, a JSON manifest, DuckDB.

:mod:`~herz.experiment.models` defines what a model is (a callable over one design
point, a range of replicates and the point's SeedSequence); a scenario names it by
import path (``world``, ``toy`` and ``empty`` are short names for the built-in ones).
:func:`sweep`, :func:`resume`, :func:`query` and :func:`run_scenario` tie them together.
"""

from herz.experiment.design import Factor, adaptive_additions
from herz.experiment.models import ModelSpec, get_model, model_names, model_path
from herz.experiment.presets import load_preset, preset_names, preset_path
from herz.experiment.query import connect, query
from herz.experiment.runners import DaskRunner, InProcessRunner, ProcessRunner, make_runner
from herz.experiment.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from herz.experiment.store import ResultsError, Store
from herz.experiment.sweep import (
    SweepInterrupted,
    SweepResult,
    resume,
    run_scenario,
    sweep,
    trust_model,
)

__all__ = [
    "DaskRunner",
    "Factor",
    "InProcessRunner",
    "ModelSpec",
    "ProcessRunner",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "Store",
    "SweepInterrupted",
    "SweepResult",
    "adaptive_additions",
    "connect",
    "get_model",
    "load_preset",
    "load_scenario",
    "make_runner",
    "model_names",
    "model_path",
    "parse_scenario",
    "preset_names",
    "preset_path",
    "query",
    "resume",
    "run_scenario",
    "sweep",
    "trust_model",
]
