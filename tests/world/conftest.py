import numpy as np
import pytest

from herz.world import Mechanisms, WorldParams, initial_state
from herz.world.noise import world_keys


def _make_state(params: WorldParams, worlds: int = 1, seed: int = 0, **arrays):
    state = initial_state(params, world_keys(seed, worlds))
    for name, value in arrays.items():
        cur = getattr(state, name)
        setattr(state, name, np.broadcast_to(np.asarray(value, dtype=cur.dtype), cur.shape).copy())
    return state


@pytest.fixture
def quiet():
    """Every mechanism off, no spread: a blank world to switch things on in."""
    return WorldParams(mechanisms=Mechanisms.none(), initial_arms_spread=0.0, p_greedy=0.0,
                       perception_noise=0.0)


@pytest.fixture
def make_state():
    return _make_state
