"""Helpers for the experiment tests: small toy and world scenarios and result digests."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq


def toy_text(*, replicates: int = 6, chunk_size: int = 3, steps: int = 30, sleep: float = 0.0,
             levels: str = "[0.5, 1.0, 2.0]", extra: str = "", name: str = "toy-sweep",
             output: str | None = None) -> str:
    text = textwrap.dedent(f"""\
        [experiment]
        name = "{name}"
        model = "toy"
        seed = 2025
        steps = {steps}
        replicates = {replicates}
        chunk_size = {chunk_size}

        [world]
        sleep = {sleep}
        {extra}

        [design]
        method = "grid"
        [design.factors]
        offense_defense_balance = {levels}
        distinguishability = {{ min = 0.0, max = 1.0, levels = 2 }}
        """)
    if output is not None:
        text += f'\n[output]\ndirectory = "{output}"\n'
    return text


def world_text(*, name: str, seed: int, steps: int, replicates: int,
               levels: str = "[0.5, 2.0]") -> str:
    """A small world-model sweep: 3 states, offense-defense balance at ``levels``, 2 runs a chunk."""
    return textwrap.dedent(f"""\
        [experiment]
        name = "{name}"
        model = "world"
        seed = {seed}
        steps = {steps}
        replicates = {replicates}
        chunk_size = 2

        [world]
        n_states = 3

        [design]
        method = "grid"
        [design.factors]
        offense_defense_balance = {levels}
        """)


def write_manifest(results: Path, man: dict) -> None:
    """Write an edited manifest with its seal recomputed, as herz itself would write it."""
    from herz.experiment.manifest import seal

    man["seal"] = seal(man)
    (Path(results) / "manifest.json").write_text(json.dumps(man))


def chunk_digests(results: Path) -> dict[str, str]:
    """SHA-256 of every finished chunk file, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((Path(results) / "chunks").glob("*.parquet"))}


def all_rows(results: Path) -> pd.DataFrame:
    files = sorted((Path(results) / "chunks").glob("*.parquet"))
    df = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
    return df.sort_values(["point", "replicate"]).reset_index(drop=True)


def no_temporary_files(results: Path) -> bool:
    return not [p for p in Path(results).rglob("*") if ".tmp-" in p.name]


