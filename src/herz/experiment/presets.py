"""Preset scenarios for the paper's cases, shipped as commented TOML files.

Each preset is a file in ``herz/experiment/presets/`` whose comments state its
assumptions and cite its source; :func:`preset_names` lists them, :func:`preset_path`
finds one, :func:`load_preset` validates it into a :class:`~.scenario.Scenario`
through the one scenario reader (:func:`~herz.experiment.scenario.read_scenario`).
"""

from __future__ import annotations

from herz.experiment.scenario import Scenario, parse_scenario, preset_names, preset_path

__all__ = ["load_preset", "preset_info", "preset_names", "preset_path"]


def preset_info(name: str) -> dict[str, str]:
    """Name, title (the file's first comment line) and description of a preset."""
    text = preset_path(name).read_text(encoding="utf-8")
    first = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")), "")
    sc = parse_scenario(text, source=f"preset:{name}")
    return {"name": name, "title": first, "description": sc.description, "model": sc.model,
            "points": str(len(sc.points)), "replicates": str(sc.replicates)}


def load_preset(name: str) -> Scenario:
    """Validate preset ``name`` into a :class:`~herz.experiment.scenario.Scenario`."""
    return parse_scenario(preset_path(name).read_text(encoding="utf-8"), source=f"preset:{name}")
