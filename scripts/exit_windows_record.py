"""Print, as Markdown, how often the record's burden windows meet the exit rule's steady condition.

The table of docs/background/outcomes.md ("The steady burden in the record"):
SIPRI's military burden (share of GDP, 1949-2023), every m-year window of
each country and of each rival dyad (both states), read yearly (every year's
log growth within +-2%) and as the window's trend (mean yearly log growth within
+-2%), for m = 5, 10, 15; intervals are bootstraps over countries or dyads
(:mod:`herz.analysis.exit_windows`). Runs in seconds.

Usage::

    python scripts/exit_windows_record.py [--band 0.02] [--seed 0]
"""

from __future__ import annotations

import argparse

from herz.analysis.exit_windows import burden_windows, dyad_windows, window_shares
from herz.world.episodes import EpisodeRule


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--band", type=float, default=0.02, help="exit_growth_band")
    ap.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    a = ap.parse_args()
    print("| m | units | windows (non-overlapping) | yearly: steady | trend: steady [95% CI] "
          "| trend, non-overlapping [95% CI] |")
    print("|---|---|---|---|---|---|")
    for m in (5, 10, 15):
        rule = EpisodeRule(exit_years=m, exit_growth_band=a.band)
        for label, w in (("countries", burden_windows(m, rule)),
                         ("rival dyads (both)", dyad_windows(m, rule))):
            sh = window_shares(w, seed=a.seed).set_index("subset")
            al, no = sh.loc["all"], sh.loc["non_overlapping"]
            print(f"| {m} | {int(al['units'])} {label} | {int(al['windows'])} "
                  f"({int(no['windows'])}) | {int(al['yearly_n'])} ({al['yearly_share']:.1%}) "
                  f"| {int(al['trend_n'])} ({al['trend_share']:.1%}) [{al['trend_lo']:.1%}, "
                  f"{al['trend_hi']:.1%}] | {int(no['trend_n'])} ({no['trend_share']:.1%}) "
                  f"[{no['trend_lo']:.1%}, {no['trend_hi']:.1%}] |")


if __name__ == "__main__":
    main()
