"""herz: a laboratory for the security dilemma in international relations.

Named after John Herz, who coined the term in 1950. herz carries the classic
formal models of the field (``herz.models``), a batched agent-based world of
states under anarchy (``herz.world``), experiments that sweep it at scale, and
the real historical data to fit the models to (``herz.data``).
"""

import os
from typing import Any

# Numba's parallel loops here run on its OpenMP threading layer (GNU libgomp), whose
# idle threads spin by default. On a loaded machine the spinning takes the cores the
# other threads need: with OMP_WAIT_POLICY=PASSIVE a 40-world, N = 100 run took 20 %
# less wall and CPU time at a load average of 11 on 2 cores (3 paired runs,
# 2026-12-03). Set before Numba is imported, and only if the user has not set it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

__all__ = ["__version__", "simulate"]


def __getattr__(name: str) -> Any:
    # herz.simulate is herz.world.simulate, imported on first use (no import-time cost)
    if name == "simulate":
        from herz.world import simulate

        return simulate
    raise AttributeError(f"module 'herz' has no attribute {name!r}")
