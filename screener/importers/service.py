"""Importing search exports into a project: every file of a command lands, or none does."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from screener.errors import DuplicateSourceError, ImportFormatError, ScreenerError
from screener.importers.reading import OpenedFile, open_file, skipped_warning
from screener.models import Record, Source, SourceMethod
from screener.project import Project
from screener.store import NewSource

# Progress hook: (file name, records stored so far, records expected in the file).
Progress = Callable[[str, int, int], None]

# Database names recognised in a file's own database fields (RIS DB, CSV "Source") or its
# name; the first match wins. Keys are lower-case words.
KNOWN_DATABASES: tuple[tuple[str, str], ...] = (
    ("pubmed", "PubMed"),
    ("medline", "MEDLINE"),
    ("pmc", "PubMed Central"),
    ("embase", "Embase"),
    ("scopus", "Scopus"),
    ("web of science", "Web of Science"),
    ("wos", "Web of Science"),
    ("sciencedirect", "ScienceDirect"),
    ("cochrane", "Cochrane Library"),
    ("psycinfo", "APA PsycInfo"),
    ("cinahl", "CINAHL"),
    ("proquest", "ProQuest"),
    ("ebsco", "EBSCOhost"),
    ("ovid", "Ovid"),
    ("lens", "The Lens"),
    ("openalex", "OpenAlex"),
    ("google scholar", "Google Scholar"),
    ("biorxiv", "bioRxiv"),
    ("medrxiv", "medRxiv"),
)
_FORMAT_DATABASES = {"medline": "PubMed", "wos": "Web of Science"}
# Fields in which exports name the database a record came from (RIS DB, CSV "Source").
_DATABASE_KEYS = ("DB", "Source", "Name of Database", "source", "database")
_HINT_RECORDS = 50  # records whose database fields are read to guess the database


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


def guess_database(path: Path, fmt: str, hints: Sequence[str]) -> str:
    """The database a file came from: its records' own database fields (``hints``), else
    its file name, else its format (MEDLINE -> PubMed), else the file name itself."""
    for text in (*hints, path.stem):
        folded = re.sub(r"[_\-.]+", " ", text.casefold())
        for key, name in KNOWN_DATABASES:
            if re.search(rf"\b{re.escape(key)}\b", folded):
                return name
    return _FORMAT_DATABASES.get(fmt, path.stem)


def _check_file(project: Project, path: Path, fmt: str | None) -> CheckedFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFormatError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise ImportFormatError("is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    # hashlib releases the GIL on large inputs: hash while the text is being decoded.
    with ThreadPoolExecutor(max_workers=1) as hasher:
        digest = hasher.submit(lambda: hashlib.sha256(data).hexdigest())
        try:
            opened = open_file(path, data, fmt)
        finally:
            sha256 = digest.result()
    earlier = project.store.records.source_by_sha256(sha256)
    if earlier is not None:
        raise DuplicateSourceError(
            f"{path.name}: already imported on {earlier.imported_at:%Y-%m-%d %H:%M} UTC as "
            f"source {earlier.id} ({earlier.file_name}, {earlier.record_count} records); "
            "nothing added"
        )
    return CheckedFile(opened, sha256)


def check_files(
    project: Project, paths: Sequence[Path], *, fmt: str | None = None
) -> list[CheckedFile]:
    """Read, decode and recognise every file, writing nothing. Raises
    :class:`ImportBatchError` listing the problem of every file that cannot be imported."""
    checked: list[CheckedFile] = []
    errors: list[ScreenerError] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            item = _check_file(project, path, fmt)
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
    expected = opened.estimated_records() if progress else 0
    stored = 0
    total = 0
    skipped: list[tuple[int, int]] = []  # (position, line) of records with no content
    hints: list[str] = []

    def with_content() -> Iterator[Record]:
        """The file's records to store; records with nothing to screen are set aside
        (or, with ``strict``, refuse the file)."""
        nonlocal total
        for record in opened.records():
            total += 1
            if record.position <= _HINT_RECORDS:
                hints.extend(_database_hints(record))
            if record.has_content:
                yield record
            elif strict:
                raise ImportFormatError(
                    "this record has no title, abstract, DOI or PMID; --strict refuses the file",
                    line=record.line or None,
                    record=record.position,
                    file=name,
                )
            else:
                skipped.append((record.position, record.line))

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
        ),
        with_content(),
        progress=advance,
    )
    if total == 0:
        raise ImportFormatError(f"no records found (read as {opened.label})", file=name)
    source = project.store.records.finish_source(
        source.id,
        database=search.database or guess_database(opened.path, opened.format, hints),
        skipped=len(skipped),
    )
    warnings = list(opened.warnings)
    if skipped:
        warnings.append(skipped_warning(name, skipped))
    return FileImport(source, tuple(position for position, _ in skipped), tuple(warnings))


def import_files(
    project: Project,
    paths: Sequence[Path],
    search: Search = Search(),
    *,
    fmt: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> list[FileImport]:
    """Check, parse and store ``paths`` as one search each; all of them or none."""
    checked = check_files(project, paths, fmt=fmt)
    return store_files(project, checked, search, strict=strict, progress=progress)
