"""The project every snapshot shows: the demo with decisions by two reviewers (conflicts
among them, a tag conflict) and a duplicate pair awaiting review; each snapshot is taken at
80x24 and at 160x48."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.helpers import SNAPSHOT_SIZES, demo_copy, seed_snapshot_project


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = demo_copy(tmp_path)
    seed_snapshot_project(path)
    return path


@pytest.fixture(params=list(SNAPSHOT_SIZES.values()), ids=list(SNAPSHOT_SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]
