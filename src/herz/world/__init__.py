"""The world: a batched agent-based model of the security dilemma.

N states with offensive and defensive arsenals, private motives, beliefs about
each other, identities, ontological security and geography, advanced W worlds
at a time under eight switchable mechanisms, each a module of its own:

======================  ==============================  =========================================
mechanism               module                          source
======================  ==============================  =========================================
perception              :mod:`herz.world.perception`    Jervis 1978; Tang 2009; Kertzer et al. 2024
belief update           :mod:`herz.world.beliefs`       Kydd 1997, 2005
arms policy             :mod:`herz.world.arms`          Richardson 1960; Glaser 1997
offense-defense balance :mod:`herz.world.offense_defense` Jervis 1978; Glaser & Kaufmann 1998
signalling              :mod:`herz.world.signalling`    Kydd 2000; Montgomery 2006
war                     :mod:`herz.world.war`           Fearon 1995; Van Evera 1998
identity                :mod:`herz.world.identity`      Wendt 1992, 1999; Mitzen 2006
security communities    :mod:`herz.world.community`     Adler & Barnett 1998
======================  ==============================  =========================================

Four more change what the eight act on, each off or neutral by default (a
world with default values gives the numbers it gave before they existed):

======================  ==============================  =========================================
schedules               :mod:`herz.world.schedule`      Jervis 1978; Glaser & Kaufmann 1998
buffer zones            :mod:`herz.world.state`         Garver 2001; Boulding 1962
motive drift            :mod:`herz.world.identity`      stand-in for Yoder & Haynes 2024
multi-step wars         :mod:`herz.world.war`           Nilsson 2012
======================  ==============================  =========================================

Technology shocks: numeric parameters that stand for technology, information
or costs (:data:`herz.world.schedule.SCHEDULABLE`) may follow a
:class:`~herz.world.schedule.Schedule` of steps and linear ramps
(``WorldParams(schedules={"offense_defense_balance": Schedule.step(at=50,
to=3.0)})``, or ``[world.schedules]`` in a scenario file).

:func:`simulate` runs them; :mod:`herz.world.outcomes` classifies each world
by Booth and Wheeler's logics; :mod:`herz.world.step` composes one step in the
order :data:`ORDER`.

Randomness. World i of a design point draws every random number from NumPy's
Philox generator keyed by ``herz.rng.child_seed(seed, i)``
(:mod:`herz.world.noise`): draw e of a mechanism's stream at step t is the
first draw of ``Generator(Philox(key=world_key, counter=[0, e, t, stream]))``,
so world i gives bit-identical results alone, in any batch, at any batch size
and in any chunk of a sweep, and any draw can be reproduced with NumPy alone.

Memory and speed. The pairwise arrays make memory grow as W x N^2, about 100
bytes per world and ordered pair (:data:`herz.world.state.BYTES_PER_DYAD`);
:func:`simulate` runs worlds in batches (``batch_size``, by default what fits
in 512 MiB). The hot loops (perception, belief update, the threat sum, war
decisions, communities) are compiled with Numba and run in parallel over worlds;
``bench/world_vs_mesa.py`` times them against the same world in Mesa.

Not modelled (yet): blocs as actors beyond the pooled defence of security
communities and the summed offence outsiders see, and Yoder and Haynes's own model of endogenous preferences (motive
drift is a labelled stand-in).
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

__all__ = [
    "ORDER",
    "SCHEDULABLE",
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
