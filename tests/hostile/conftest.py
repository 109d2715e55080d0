"""Shared by the hostile-input corpora: run the real command line on a file and check that a
refusal is one line naming the file (and line), exit status 1, and the project unchanged."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from screener.cli import main
from screener.project import open_project


def dump(path: Path) -> str:
    with open_project(path) as project:
        return project.store.dump()


def run(*args: object) -> Result:
    """The command in this process; any exception but a clean exit fails the test (a
    traceback is a bug)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def one_line_refusal(result: Result, starts: str, problem: str) -> str:
    """The error line of a refused command: exit status 1, nothing on stdout, one line on
    stderr starting with ``starts`` (the file, and its line) and naming ``problem``."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    line = lines[0]
    assert line.startswith(f"error: {starts}"), line
    assert problem in line, line
    return line
