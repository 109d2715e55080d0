"""Runs `screener import` on hostile files, one fresh copy of a project each, and prints one
JSON line per file (exit status, output, whether a traceback escaped, whether the project
changed). Run in a child process by test_import_corpus.py, which stops it on a hang."""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from click.testing import CliRunner

from screener.cli import main
from screener.project import open_project

MEMORY_LIMIT = 2 * 1024**3  # bytes: a file that is read without end fails here, not the machine


def dump(path: Path) -> str:
    with open_project(path) as project:
        return project.store.dump()


def run_one(template: Path, file: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "p"
        shutil.copytree(template, project)
        before = dump(project)
        result = CliRunner().invoke(main, ["import", str(project), file])
        escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
        return {
            "file": file,
            "exit": result.exit_code,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "traceback": "".join(traceback.format_exception(result.exception)) if escaped else "",
            "changed": dump(project) != before,
        }


def main_loop(template: Path, files: list[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    for file in files:
        print(json.dumps(run_one(template, file)), flush=True)


if __name__ == "__main__":
    main_loop(Path(sys.argv[1]), sys.argv[2:])
