"""Preset scenarios for the paper's cases, shipped as commented TOML files.

Each preset is a file in ``herz/experiment/presets/`` whose comments state its
assumptions and cite its source; :func:`preset_names` lists them, :func:`preset_path`
finds one, :func:`load_preset` validates it into a :class:`~.scenario.Scenario`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from herz.errors import ParameterError

if TYPE_CHECKING:
    from herz.experiment.scenario import Scenario

__all__ = ["load_preset", "preset_info", "preset_names", "preset_path"]


def _dir() -> Path:
    return Path(str(resources.files("herz.experiment") / "presets"))


def preset_names() -> list[str]:
    """The names of the shipped presets."""
    return sorted(p.stem for p in _dir().glob("*.toml"))


def preset_path(name: str) -> Path:
    """The file of preset ``name``."""
    if name not in preset_names():
        raise ParameterError("preset", name, "must be one of " + ", ".join(preset_names()))
    return _dir() / f"{name}.toml"


def preset_info(name: str) -> dict[str, str]:
    """Name, title (the file's first comment line) and description of a preset."""
    from herz.experiment.scenario import parse_scenario

    text = preset_path(name).read_text(encoding="utf-8")
    first = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")), "")
    sc = parse_scenario(text, source=f"preset:{name}")
    return {"name": name, "title": first, "description": sc.description, "model": sc.model,
            "points": str(len(sc.points)), "replicates": str(sc.replicates)}


def load_preset(name: str) -> Scenario:
    """Validate preset ``name`` into a :class:`~herz.experiment.scenario.Scenario`."""
    from herz.experiment.scenario import parse_scenario

    return parse_scenario(preset_path(name).read_text(encoding="utf-8"), source=f"preset:{name}")
