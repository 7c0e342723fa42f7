"""The catalogue of datasets shipped with herz: files, citations, provenance.

The CSV files under ``herz/data/files`` are copies of the project's curated
historical data; ``files/PROVENANCE.md`` is the full provenance note (where each
file was taken from, at which commit, how it was converted, and its caveats).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from herz.errors import ParameterError

__all__ = ["DATASETS", "Dataset", "dataset", "provenance_text"]


@dataclass(frozen=True)
class Dataset:
    """One shipped dataset: its file, what it holds, and how to cite it."""

    name: str
    filename: str
    title: str
    citation: str
    units: str
    provenance_section: str
    missing_codes: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """Path of the CSV file inside the installed package."""
        return Path(str(resources.files("herz.data") / "files" / self.filename))


_COW_NMC = (
    "Singer, J. David, Stuart Bremer & John Stuckey (1972). Capability Distribution, "
    "Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), Peace, War, and "
    "Numbers, Sage, 19-48. Singer, J. David (1987). Reconstructing the Correlates of War "
    "Dataset on Material Capabilities of States, 1816-1985. International Interactions 14: "
    "115-32. Correlates of War Project, National Material Capabilities v7.0 "
    "(correlatesofwar.org)."
)
_SIPRI = (
    "SIPRI Military Expenditure Database 2024, https://www.sipri.org/databases/milex "
    "(Stockholm International Peace Research Institute; 1949-2023 edition, April 2024). "
    "Non-commercial use only; this subset holds 1,917 of SIPRI's data units (limit 3,500)."
)
_PEACESCIENCER = (
    "Miller, Steven V. (2022). peacesciencer: An R Package for Quantitative Peace Science "
    "Research. Conflict Management and Peace Science 39(6): 755-779."
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "cow_nmc", "cow_nmc_v7_0.csv",
            "COW National Material Capabilities v7.0, all states, 1816-2022",
            _COW_NMC,
            "milex: thousands of current GBP 1816-1913, thousands of current USD 1914-; "
            "milper: thousands; irst: thousand tons; pec: thousand coal-ton equivalents; "
            "tpop, upop: thousands; cinc: share in [0, 1]",
            "1. `cow_nmc_v7_0.csv`",
        ),
        Dataset(
            "nmc_rival_dyads", "nmc_rival_dyads_milex.csv",
            "NMC v7.0 military spending and personnel reshaped into 18 classic rival dyads",
            _COW_NMC + " Reshaped by the herz project (no new numbers).",
            "milex as in cow_nmc (GBP to 1913, USD from 1914; column milex_unit)",
            "2. `nmc_rival_dyads_milex.csv`",
        ),
        Dataset(
            "richardson_powers", "richardson_powers_nmc_1870_1913.csv",
            "NMC v7.0 military spending of France, Russia, Germany and Austria-Hungary, "
            "1870-1913 (Richardson's blocs)",
            _COW_NMC + " Reshaped by the herz project; an independent measurement of "
            "Richardson's blocs, not his own table (Richardson 1960, Arms and Insecurity).",
            "milex: thousands of current GBP",
            "2. `nmc_rival_dyads_milex.csv`",
        ),
        Dataset(
            "sipri_milex", "sipri_milex_rivals_1949_2023.csv",
            "SIPRI military expenditure, 20 countries, constant 2022 US$ and share of GDP",
            _SIPRI,
            "milex_const2022_usd_m: millions of constant 2022 US$; milex_share_gdp_pct: "
            "percent of GDP",
            "4. `sipri_milex_rivals_1949_2023.csv`",
        ),
        Dataset(
            "sipri_footnotes", "sipri_milex_rivals_footnotes.csv",
            "SIPRI footnotes and special-note markers for the 20 countries",
            _SIPRI, "text", "4. `sipri_milex_rivals_1949_2023.csv`",
        ),
        Dataset(
            "grh_arms_races", "grh_arms_races_1816_2001.csv",
            "Gibler, Rider & Hutchison (2005): 71 conventional arms races during rivalries",
            "Gibler, Douglas M., Toby J. Rider & Marc L. Hutchison (2005). Taking Arms Against "
            "a Sea of Troubles: Conventional Arms Races during Periods of Rivalry. Journal of "
            "Peace Research 42(2): 131-147. " + _PEACESCIENCER,
            "years", "6. `grh_arms_races_1816_2001.csv`",
        ),
        Dataset(
            "mmb_confrontations", "mmb_confrontations_rivals_1816_2014.csv",
            "Rival-dyad confrontations flagged for mutual military build-ups",
            "Miller, Steven V. stevedata (R package), v1.8.9, object mmb_war. Gibler, Douglas "
            "M. & Steven V. Miller (2024). The Militarized Interstate Confrontation Dataset, "
            "1816-2014. Journal of Conflict Resolution 68(2-3): 562-86. Gibler, Rider & "
            "Hutchison (2005); Thompson, Sakuwa & Suhas (2021).",
            "fatalities: persons", "7. `mmb_confrontations_rivals_1816_2014.csv`",
        ),
        Dataset(
            "strategic_rivalries", "strategic_rivalries_tss2021.csv",
            "Thompson, Sakuwa & Suhas (2021): strategic rivalries 1494-2020",
            "Thompson, William R., Kentaro Sakuwa & Prashant Hosur Suhas (2021). Analyzing "
            "Strategic Rivalries in World Politics. Springer, ch. 2. " + _PEACESCIENCER,
            "years", "8. `strategic_rivalries_tss2021.csv`",
        ),
        Dataset(
            "cow_wars", "cow_interstate_war_v4_dirdyadyear.csv",
            "COW Inter-State War data v4.0, directed dyad-years",
            "Sarkees, Meredith Reid & Frank Wayman (2010). Resort to War: 1816-2007. CQ Press. "
            "Correlates of War Inter-State War data v4.0. " + _PEACESCIENCER,
            "batdeath: persons (-9 = unknown, loaded as missing)",
            "9. `cow_interstate_war_v4_dirdyadyear.csv`",
            missing_codes=("batdeath1", "batdeath2"),
        ),
        Dataset(
            "gml_mids", "gml_mid_v2_2_1_ndy_dispute_years.csv",
            "Gibler-Miller-Little MID data v2.2.1, non-directed dispute-dyad-years",
            "Gibler, Douglas M., Steven V. Miller & Erin K. Little (2016). An Analysis of the "
            "Militarized Interstate Dispute (MID) Dataset, 1816-2001. International Studies "
            "Quarterly 60(4): 719-730. " + _PEACESCIENCER,
            "COW MID codes (-9 = missing, loaded as missing)",
            "10. `gml_mid_v2_2_1_ndy_dispute_years.csv`",
            missing_codes=("fatality1", "fatality2", "fatality", "outcome", "settle"),
        ),
        Dataset(
            "atop_alliances", "atop_v5_1_focus_ndy_years.csv",
            "ATOP v5.1 alliance dyad-years for 34 focus states",
            "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell & Andrew G. Long "
            "(2002). Alliance Treaty Obligations and Provisions, 1815-1944. International "
            "Interactions 28: 237-60. ATOP v5.1, atopdata.org. " + _PEACESCIENCER,
            "0/1 obligation flags", "11. `atop_v5_1_focus_ndy_years.csv`",
        ),
        Dataset(
            "eu_accession", "eu_member_states_accession.csv",
            "EU member states and accession dates (as of 2019)",
            "Miller, Steven V. stevedata (R package), object eustates; from the European "
            "Union's website. Note: the United Kingdom left on 2020-01-31.",
            "dates", "12. `eu_member_states_accession.csv`",
        ),
        Dataset(
            "nato_accession", "nato_members_accession.csv",
            "NATO members and accession years (transcribed by hand)",
            "NATO, Member countries (nato.int); transcribed by hand by the herz project. "
            "Check against nato.int before relying on exact dates.",
            "years", "13. `nato_members_accession.csv`",
        ),
    ]
}


def dataset(name: str) -> Dataset:
    """Return the catalogue entry ``name``, or raise naming the known datasets."""
    try:
        return DATASETS[name]
    except KeyError:
        raise ParameterError("dataset", name, "must be one of " + ", ".join(DATASETS)) from None


def provenance_text(name: str | None = None) -> str:
    """Return the provenance note, whole or the section of one dataset."""
    text = (resources.files("herz.data") / "files" / "PROVENANCE.md").read_text(encoding="utf-8")
    if name is None:
        return text
    header = dataset(name).provenance_section
    start = text.find("## " + header)
    if start < 0:
        return text
    end = text.find("\n## ", start + 3)
    return text[start: end if end > 0 else None].strip()
