"""The world: a batched agent-based model of the security dilemma (version 2).

N states with output, arms spending and stocks of offence and defence, private
motives, beliefs about each other, identities and geography, advanced W worlds
at a time (DESIGN.md section 2). The mechanisms, each a module of its own:

========================  ================================  =========================================
mechanism                 module                            source
========================  ================================  =========================================
economy and arms policy   :mod:`herz.world.economy`         Richardson 1960; Glaser & Kaufmann 1998
perception of changes     :mod:`herz.world.perception`      Jervis 1978
correct beliefs, bias     :mod:`herz.world.beliefs`         Kydd 1997, 2005; Jervis 1976
offense-defense balance   :mod:`herz.world.offense_defense` Jervis 1978; Hirshleifer 1989
war with bargaining       :mod:`herz.world.bargaining`      Fearon 1995; Powell 2006; Schelling 1960
war's consequences        :mod:`herz.world.consequences`    DESIGN.md 2.6
costly signals            :mod:`herz.world.signalling`      Kydd 2000, 2005; Montgomery 2006
arms control              :mod:`herz.world.arms_control`    Schelling & Halperin 1961; Kydd 2005
identity (v1 form)        :mod:`herz.world.identity`        Wendt 1992, 1999; Mitzen 2006
communities (v1 form)     :mod:`herz.world.community`       Adler & Barnett 1998
========================  ================================  =========================================

Costly signals and arms control (issue 18) are switches of their own, off by
default; identity and communities keep their version 1 forms on the new state
and are off by default (issue 19 rebuilds them); the
misperception bias is a switch of its own (``mechanisms.misperception``).
Buffer zones (:mod:`herz.world.state`) and motive drift
(:mod:`herz.world.identity`) are neutral at their defaults.

Technology shocks: numeric parameters that stand for technology, information
or costs (:data:`herz.world.schedule.SCHEDULABLE`) may follow a
:class:`~herz.world.schedule.Schedule` of steps and linear ramps
(``WorldParams(schedules={"offense_defense_balance": Schedule.step(at=50,
to=3.0)})``, or ``[world.schedules]`` in a scenario file).

:func:`simulate` runs them; :mod:`herz.world.outcomes` measures each world's
trajectory after a burn-in (entries into the dilemma, exits and their routes,
wars by cause, DESIGN.md section 3); :mod:`herz.world.step` composes one step
in the order :data:`ORDER`.

Randomness. World i of a design point draws every random number from NumPy's
Philox generator keyed by ``herz.rng.child_seed(seed, i)``
(:mod:`herz.world.noise`): draw e of a mechanism's stream at step t is the
first draw of ``Generator(Philox(key=world_key, counter=[0, e, t, stream]))``,
so world i gives bit-identical results alone, in any batch, at any batch size
and in any chunk of a sweep, and any draw can be reproduced with NumPy alone.

Memory and speed. The pairwise arrays make memory grow as W x N^2, about 540
bytes per world and ordered pair, 640 with an extension mechanism on, 130 more
with the misperception bias (:func:`herz.world.state.bytes_per_dyad`); :func:`simulate` runs worlds in
batches (``batch_size``, by default what fits in 512 MiB for the mechanisms
switched on). The hot loops (the threat sum and the belief update) are compiled
with Numba and run in parallel over worlds; ``bench/world_vs_mesa.py`` times
them against the same world in Mesa.

Not modelled (yet): a nuclear second-strike regime, blocs as actors beyond the
pooled defence of security communities, higher-order beliefs beyond the
second order (measured as a bias toward the spiral, not toward escape: stated
mistrust above the greedy share in the middle bins, :mod:`herz.world.beliefs`), and
Yoder and Haynes's own model of endogenous preferences (motive drift is a labelled
stand-in).
"""

from herz.world.outcomes import Outcome
from herz.world.params import (
    Culture,
    Geography,
    Mechanisms,
    ThreatAggregation,
    UpdateOrder,
    WorldParams,
    params_table,
)
from herz.world.schedule import SCHEDULABLE, Schedule
from herz.world.simulate import default_batch_size, run_batch, simulate
from herz.world.state import WorldState, initial_state
from herz.world.step import ORDER, step

#: The version of what the world means (DESIGN.md): 2 since issue 17. A results
#: directory records it (manifest ``versions.model = "world 2"``), and
#: ``herz resume`` refuses one written by another version.
WORLD_VERSION = 2

__all__ = [
    "ORDER",
    "SCHEDULABLE",
    "WORLD_VERSION",
    "Culture",
    "Geography",
    "Mechanisms",
    "Outcome",
    "Schedule",
    "ThreatAggregation",
    "UpdateOrder",
    "WorldParams",
    "WorldState",
    "default_batch_size",
    "initial_state",
    "params_table",
    "run_batch",
    "simulate",
    "step",
]
