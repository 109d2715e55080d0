"""Excel workbooks (.xlsx): the rows of one sheet, as text cells, for the table importer.

Read with openpyxl in read-only mode, which streams a sheet's rows instead of loading the
workbook; openpyxl is imported here, when a workbook is read, so that starting screener
does not pay for it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from typing import IO, Any

from screener.errors import ImportFormatError

FORMAT = "xlsx"
LABEL = "Excel workbook"

_ZIP = b"PK\x03\x04"
_MAX_UNPACKED = 2 << 30  # a workbook's parts together, unpacked: refuses zip bombs
_HEADER_ROWS = 12  # rows of each sheet read to find its header


def detect_bytes(head: bytes) -> bool:
    """Whether a file's first bytes are those of a zip archive holding a workbook."""
    return head.startswith(_ZIP) and b"xl/" in head


def _cell(value: Any) -> str:
    """A cell as the text a CSV export would hold: whole numbers without ".0", dates as
    ISO dates, nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _workbook(stream: IO[bytes]) -> Any:
    """The workbook, opened read-only; damaged files and zip bombs are refused."""
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFormatError(f"cannot read this workbook: {exc}") from None
    if unpacked > _MAX_UNPACKED:
        raise ImportFormatError(
            f"this workbook unpacks to {unpacked >> 20} MB (at most {_MAX_UNPACKED >> 20} MB)"
        )
    from openpyxl import load_workbook  # only when a workbook is read: a slow import

    stream.seek(0)
    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportFormatError(f"cannot read this workbook: {exc}") from None


def _rows(sheet: Any, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of a sheet, from its first row."""
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_row=limit), 1):
        yield number, [_cell(v) for v in values]


def choose_sheet(
    stream: IO[bytes], wanted: str | None, qualifies: Callable[[Sequence[list[str]]], bool]
) -> str:
    """The sheet to import: ``wanted``, or the only sheet whose first rows ``qualify`` (have
    a header with a title column). Several or none is an error that lists the sheets."""
    stream.seek(0)
    book = _workbook(stream)
    try:
        names = list(book.sheetnames)
        if wanted is not None:
            if wanted not in names:
                raise ImportFormatError(f"no sheet {wanted!r}; its sheets: {_listed(names)}")
            return wanted
        good = [n for n in names if qualifies([r for _, r in _rows(book[n], _HEADER_ROWS)])]
    except ImportFormatError:
        raise
    except Exception as exc:
        raise ImportFormatError(f"cannot read this workbook: {exc}") from None
    finally:
        book.close()
    if len(good) == 1:
        return good[0]
    if good:
        raise ImportFormatError(
            f"{len(good)} sheets hold citations ({_listed(good)}): choose one with --sheet NAME"
        )
    raise ImportFormatError(f"no sheet has a title column (sheets: {_listed(names)})")


def _listed(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def rows(stream: IO[bytes], sheet: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every row of ``sheet``; errors name the sheet."""
    book = _workbook(stream)
    try:
        yield from _rows(book[sheet])
    except Exception as exc:
        raise ImportFormatError(f"cannot read this sheet: {exc}", sheet=sheet) from None
    finally:
        book.close()
