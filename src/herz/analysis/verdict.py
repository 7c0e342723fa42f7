"""The verdict rule of the escape study, fixed in advance (DESIGN 4.6).

E is P(exit within 25 years | entered) in the calibrated world (the control
arm), averaged over the parameter draws; A is E minus the same in the realist
arm (escape mechanisms off), on the same entries. With 95% intervals that hold
parameter and simulation uncertainty (:func:`herz.analysis.estimands.clustered_bootstrap`):

- a specification says *escapable* when the lower bounds of E and A exceed
  0.5 and 0.10, *not escapable* when the upper bound of E is below 0.5 or that
  of A below 0.10, and *undecided* otherwise;
- "primarily escapable" (DESIGN 4.6, read as written) is true iff every
  robustness variant says escapable; false iff the primary specification says
  not escapable (the claim must survive every variant; the primary estimate
  alone can refute it); null otherwise.

Until the history fit exists, the draws come from documented default ranges
(the report says so); afterwards from the plausible region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["A_BAR", "E_BAR", "HORIZON", "Specification", "primarily_escapable", "specification"]

#: E must exceed this (a majority of entries exit).
E_BAR = 0.5
#: A must exceed this (the escape mechanisms add at least ten points).
A_BAR = 0.10
#: Years after entry within which an exit counts for E.
HORIZON = 25


@dataclass(frozen=True)
class Specification:
    """One robustness variant: what it changed, its E and A with intervals, its verdict."""

    name: str
    changed: str
    entries: int
    E: float
    E_ci: tuple[float, float]
    A: float
    A_ci: tuple[float, float]
    verdict: bool | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"name": self.name, "changed": self.changed, "entries": self.entries,
                "E": self.E, "E_ci": list(self.E_ci), "A": self.A, "A_ci": list(self.A_ci),
                "primarily_escapable": self.verdict}


def specification(name: str, changed: str, entries: int, e: float, e_ci: tuple[float, float],
                  a: float, a_ci: tuple[float, float]) -> Specification:
    """Apply the rule to one specification (no entries: undecided)."""
    verdict: bool | None
    if entries == 0 or any(x != x for x in (*e_ci, *a_ci)):
        verdict = None
    elif e_ci[0] > E_BAR and a_ci[0] > A_BAR:
        verdict = True
    elif e_ci[1] < E_BAR or a_ci[1] < A_BAR:
        verdict = False
    else:
        verdict = None
    return Specification(name, changed, int(entries), float(e), (float(e_ci[0]), float(e_ci[1])),
                         float(a), (float(a_ci[0]), float(a_ci[1])), verdict)


def primarily_escapable(specs: Sequence[Specification]) -> bool | None:
    """True iff every specification says escapable; false iff the first (primary) says not.

    ``specs[0]`` is the primary specification; the others are robustness variants.
    """
    if not specs:
        return None
    if all(s.verdict is True for s in specs):
        return True
    if specs[0].verdict is False:
        return False
    return None
