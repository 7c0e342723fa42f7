"""The economy of world v2 before its calibration (issue 17; docs/world-calibration.md).

Tests of a *mechanism* whose tolerances were measured on the v2 economy before
calibration pin it with this dict (``WorldParams(**PRE_CALIBRATION, ...)`` or
``params.replace(**PRE_CALIBRATION)``); tests of the *default world* do not.
``shock_base = 0`` keeps the shock a share of output, as it was then,
``motive_turnover = 0`` also fixes types for life, as before the calibration, and
``threat_balance_elasticity = 0`` keeps the threat those tolerances were measured with
(the offense-defense balance and the first-strike advantage in the contest only; issue
17's threat factor ((1 + f)/delta)^eta_T is tested in test_offense_defense_dilemma.py).
"""

from typing import Any

#: The pre-calibration values of the calibrated parameters (and no type turnover).
PRE_CALIBRATION: dict[str, Any] = {
    "reaction": 0.1,
    "fear_floor": 0.5,
    "grievance": 0.05,
    "greed_build": 0.05,
    "spending_shock": 0.0005,
    "shock_base": 0.0,
    "motive_turnover": 0.0,
    "threat_balance_elasticity": 0.0,
}
