"""What an export kind is: a name for the CLI and the menu, a summary, a file, a writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screener.project import Project

# A writer writes the project to ``target`` (a file, or for kinds that write several files
# the first of them; siblings get the same stem) and returns every path it wrote.
Writer = Callable[[Project, Path], list[Path]]


@dataclass(frozen=True, slots=True)
class ExportKind:
    """One entry of the export menu: ``screener export NAME PROJECT`` writes the same."""

    name: str  # the CLI sub-command, e.g. "prisma-csv"
    summary: str  # one line for menus and help
    default_file: str  # file name under exports/<project folder name>/
    write: Writer


def default_target(project: Project, file_name: str) -> Path:
    """Where an export is written when no path is given: exports/<project folder>/<file>,
    relative to the working folder (as `screener export` documents)."""
    return Path("exports") / project.name / file_name
