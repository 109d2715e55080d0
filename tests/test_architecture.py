"""The layering rules: the core never imports Textual; only the store touches SQLite."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "screener"
CORE_MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    for path in PACKAGE.rglob("*.py")
    if "tui" not in path.relative_to(PACKAGE).parts and path.name != "__main__.py"
)
STORAGE_MODULES = {
    "screener.store",
    "screener.store.events",
    "screener.store.extraction",
    "screener.store.exports",
    "screener.store.audit",
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_found() -> None:
    assert "screener.store" in CORE_MODULES
    assert "screener.importers.base" in CORE_MODULES


@pytest.mark.parametrize("module", [m.removesuffix(".__init__") for m in CORE_MODULES])
def test_core_module_does_not_load_textual(module: str) -> None:
    code = f"import sys, {module}; sys.exit(1 if 'textual' in sys.modules else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} imports textual (or failed: {result.stderr})"


def test_only_the_store_touches_sqlite() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if module in STORAGE_MODULES:
            continue
        touched = {
            name
            for name in _imported_modules(path)
            if name.split(".")[0] in {"sqlite3", "sqlite_utils"}
        }
        if touched:
            offenders.append(f"{module}: {sorted(touched)}")
    assert not offenders


def test_package_never_reads_shared_folder() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert "../shared" not in path.read_text(encoding="utf-8"), path


# (numpy is not listed: the dashboard's stopping estimate needs it; see the test below.)
HEAVY_LIBRARIES = ("sklearn", "scipy", "openpyxl", "pandas")


@pytest.mark.parametrize(
    "module",
    [
        "screener.cli",
        "screener.tui.app",
        "screener.tui.screens.dashboard",
        "screener.tui.screens.screening",
    ],  # fmt: skip
)
def test_start_up_loads_no_heavy_library(module: str) -> None:
    """Every command and the TUI's first screens start without scikit-learn, SciPy,
    openpyxl or pandas (together about 1.7 s); the code that trains, tests or writes
    workbooks imports them when it runs."""
    code = (
        f"import sys, {module}; print(','.join(m for m in {HEAVY_LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    "module",
    [
        "screener.cli",
        "screener.exports.asreview_csv",
        "screener.extraction.evidence",
        "screener.tui.app",
    ],
)
def test_commands_and_second_processes_start_without_numpy(module: str) -> None:
    """sqlite-utils would import numpy (0.08 s of each start, the exports' second
    processes included); the store holds it back, and numpy still imports later."""
    code = (
        f"import sys, {module}; print('numpy' in sys.modules); "
        "import numpy, sqlite_utils.db; print(numpy.__name__, sqlite_utils.db.np)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "numpy", "None"]
