"""Importing search exports into a project: every file of a command lands, or none does."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from screener.errors import DuplicateSourceError, ImportFormatError, ScreenerError
from screener.importers.columns import database_named
from screener.importers.reading import OpenedFile, open_file, skipped_warning
from screener.importers.tabular import TableNotes
from screener.models import Record, Source, SourceMethod
from screener.project import Project
from screener.store import NewSource, SourceDetails

# Progress hook: (file name, records stored so far, records expected in the file).
Progress = Callable[[str, int, int], None]

# Formats that come from one database only: their records need no database field.
_FORMAT_DATABASES = {"medline": "PubMed", "wos": "Web of Science"}
# Fields in which exports name the database a record came from (RIS DB, CSV "Source").
_DATABASE_KEYS = ("DB", "Source", "Name of Database", "source", "database", "Database")
_HINT_RECORDS = 50  # records whose database fields are read to guess the database


class DatabaseFrom(StrEnum):
    """Where a source's database name came from (kept with the source, shown by `sources`)."""

    GIVEN = "given"  # --database
    RECORDS = "records"  # the file's own database fields (RIS DB, a "Database" column)
    FORMAT = "format"  # a format only one database writes (MEDLINE: PubMed)
    FILE_NAME = "file name"  # a database's name in the file name
    UNKNOWN = "unknown"  # none of these: recorded as "Unknown database (file)"


class ImportBatchError(ScreenerError):
    """One or more files cannot be imported; nothing was imported."""

    def __init__(self, errors: Sequence[ScreenerError]) -> None:
        self.errors = list(errors)
        lines = "\n".join(str(e) for e in errors)
        super().__init__(f"{lines}\nNothing was imported; the project is unchanged.")


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that was read, recognised and is not yet in the project."""

    opened: OpenedFile
    sha256: str


@dataclass(frozen=True, slots=True)
class Search:
    """How a file's records were found (PRISMA-S): the database (None: guess it from the
    file), the interface, the search string, the date it was run (YYYY-MM-DD) and how the
    file was found (a database or register search, or another method: PRISMA 2020's boxes)."""

    database: str | None = None
    platform: str = ""
    query: str = ""
    searched_on: str = ""
    method: SourceMethod = SourceMethod.DATABASE

    def __post_init__(self) -> None:
        if self.searched_on:
            try:
                date.fromisoformat(self.searched_on)
            except ValueError:
                raise ScreenerError(f"{self.searched_on!r} is not a date; use YYYY-MM-DD") from None


@dataclass(frozen=True, slots=True)
class FileImport:
    """What importing one file did."""

    source: Source
    skipped_positions: tuple[int, ...]
    warnings: tuple[str, ...]


def guess_database(path: Path, fmt: str, hints: Sequence[str]) -> tuple[str, DatabaseFrom]:
    """The database a file came from, and how that is known: its records' own database
    fields (``hints``), a format only one database writes, a database named in the file
    name; else "Unknown database (file name)", so that a file name never passes for a
    database in the PRISMA flow diagram."""
    for hint in hints:
        name = database_named(hint)
        if name:
            return name, DatabaseFrom.RECORDS
    if fmt in _FORMAT_DATABASES:
        return _FORMAT_DATABASES[fmt], DatabaseFrom.FORMAT
    name = database_named(path.stem)
    if name:
        return name, DatabaseFrom.FILE_NAME
    return f"Unknown database ({path.name})", DatabaseFrom.UNKNOWN


def _check_file(project: Project, path: Path, fmt: str | None, sheet: str | None) -> CheckedFile:
    opened = open_file(path, fmt=fmt, sheet=sheet)
    earlier = project.store.records.source_by_sha256(opened.sha256)
    if earlier is not None:
        what = f"{path.name}, sheet {opened.sheet!r}" if opened.sheet else path.name
        raise DuplicateSourceError(
            f"{what}: already imported on {earlier.imported_at:%Y-%m-%d %H:%M} UTC as "
            f"source {earlier.id} ({earlier.file_name}, {earlier.record_count} records); "
            "nothing added"
        )
    return CheckedFile(opened, opened.sha256)


def check_files(
    project: Project, paths: Sequence[Path], *, fmt: str | None = None, sheet: str | None = None
) -> list[CheckedFile]:
    """Read, decode and recognise every file, writing nothing. Raises
    :class:`ImportBatchError` listing the problem of every file that cannot be imported."""
    checked: list[CheckedFile] = []
    errors: list[ScreenerError] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            item = _check_file(project, path, fmt, sheet)
        except ScreenerError as exc:
            errors.append(exc)
            continue
        if item.sha256 in seen:
            errors.append(
                DuplicateSourceError(f"{path.name}: same content as {seen[item.sha256].name}")
            )
            continue
        seen[item.sha256] = path
        checked.append(item)
    if errors:
        raise ImportBatchError(errors)
    return checked


def store_files(
    project: Project,
    checked: Sequence[CheckedFile],
    search: Search = Search(),
    *,
    strict: bool = False,
    progress: Progress | None = None,
) -> list[FileImport]:
    """Parse and store checked files, one source each. The whole call is one transaction
    (each file a savepoint within it): if any file turns out to be malformed, nothing is
    stored and :class:`ImportBatchError` says why."""
    results: list[FileImport] = []
    try:
        with project.store.transaction():
            for item in checked:
                results.append(_store_one(project, item, search, strict, progress))
    except ScreenerError as exc:
        raise ImportBatchError([exc]) from None
    return results


def _database_hints(record: Record) -> list[str]:
    hints: list[str] = []
    for key in _DATABASE_KEYS:
        value = record.raw.get(key)
        if isinstance(value, list):
            hints.extend(str(v) for v in value)
        elif value:
            hints.append(str(value))
    return hints


def _store_one(
    project: Project,
    item: CheckedFile,
    search: Search,
    strict: bool,
    progress: Progress | None,
) -> FileImport:
    opened = item.opened
    name = opened.path.name
    reading = _Reading(opened, strict)
    expected = opened.estimated_records() if progress else 0
    stored = 0

    def advance(count: int) -> None:
        nonlocal stored
        stored += count
        if progress:
            progress(name, stored, max(expected, stored))

    source = project.store.records.add_source(
        NewSource(
            database=search.database or "",
            platform=search.platform,
            query=search.query,
            searched_on=search.searched_on,
            file_name=name,
            sha256=item.sha256,
            format=opened.format,
            encoding=opened.encoding,
            method=search.method,
            sheet=opened.sheet,
        ),
        reading.records(),
        progress=advance,
    )
    reading.check_found(source.record_count)
    if search.database:
        database, database_from = search.database, DatabaseFrom.GIVEN
    else:
        hints = [*reading.notes.databases, *reading.hints]
        database, database_from = guess_database(opened.path, opened.format, hints)
    notes = reading.notes
    source = project.store.records.finish_source(
        source.id,
        SourceDetails(
            database=database,
            database_from=str(database_from),
            skipped=len(reading.skipped),
            unused_columns=tuple(notes.unused_columns),
            empty_fields=tuple(notes.empty_fields),
        ),
    )
    warnings = [*opened.warnings, *reading.warnings(), *_database_warning(source, database_from)]
    positions = tuple(position for position, _ in reading.skipped)
    return FileImport(source, positions, tuple(warnings))


class _Reading:
    """One pass over a file's records: those with content go to the store; empty ones are
    set aside (or, with ``strict``, refuse the file); database fields are collected."""

    def __init__(self, opened: OpenedFile, strict: bool) -> None:
        self.opened = opened
        self.strict = strict
        self.notes = TableNotes()
        self.total = 0
        self.skipped: list[tuple[int, int]] = []  # (position, line) of records with no content
        self.hints: list[str] = []

    def records(self) -> Iterator[Record]:
        for record in self.opened.records(self.notes):
            self.total += 1
            if record.position <= _HINT_RECORDS:
                self.hints.extend(_database_hints(record))
            if record.has_content:
                yield record
            elif self.strict:
                raise ImportFormatError(
                    "this record has no title, abstract, DOI or PMID; --strict refuses the file",
                    line=record.line or None,
                    record=record.position,
                    file=self.opened.path.name,
                    sheet=self.opened.sheet or None,
                )
            else:
                self.skipped.append((record.position, record.line))

    def check_found(self, stored: int) -> None:
        """A file with no records, or none with anything to screen, is refused."""
        name = self.opened.path.name
        if self.total == 0:
            raise ImportFormatError(f"no records found (read as {self.opened.label})", file=name)
        if stored == 0:
            raise ImportFormatError(
                f"none of its {self.total} records has a title, abstract, DOI or PMID: "
                "nothing to screen",
                file=name,
            )

    def warnings(self) -> list[str]:
        name = self.opened.path.name
        if self.opened.sheet:
            name = f"{name}, sheet {self.opened.sheet!r}"
        found = [skipped_warning(name, self.skipped)] if self.skipped else []
        return found + table_warnings(name, self.notes)


def table_warnings(name: str, notes: TableNotes) -> list[str]:
    """What reading a table found, once per file: nothing a column held goes unmentioned."""
    found = []
    if notes.unused_columns:
        found.append(f"{name}: kept but not used: {', '.join(notes.unused_columns)}")
    if notes.blank_columns:
        shown = ", ".join(notes.blank_columns[:10])
        more = " ..." if len(notes.blank_columns) > 10 else ""
        found.append(
            f"{name}: {len(notes.blank_columns)} other column(s) empty in every row: {shown}{more}"
        )
    for empty in notes.empty_fields:
        found.append(f"{name}: {empty}: the column is empty (or unreadable) in every record")
    if notes.section_lines:
        line, text = notes.section_lines[0]
        found.append(
            f"{name}: {len(notes.section_lines)} line(s) with one cell are headings, not "
            f"records (line {line}: {text[:60]!r})"
        )
    return found


def _database_warning(source: Source, database_from: DatabaseFrom) -> list[str]:
    name = source.file_name
    if database_from is DatabaseFrom.FILE_NAME:
        return [
            f"{name}: database {source.database!r} guessed from the file name; give "
            "--database NAME when importing to name it otherwise"
        ]
    if database_from is DatabaseFrom.UNKNOWN:
        return [
            f"{name}: the file does not say which database it came from; recorded as "
            f"{source.database!r} in the PRISMA flow diagram. Give --database NAME when "
            "importing to name it (e.g. --database Embase)"
        ]
    return []


def import_files(
    project: Project,
    paths: Sequence[Path],
    search: Search = Search(),
    *,
    fmt: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> list[FileImport]:
    """Check, parse and store ``paths`` as one search each; all of them or none."""
    checked = check_files(project, paths, fmt=fmt, sheet=sheet)
    return store_files(project, checked, search, strict=strict, progress=progress)
