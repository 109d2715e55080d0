"""The export kinds a project can be written as: one list for the CLI's help and the TUI's menu."""

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


def all_kinds() -> list[ExportKind]:
    """Every export kind, in menu order. Writer modules are imported here, not at start-up,
    so that the TUI does not pay for openpyxl or matplotlib until something is exported."""
    kinds: list[ExportKind] = []
    # Each writer module contributes its kinds through a KINDS tuple; add new modules here.
    from screener.exports import audit_export, prisma_csv, prisma_md, prisma_svg

    kinds += [*prisma_csv.KINDS, *prisma_svg.KINDS, *prisma_md.KINDS, *audit_export.KINDS]
    from screener.exports import evidence, evidence_map

    kinds += [*evidence.KINDS, *evidence_map.KINDS]
    from screener.exports import asreview_csv, bibtex, ris

    kinds += [*ris.KINDS, *bibtex.KINDS, *asreview_csv.KINDS]
    return kinds


def kind_named(name: str) -> ExportKind:
    """The kind called ``name``; KeyError lists the known names."""
    for kind in all_kinds():
        if kind.name == name:
            return kind
    known = ", ".join(k.name for k in all_kinds())
    raise KeyError(f"unknown export kind {name!r}; known kinds: {known}")
