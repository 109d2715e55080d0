"""Parsing a file into database rows in pieces: big files on two cores, small ones in one go."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screener.errors import ImportFormatError
from screener.importers.reading import OpenedFile, paused_gc, split_pieces
from screener.models import Record
from screener.store import record_row

# Fields in which exports name the database a record came from (RIS DB, CSV "Source").
_DATABASE_KEYS = ("DB", "Source", "Name of Database", "source", "database")

PIECE_SIZE = 4_000_000  # characters; files larger than one piece are parsed in parallel
_HINT_RECORDS = 50  # records whose database fields are read to guess the database


@dataclass(slots=True)
class _Piece:
    """What parsing one piece of a file gave: rows as :func:`record_row` makes them, with
    the positions and lines the parser gave (for a piece parsed alone, counted from the
    piece's start: ``first_position`` and ``lines_before`` turn them into the file's)."""

    rows: list[tuple[Any, ...]]
    skipped: list[tuple[int, int]]  # (position, line) of records with no content
    total: int
    hints: list[str]
    first_position: int = 1
    lines_before: int = 0
    error: ImportFormatError | None = None


def _database_hints(record: Record) -> list[str]:
    hints: list[str] = []
    for key in _DATABASE_KEYS:
        value = record.raw.get(key)
        if isinstance(value, list):
            hints.extend(str(v) for v in value)
        elif value:
            hints.append(str(value))
    return hints


def _pieces_of(
    records: Iterator[Record], lines_before: int, strict: bool, name: str, size: int
) -> Iterator[_Piece]:
    """Rows for the store, ``size`` records at a time. Records with nothing to screen are
    set aside (or, with ``strict``, refuse the file)."""
    piece = _Piece([], [], 0, [], lines_before=lines_before)
    for record in records:
        if piece.total == 0:
            piece.first_position = record.position
        if record.position <= _HINT_RECORDS:
            piece.hints += _database_hints(record)
        piece.total += 1
        if record.has_content:
            piece.rows.append(record_row(record))
        elif strict:
            raise ImportFormatError(
                "this record has no title, abstract, DOI or PMID; --strict refuses the file",
                line=record.line or None, record=record.position, file=name,
            )  # fmt: skip
        else:
            piece.skipped.append((record.position, record.line))
        if piece.total == size:
            yield piece
            piece = _Piece([], [], 0, [], lines_before=lines_before)
    yield piece


# The text of the file being imported, inherited by forked worker processes so that it is
# not copied through pipes (with the "spawn" start method, jobs carry their text instead).
_FORKED_TEXT = ""


def _parse_piece(job: tuple[str, str, str | None, int, int, int, bool]) -> _Piece:
    """Worker process: parse one piece of a big file into rows (never raises)."""
    fmt, name, text, lines_before, start, stop, strict = job
    piece = OpenedFile(Path(name), fmt, "", _FORKED_TEXT[start:stop] if text is None else text, ())
    try:
        with paused_gc():
            (result,) = _pieces_of(piece.records(), lines_before, strict, name, 1 << 62)
    except ImportFormatError as exc:
        if exc.line is not None:
            exc = ImportFormatError(
                exc.problem, line=exc.line + lines_before, record=exc.record, file=name
            )
        return _Piece([], [], 0, [], error=exc)
    return result


def record_pieces(opened: OpenedFile, strict: bool = False) -> Iterator[_Piece]:
    """A file's records as pieces of rows, in file order. A big file in a format with clear
    record ends is cut into pieces that worker processes parse in parallel (the per-record
    work is pure Python, so one core cannot import 100,000 records in seconds)."""
    global _FORKED_TEXT
    name = opened.path.name
    pieces = split_pieces(opened.format, opened.text, PIECE_SIZE)
    if len(pieces) == 1:
        yield from _pieces_of(opened.records(), 0, strict, name, 2000)
        return
    # fork: workers start at once and inherit the text; it also needs no
    # `if __name__ == "__main__"` guard in scripts that call import_files().
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    jobs = [
        (opened.format, name, None if fork else opened.text[start:stop], lines, start, stop,
         strict)
        for lines, start, stop in pieces
    ]  # fmt: skip
    _FORKED_TEXT = opened.text
    try:
        with context.Pool(processes=min(2, os.cpu_count() or 1)) as pool:
            yield from pool.imap(_parse_piece, jobs)
    finally:
        _FORKED_TEXT = ""


def raise_in_one_pass(opened: OpenedFile, strict: bool) -> None:
    """Read the file again in one pass to raise its first error: a piece numbers its
    records from 1, one pass gives the file's record number (used on error paths only)."""
    for _ in _pieces_of(opened.records(), 0, strict, opened.path.name, 2000):
        pass
