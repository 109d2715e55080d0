"""Shared fixtures: fresh projects, and the ../shared data folder (skipped when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from screener.project import Project, init_project, open_project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip the test when the checkout has no ../shared beside it."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return data


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return init_project(tmp_path / "review", "Test review")


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    with open_project(project_path) as opened:
        yield opened


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own ~/.config/screener (key remaps would change
    what the TUI tests press); a test that wants a config file sets SCREENER_CONFIG."""
    monkeypatch.setenv("SCREENER_CONFIG", str(tmp_path / "no-user-config.toml"))
    monkeypatch.delenv("SCREENER_REVIEWER", raising=False)


@pytest.fixture
def cairosvg() -> Any:
    """The test-only SVG renderer, or skip: cairosvg missing, or installed without the
    libcairo it loads (an OSError, which pytest.importorskip would not catch)."""
    try:
        import cairosvg as module
    except (ImportError, OSError) as exc:
        pytest.skip(f"cairosvg cannot render here: {exc}")
    return module
