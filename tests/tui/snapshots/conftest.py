"""The project every snapshot shows: the demo with decisions by two reviewers (conflicts
among them) and a duplicate pair awaiting review."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.helpers import demo_copy, seed_snapshot_project


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = demo_copy(tmp_path)
    seed_snapshot_project(path)
    return path
