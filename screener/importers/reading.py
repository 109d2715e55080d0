"""Reading a search export: decoding, choosing the importer by content, parsing.

Every importer module follows the contract in :mod:`screener.importers.base`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from screener.errors import ImportFormatError
from screener.importers import bibtex, endnote_xml, medline, ris, tabular, wos
from screener.models import Record

# Order matters: the first module whose detect() accepts the text wins. The tagged formats
# come before BibTeX and CSV, whose detectors accept looser text.
IMPORTERS: tuple[ModuleType, ...] = (endnote_xml, medline, wos, ris, bibtex, tabular)
FORMATS: dict[str, ModuleType] = {module.FORMAT: module for module in IMPORTERS}


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...]


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > max(8, len(sample) // 100)


def decode(data: bytes, file: str) -> DecodedText:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 with a warning.

    Line endings become ``\\n``. Raises :class:`ImportFormatError` for empty or binary input.
    """
    if not data.strip():
        raise ImportFormatError("the file is empty", file=file)
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"invalid UTF-16 at byte {exc.start}", file=file) from None
    elif _looks_binary(data):
        raise ImportFormatError("this is a binary file, not a text export of citations", file=file)
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
            warnings.append(
                f"{file}: line {line}: not valid UTF-8; read as {encoding} (Windows/Latin-1). "
                "Check accented characters after import."
            )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportFormatError("the file is empty", file=file)
    return DecodedText(text, encoding, tuple(warnings))


def detect_format(text: str) -> str | None:
    """The id of the first importer that recognises ``text``, or None."""
    for module in IMPORTERS:
        try:
            if module.detect(text):
                return str(module.FORMAT)
        except Exception:  # a detector must never stop the others from being tried
            continue
    return None


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """A file read, decoded and recognised; its records are parsed when iterated."""

    path: Path
    format: str
    encoding: str
    text: str
    warnings: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(FORMATS[self.format].LABEL)

    def records(self) -> Iterator[Record]:
        """Every record, one at a time; errors name this file. Big files are never held
        as a list of records: an importer with ``iter_records`` yields them as it goes."""
        module = FORMATS[self.format]
        iterate = getattr(module, "iter_records", None) or module.parse
        try:
            yield from iterate(self.text)
        except ImportFormatError as exc:
            raise exc.in_file(self.path.name) from None

    def estimated_records(self) -> int:
        """A quick count of record markers, for progress bars only."""
        marker = _RECORD_MARKERS.get(self.format)
        if marker is None:
            return self.text.count("\n")
        return len(marker.findall(self.text))


_RECORD_MARKERS = {
    "ris": re.compile(r"^ER\s*-", re.MULTILINE),
    "wos": re.compile(r"^ER\s*$", re.MULTILINE),
    "medline": re.compile(r"\n\s*\n(?=[A-Z])"),
    "bibtex": re.compile(r"^\s*@", re.MULTILINE),
    "endnote_xml": re.compile(r"<record>"),
}


def open_file(path: Path, data: bytes, fmt: str | None = None) -> OpenedFile:
    """Decode ``data`` and choose its importer (``fmt`` forces one, as ``--format`` does)."""
    name = path.name
    decoded = decode(data, name)
    if fmt is None:
        fmt = detect_format(decoded.text)
        if fmt is None:
            raise ImportFormatError(
                "unknown format: not RIS, PubMed MEDLINE/nbib, Web of Science, BibTeX, "
                "CSV/TSV or EndNote XML (use --format to force one)",
                line=1,
                file=name,
            )
    elif fmt not in FORMATS:
        raise ImportFormatError(
            f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))}", file=name
        )
    return OpenedFile(path, fmt, decoded.encoding, decoded.text, decoded.warnings)


def skipped_warning(name: str, skipped: Sequence[tuple[int, int]]) -> str:
    """The warning for records skipped for having no content, given (position, line)."""
    where = ", ".join(f"record {position} (line {line})" for position, line in skipped[:20])
    more = f" and {len(skipped) - 20} more" if len(skipped) > 20 else ""
    return (
        f"{name}: skipped {len(skipped)} record(s) with no title, abstract, DOI or PMID: "
        f"{where}{more}"
    )


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What a file gave: its records (with content) and the positions of empty ones."""

    path: Path
    format: str
    encoding: str
    records: tuple[Record, ...]
    skipped: tuple[Record, ...]
    warnings: tuple[str, ...]


def parse_file(path: Path, data: bytes, fmt: str | None = None) -> ParsedFile:
    """Decode, detect and parse one whole file into memory (for small files and tests;
    imports stream records from :func:`open_file` instead)."""
    opened = open_file(path, data, fmt)
    records = list(opened.records())
    if not records:
        raise ImportFormatError(f"no records found (read as {opened.label})", file=path.name)
    kept = tuple(r for r in records if r.has_content)
    skipped = tuple(r for r in records if not r.has_content)
    warnings = list(opened.warnings)
    if skipped:
        warnings.append(skipped_warning(path.name, [(r.position, r.line) for r in skipped]))
    return ParsedFile(path, opened.format, opened.encoding, kept, skipped, tuple(warnings))
