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

:func:`simulate` runs them; :mod:`herz.world.outcomes` classifies each world
by Booth and Wheeler's logics; :mod:`herz.world.step` composes one step in the
order :data:`ORDER`.
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
from herz.world.simulate import default_batch_size, run_batch, simulate
from herz.world.state import WorldState, initial_state
from herz.world.step import ORDER, step

__all__ = [
    "ORDER",
    "Culture",
    "Geography",
    "Mechanisms",
    "Outcome",
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
