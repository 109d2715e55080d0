"""Cells that are safe to open in a spreadsheet (no live formulas), and CSV files of them:
UTF-8, a header, CRLF."""

from __future__ import annotations

import csv
import string
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from screener.exports.files import text_file

# A spreadsheet treats a cell starting with one of these signs as a formula, also after
# leading spaces or tabs (which it may strip first), and also in their full-width and other
# compatibility forms (＝ ＋ － ＠, which Excel and LibreOffice accept as the signs): CSV
# and formula injection. A cell starting with a tab or a carriage return is neutralised
# whatever follows, as one starting with a sign.
FORMULA_SIGNS = frozenset("=+-@")
_ALWAYS = FORMULA_SIGNS | {"\t", "\r"}
# First characters that settle it at once: the printable ASCII that is neither a sign nor
# a space (nearly every cell).
_PLAIN_FIRST = frozenset(string.ascii_letters + string.digits + string.punctuation) - _ALWAYS

Cell = str | int | float | None


@cache
def _compatibility_sign(char: str) -> bool:
    """A non-ASCII character whose compatibility form is a sign, e.g. ＝ (U+FF1D) or ﹢."""
    return unicodedata.normalize("NFKC", char) in FORMULA_SIGNS


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read the (non-empty) ``text`` as a formula."""
    first = text[0]
    if first in _PLAIN_FIRST:
        return False
    if first in _ALWAYS:
        return True
    if first.isspace():
        rest = text.lstrip()
        if not rest:
            return False
        first = rest[0]
        if first in FORMULA_SIGNS:
            return True
    return first > "\x7f" and _compatibility_sign(first)


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would read as a formula gets a leading single quote; numbers
    are left alone (a negative number is data, not a formula)."""
    if isinstance(value, str) and value and formula_like(value):
        return "'" + value
    return value


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
    if text[0] not in _PLAIN_FIRST and formula_like(text):
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


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]], what: str = "CSV"
) -> int:
    """Write ``header`` and ``rows`` to ``path``, every cell through safe_cell (the file
    replaced only once complete: see screener.exports.files). Returns how many rows."""
    count = 0
    with text_file(path, what) as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(name) for name in header])
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            count += 1
    return count
