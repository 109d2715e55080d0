"""The TUI is a face: its modules reach the project through the stage services, never
through ``project.store`` (the import-linter contract keeps ``screener.store`` imports out;
this keeps attribute access out too)."""

from __future__ import annotations

import re

from tests.paths import ROOT

STORE_ACCESS = re.compile(r"\.store\b")


def test_no_tui_module_reads_the_store() -> None:
    modules = sorted((ROOT / "screener" / "tui").rglob("*.py"))
    assert modules
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in modules
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STORE_ACCESS.search(line)
    ]
    assert readers == []
