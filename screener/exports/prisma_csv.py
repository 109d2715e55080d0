"""PRISMA 2020 counts as the PRISMA2020 R package's / Shiny app's CSV template, filled in."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

from screener.exports.csv_safe import safe_cell
from screener.exports.files import check_target, write_text
from screener.exports.kinds import ExportKind, Options, Progress, Writer, Written
from screener.exports.prisma_template import HEADER, ROWS
from screener.models import SourceMethod
from screener.prisma.counts import ColumnCounts, PrismaCounts
from screener.project import Project

NA = "NA"  # the template's (and R's) missing value: the app leaves such a box or line out


def plain_name(name: str) -> str:
    """A database or reason name as the app can parse it: its "Name, n; Name, n" cells split
    on semicolons and take the text before the first comma, so both go."""
    return " ".join(name.replace(",", " ").replace(";", " ").split()) or "Unnamed"


def name_counts(pairs: Sequence[tuple[str, int]]) -> str:
    """The template's list cell, ``Name, n; Name, n``."""
    return "; ".join(f"{plain_name(name)}, {n}" for name, n in pairs)


def _reasons(column: ColumnCounts) -> str:
    # Without exclusions the cell is a number, as the template's numeric cells: the app
    # reads a cell of digits alone as a count with no reasons.
    return name_counts(column.reports_excluded) if column.reports_excluded else "0"


def template_values(counts: PrismaCounts) -> dict[str, str]:
    """The ``n`` of each template row that carries a count, by its ``data`` name."""
    other = counts.other
    has_other = counts.has_other_methods

    def other_n(value: int | str) -> str:
        return str(value) if has_other else NA

    values: dict[str, str] = {
        # No previous version of the review: NA, so the app draws no "previous studies" box.
        "previous_studies": NA,
        "previous_reports": NA,
        "database_results": str(counts.database_results),
        "database_specific_results": name_counts(counts.databases) or NA,
        "register_results": str(counts.register_results) if counts.has_registers else NA,
        "register_specific_results": name_counts(counts.registers) or NA,
        "duplicates": str(counts.duplicates),
        "excluded_automatic": str(counts.excluded_automatic),
        "excluded_other": str(counts.excluded_other),
        "records_screened": str(counts.main.records_screened),
        "records_excluded": str(counts.main.records_excluded),
        "dbr_sought_reports": str(counts.main.reports_sought),
        "dbr_notretrieved_reports": str(counts.main.reports_not_retrieved),
        "dbr_assessed": str(counts.main.reports_assessed),
        "dbr_excluded": _reasons(counts.main),
        "other_sought_reports": other_n(other.reports_sought),
        "other_notretrieved_reports": other_n(other.reports_not_retrieved),
        "other_assessed": other_n(other.reports_assessed),
        "other_excluded": other_n(_reasons(other)),
        "new_studies": str(counts.studies_included),
        "new_reports": str(counts.reports_of_included_studies),
        # No previous review: the totals are the new studies and their reports.
        "total_studies": str(counts.studies_included),
        "total_reports": str(counts.reports_of_included_studies),
        # Meta-analysis is not recorded in a screening project.
        "total_studies_ma": NA,
        "total_reports_ma": NA,
    }
    # A method no file was found by is NA: the app leaves its line out (and the whole
    # other-methods column when all three are NA).
    found_by = (
        ("website_results", SourceMethod.WEBSITE, counts.websites),
        ("organisation_results", SourceMethod.ORGANISATION, counts.organisations),
        ("citations_results", SourceMethod.CITATION, counts.citations),
    )
    for name, method, n in found_by:
        values[name] = str(n) if method in counts.methods else NA
    return values


def prisma_csv_text(counts: PrismaCounts) -> str:
    """The filled-in template: the template's header and cells, ``n`` filled in, quoted as
    the template is (only cells with a comma), CRLF line ends, no BOM, no final newline."""
    values = template_values(counts)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for *cells, template_n in ROWS:
        n = values.get(cells[0], template_n)
        writer.writerow([*cells, safe_cell(n)])
    return buffer.getvalue().removesuffix("\r\n")


def counts_writer(render: Callable[[PrismaCounts], str], what: str) -> Writer:
    """An export kind's writer: the project's counts rendered by ``render`` into the file."""

    def write(
        project: Project, target: Path, options: Options, progress: Progress | None = None
    ) -> Written:
        from screener.prisma.inputs import project_prisma

        check_target(target, what)  # before the work, not after it
        write_text(target, render(project_prisma(project)), what)
        return Written((target,))

    return write


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "prisma-csv",
        "PRISMA 2020 counts as the PRISMA2020 R package / Shiny app CSV template",
        "prisma.csv",
        counts_writer(prisma_csv_text, "PRISMA CSV"),
        "The file is the PRISMA2020 R package's / Shiny app's template (PRISMA.csv) row for "
        "row, with its n column filled in: load it in the app "
        "(estech.shinyapps.io/prisma_flowdiagram) or with "
        "PRISMA2020::PRISMA_data(read.csv(...)). Boxes that do not apply are NA.",
    ),
)
