"""Fixtures of the experiment tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from experiment_helpers import toy_text


@pytest.fixture

def toy_file(tmp_path: Path):
    def make(**kw) -> Path:
        path = tmp_path / f"{kw.get('name', 'toy-sweep')}.toml"
        path.write_text(toy_text(**kw))
        return path
    return make
