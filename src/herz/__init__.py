"""herz: a laboratory for the security dilemma in international relations.

Named after John Herz, who coined the term in 1950. herz carries the classic
formal models of the field (``herz.models``), a batched agent-based world of
states under anarchy (``herz.world``), experiments that sweep it at scale, and
the real historical data to fit the models to (``herz.data``).
"""

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "simulate"]


def __getattr__(name: str) -> Any:
    # herz.simulate is herz.world.simulate, imported on first use (no import-time cost)
    if name == "simulate":
        from herz.world import simulate

        return simulate
    raise AttributeError(f"module 'herz' has no attribute {name!r}")
