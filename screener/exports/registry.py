"""The export kinds a project can be written as: one list for the CLI's commands and the TUI's
menu."""

from __future__ import annotations

from screener.exports.kinds import ExportKind


def all_kinds() -> list[ExportKind]:
    """Every export kind, in menu order. Writer modules are imported here, not at start-up,
    so that the faces start without them; openpyxl and pandas are imported only by the
    functions that use them."""
    kinds: list[ExportKind] = []
    # Each writer module contributes its kinds through a KINDS tuple; add new modules here.
    from screener.exports import audit, prisma_csv, prisma_md, prisma_svg

    kinds += [*prisma_csv.KINDS, *prisma_svg.KINDS, *prisma_md.KINDS, *audit.KINDS]
    from screener.exports import evidence, evidence_map

    kinds += [*evidence.KINDS, *evidence_map.KINDS]
    from screener.exports import asreview_csv, bibtex, dedup_map, ris

    kinds += [*ris.KINDS, *bibtex.KINDS, *asreview_csv.KINDS, *dedup_map.KINDS]
    return kinds


def kind_named(name: str) -> ExportKind:
    """The kind called ``name``; KeyError lists the known names."""
    for kind in all_kinds():
        if kind.name == name:
            return kind
    known = ", ".join(k.name for k in all_kinds())
    raise KeyError(f"unknown export kind {name!r}; known kinds: {known}")
