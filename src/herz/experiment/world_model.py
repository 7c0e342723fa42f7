"""The agent-based world of :mod:`herz.world` as an experiment model.

The scenario's ``[world]`` section takes exactly the fields of
:class:`herz.world.WorldParams` (read from the dataclass, never copied here) and
``[mechanisms]`` the fields of :class:`herz.world.Mechanisms`. World ``r`` of a
design point is world index ``r`` of :func:`herz.world.simulate` under the point's
SeedSequence, so a chunk of replicates ``a..b-1`` is ``simulate(...,
world_offset=a)`` and equals the same worlds of any larger batch.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from herz.errors import ParameterError
from herz.experiment.models import ModelSpec

__all__ = ["world_model", "world_spec"]


def _validate(params: Mapping[str, Any]) -> dict[str, Any]:
    """The world's own check (:class:`herz.world.WorldParams`), its messages unchanged."""
    from herz.world import WorldParams

    data = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    try:
        p = WorldParams.from_dict(data)
    except ParameterError:
        raise
    except (TypeError, ValueError) as exc:
        raise ParameterError("world", dict(params), f"not valid world parameters ({exc})"
                             ) from None
    out = p.to_dict()
    out.pop("mechanisms", None)
    return out


def world_model(
    params: Mapping[str, Any],
    steps: int,
    seed: np.random.SeedSequence,
    replicates: range,
    mechanisms: Mapping[str, bool],
) -> pd.DataFrame:
    """Run worlds ``replicates`` of one design point with :func:`herz.world.simulate`."""
    from herz.world import simulate

    df = simulate({**dict(params), "mechanisms": dict(mechanisms)}, worlds=len(replicates),
                  steps=int(steps), seed=seed, world_offset=replicates.start)
    if "world" in df.columns:
        if not np.array_equal(df["world"].to_numpy(), np.arange(replicates.start,
                                                                replicates.stop)):
            raise RuntimeError("herz.world.simulate returned other worlds than asked for")
        df = df.drop(columns=["world"])
    df.attrs = {}
    return df


@functools.cache
def world_spec() -> ModelSpec:
    """The :class:`ModelSpec` of the world, read from the schema of :mod:`herz.world`.

    Its parameters, defaults and ranges are :func:`herz.world.schema.world_fields`;
    nothing about a parameter is written here.
    """
    from herz.world import WORLD_VERSION, Mechanisms, Outcome, WorldParams
    from herz.world.schema import world_fields

    defaults = WorldParams().to_dict()
    defaults.pop("mechanisms", None)
    escape = tuple(o.value for o in Outcome if o.value in ("mitigated", "transcended"))
    return ModelSpec(
        name="world",
        run=world_model,
        defaults=defaults,
        validate=_validate,
        mechanisms={f.name: f.default for f in dataclasses.fields(Mechanisms)},  # type: ignore[misc]
        outcome_column="outcome",
        escape_outcomes=escape,
        description="the batched agent-based world of herz.world",
        fields={s.name: s for s in world_fields() if not s.name.startswith("mechanisms.")},
        version=WORLD_VERSION,
    )
