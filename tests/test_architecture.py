"""The layering rules (import-linter contracts in pyproject.toml) and a light start-up."""

from __future__ import annotations

import subprocess
import sys

from importlinter.cli import lint_imports

from tests.paths import ROOT

PACKAGE = ROOT / "screener"
# Together about 1.7 s of start-up: the code that trains, tests or reads and writes
# spreadsheets imports them when it runs.
HEAVY_LIBRARIES = ("sklearn", "scipy", "openpyxl", "pandas")


def test_import_contracts_are_kept() -> None:
    """Faces over stages over the store; no UI library in the core; SQLite only in the
    store; private modules kept private; no cycles (what `lint-imports` checks in CI)."""
    config = str(ROOT / "pyproject.toml")
    assert lint_imports(config_filename=config, no_cache=True, no_logo=True) == 0


def test_start_up_loads_no_heavy_library() -> None:
    """Every command and the TUI's first screens start without scikit-learn, SciPy,
    openpyxl or pandas."""
    modules = [
        "screener.cli",
        "screener.tui.app",
        "screener.tui.screens.dashboard",
        "screener.tui.screens.screening",
    ]
    code = (
        f"import sys; [__import__(m) for m in {modules!r}]; "
        f"print(','.join(m for m in {HEAVY_LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_package_never_reads_shared_folder() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert "../shared" not in path.read_text(encoding="utf-8"), path
