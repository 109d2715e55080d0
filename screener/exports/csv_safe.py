"""CSV files that are safe to open in a spreadsheet: UTF-8, a header, no live formulas."""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from screener.errors import ScreenerError

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and
# carriage return, may strip them and then see one): CSV/formula injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None
# The buffer of the large text exports (100 MB at 100,000 records): a system call per MB
# rather than per 8 kB, about a quarter less time writing.
WRITE_BUFFER = 1 << 20


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would read as a formula gets a leading single quote; numbers
    are left alone (a negative number is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_FORMULA_STARTS = frozenset(FORMULA_STARTS)


def csv_line(cells: Sequence[Cell]) -> str:
    """One CSV line exactly as csv.writer writes it (minimal quoting, CRLF) with each cell
    through safe_cell (tests compare the two). Written by hand because csv.writer takes
    about five times as long on abstracts (it looks at every character): seconds at 100,000."""
    return ",".join(csv_cell(c) if c.__class__ is str else csv_value(c) for c in cells) + "\r\n"


def csv_cell(value: Cell) -> str:
    """A text cell (or None) as one CSV cell: safe_cell, then quoted as csv.writer quotes."""
    if not value:
        return ""
    text = str(value)
    if text[0] in _FORMULA_STARTS:
        text = "'" + text
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def csv_value(value: Cell) -> str:
    """A number (safe_cell leaves numbers alone) or None; text goes to csv_cell."""
    if value.__class__ is str:
        return csv_cell(value)
    return "" if value is None else str(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write ``header`` and ``rows`` to ``path`` (folders created; an existing file replaced
    only once the new one is complete). Returns the number of rows written."""
    if path.is_dir():
        raise ScreenerError(f"{path}: is a folder; give a file name for the CSV")
    partial = path.with_name(path.name + ".partial")
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(name) for name in header])
            for row in rows:
                writer.writerow([safe_cell(value) for value in row])
                count += 1
        os.replace(partial, path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # e.g. the parent is a file: nothing to remove
            partial.unlink(missing_ok=True)
        raise ScreenerError(f"{path}: cannot write the CSV: {exc.strerror or exc}") from None
    return count
