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
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from herz.errors import ParameterError
from herz.experiment.models import ModelSpec

__all__ = ["world_model", "world_spec"]

_RANGE = re.compile(r"^must be in \[([^,\]]+), ([^\]]+)\]$")


def _defaults() -> dict[str, Any]:
    from herz.world import WorldParams

    d = WorldParams().to_dict()
    d.pop("mechanisms", None)
    return d


def _validate(params: Mapping[str, Any]) -> dict[str, Any]:
    from herz.world import WorldParams

    data = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    try:
        p = WorldParams.from_dict(data)
    except ParameterError as exc:
        allowed = exc.allowed
        m = _RANGE.match(allowed)
        if m:  # "in [0, 1]" reads "between 0 and 1" in a scenario's messages
            allowed = f"must be between {m.group(1)} and {m.group(2)}"
        raise ParameterError(exc.field, exc.value, allowed) from None
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


def world_spec() -> ModelSpec:
    """The :class:`ModelSpec` of the world, read from :mod:`herz.world`."""
    from herz.world import Mechanisms, Outcome

    escape = tuple(o.value for o in Outcome if o.value in ("mitigated", "transcended"))
    return ModelSpec(
        name="world",
        run=world_model,
        defaults=_defaults(),
        validate=_validate,
        mechanisms={f.name: f.default for f in dataclasses.fields(Mechanisms)},  # type: ignore[misc]
        outcome_column="outcome",
        escape_outcomes=escape,
        description="the batched agent-based world of herz.world",
    )
