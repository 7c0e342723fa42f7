"""One API across herz.models (issue 14): one ``rng`` keyword, no ``seed``, no upward imports."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import herz.models

MODULES = sorted(m.name for m in pkgutil.walk_packages(herz.models.__path__, "herz.models."))

#: Every public function in herz.models that draws random numbers.
DRAWING = {
    "herz.models.ipd.engine": {"play_batch", "play_indexed", "play_match"},
    "herz.models.ipd.tournament": {"tournament"},
    "herz.models.ipd.evolution": {"payoff_matrix", "moran_process"},
    "herz.models.ipd.interop": {"axelrod_tournament"},
    "herz.models.replicator": {"sample_basins"},
}


def _public_functions(name: str):
    mod = importlib.import_module(name)
    for attr in getattr(mod, "__all__", []):
        obj = getattr(mod, attr)
        if inspect.isfunction(obj) and obj.__module__ == name:
            yield attr, obj


#: Functions that compute a seed (they draw nothing), where ``seed`` is the right name.
SEED_VALUED = {"herz.models.ipd.engine": {"match_seed"}}


@pytest.mark.parametrize("name", MODULES)
def test_no_seed_keyword_and_drawing_functions_take_rng(name):
    for attr, fn in _public_functions(name):
        params = inspect.signature(fn).parameters
        if attr not in SEED_VALUED.get(name, set()):
            assert "seed" not in params, f"{name}.{attr} takes seed: use rng"
        if attr in DRAWING.get(name, set()):
            assert "rng" in params, f"{name}.{attr} draws but takes no rng"
            assert params["rng"].kind is inspect.Parameter.KEYWORD_ONLY


def test_the_drawing_list_is_complete():
    # every function listed exists (a renamed one must be listed again)
    for name, fns in DRAWING.items():
        public = dict(_public_functions(name))
        assert fns <= set(public), (name, fns - set(public))


def test_models_import_nothing_above_them():
    # layers: data < models < world < ...; models may import herz.errors, herz.rng, herz.data
    allowed = ("herz.models", "herz.errors", "herz.rng", "herz.data", "herz._")
    root = Path(herz.models.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for mod in names:
                if mod == "herz" or mod.startswith("herz."):
                    assert mod.startswith(allowed), f"{path.name} imports {mod}"


def test_as_seed_sequence_normalises_like_as_generator():
    import numpy as np

    from herz.errors import ParameterError
    from herz.rng import as_seed_sequence

    assert as_seed_sequence(7).entropy == np.random.SeedSequence(7).entropy
    ss = np.random.SeedSequence(3)
    assert as_seed_sequence(ss) is ss
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    assert as_seed_sequence(a).entropy == as_seed_sequence(b).entropy  # reproducible from it
    assert as_seed_sequence(a).entropy != as_seed_sequence(b.spawn(1)[0]).entropy
    assert as_seed_sequence(None).entropy != as_seed_sequence(None).entropy
    with pytest.raises(ParameterError, match="rng"):
        as_seed_sequence("7")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=">= 0"):
        as_seed_sequence(-3)
