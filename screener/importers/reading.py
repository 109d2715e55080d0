"""Reading a search export: checking the file, decoding it, choosing its importer by content.

A file is read twice: once to check it (its sha256, its encoding, its format), and once,
as a stream of lines, while its records are stored; neither holds the whole text of a
line-based export in memory. Every importer module follows :mod:`screener.importers.records`.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from screener.errors import ImportFormatError
from screener.importers import bibtex, endnote_xml, medline, ris, spreadsheet, tabular, wos
from screener.importers.tabular import TableNotes
from screener.models import Record

# Order matters: the first module whose detect() accepts the text wins. The tagged formats
# come before BibTeX and CSV, whose detectors accept looser text.
IMPORTERS: tuple[ModuleType, ...] = (endnote_xml, medline, wos, ris, bibtex, tabular)
FORMATS: dict[str, ModuleType] = {m.FORMAT: m for m in (*IMPORTERS, spreadsheet)}
TABLES = frozenset({tabular.FORMAT, spreadsheet.FORMAT})

_CHUNK = 1 << 20  # bytes read at a time
_HEAD = 256 * 1024  # bytes decoded to recognise the format
_TAIL = 32 * 1024  # and from the end (a huge first RIS record hides its "ER  -")
_MAX_WHOLE = 1 << 30  # formats parsed from the whole text (BibTeX, XML) up to 1 GiB
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SIGNATURES = (  # files that are plainly not text exports, named for the message
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
    (b"PK\x03\x04", "a ZIP archive (unpack it first)"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old-format Office file (.xls or .doc) or a password-protected workbook: save "
        "it as .xlsx without a password, or export CSV",
    ),
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...]


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > max(8, len(sample) // 100)


def _utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" for text saved as UTF-16 without a byte-order mark: nearly
    every other byte is NUL (the high byte of ASCII characters), on one side only."""
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd = sample[1 : 2 * pairs : 2].count(0)
    even = sample[0 : 2 * pairs : 2].count(0)
    if odd >= 0.7 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.7 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _text_encoding(head: bytes, name: str) -> str:
    """The codec a text file's start calls for; refuses files that are not text."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    utf16 = _utf16_without_bom(head[:8192])
    if utf16:
        return utf16
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise ImportFormatError(f"this is {what}, not a text export of citations", file=name)
    if _looks_binary(head[:8192]):
        raise ImportFormatError("this is a binary file, not a text export of citations", file=name)
    return "utf-8"


class _Scan:
    """One pass over a file's bytes: sha256, whether it is all blank, and whether it is
    valid in its codec (else the line of the first bad byte)."""

    def __init__(self, codec: str) -> None:
        self.hasher = hashlib.sha256()
        self.decoder = codecs.getincrementaldecoder(codec)()
        self.blank = True
        self.bad_line = 0  # 0 while every byte decodes
        self.lines = 0

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        self.hasher.update(chunk)
        if self.bad_line:
            return
        try:
            text = self.decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            self.bad_line = self.lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
            return
        if self.blank and text.strip("\ufeff \t\r\n\f\v"):
            self.blank = False
        self.lines += chunk.count(b"\n")


@dataclass(frozen=True, slots=True)
class _Bytes:
    """Where a file's bytes come from: the file itself, or bytes already in memory."""

    name: str
    path: Path
    data: bytes | None = None

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else self.path.open("rb")


def _check_regular(path: Path) -> int:
    """The size of ``path``; anything but a regular file is refused before it is opened (a
    FIFO would block, /dev/zero would never end)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportFormatError("no such file", file=str(path)) from None
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportFormatError("is a folder, not a file", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise ImportFormatError(
            f"is {kind}, not a file; save the export to a file and import that", file=str(path)
        )
    return info.st_size


_KINDS = {
    stat.S_IFIFO: "a pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _sample_text(head: bytes, tail: bytes, codec: str) -> str:
    """The start (and end) of a file as text, for the detectors."""
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head)
    if tail:
        ending = codecs.getincrementaldecoder(_tail_codec(codec, head))(errors="replace")
        last = ending.decode(tail)
        text += "\n" + last[last.find("\n") + 1 :]
    return text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")


def _tail_codec(codec: str, head: bytes) -> str:
    """The codec for bytes from the middle of a file: no BOM there to read the order from."""
    if codec in ("utf-16", "utf-32"):  # the UTF-32 LE mark starts like the UTF-16 LE one
        return f"{codec}-{'le' if head.startswith(codecs.BOM_UTF16_LE) else 'be'}"
    return _TAIL_CODECS.get(codec, codec)


_TAIL_CODECS = {"utf-8-sig": "utf-8"}
# How an encoding is named in messages and in the project (sources.encoding).
_ENCODING_NAMES = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf-16": "utf-16",
    "utf-32": "utf-32",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
}


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
    """A file checked, decoded and recognised; its records are read when iterated.

    ``sha256`` identifies what is imported: the file's bytes, and for a workbook also the
    sheet read, so that two sheets of one workbook are two searches."""

    path: Path
    format: str
    encoding: str  # as named in the project: utf-8, utf-16, cp1252...
    sha256: str
    size: int
    warnings: tuple[str, ...]
    source: _Bytes
    codec: str = "utf-8-sig"  # the Python codec that decodes it
    sheet: str = ""

    @property
    def label(self) -> str:
        return str(FORMATS[self.format].LABEL)

    def records(self, notes: TableNotes | None = None) -> Iterator[Record]:
        """Every record, one at a time; errors name this file. Tables report their unused
        and empty columns in ``notes``."""
        try:
            yield from self._records(notes if notes is not None else TableNotes())
        except ImportFormatError as exc:
            raise exc.in_file(self.path.name, self.sheet or None) from None

    def _records(self, notes: TableNotes) -> Iterator[Record]:
        if self.format == spreadsheet.FORMAT:
            with self.source.open() as stream:
                yield from tabular.read_rows(spreadsheet.rows(stream, self.sheet), notes)
            return
        module = FORMATS[self.format]
        with self.source.open() as raw:
            text = io.TextIOWrapper(raw, encoding=self.codec, newline=None)
            if module is tabular:
                yield from tabular.read(_lines(text), notes)
            elif hasattr(module, "read"):
                yield from module.read(_lines(text))
            else:
                yield from module.parse(text.read().replace("\ufeff", ""))

    def estimated_records(self) -> int:
        """A rough count of records, for progress bars only: the file's size over the size
        of a typical record of its format."""
        return max(1, self.size // _TYPICAL_RECORD_BYTES.get(self.format, 1500))


_TYPICAL_RECORD_BYTES = {"csv": 1200, "xlsx": 300, "ris": 2000, "medline": 2500, "wos": 3000}


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The lines of a text stream without their ends, read in large blocks (faster than
    line by line); byte-order marks, also those of concatenated exports, are dropped."""
    rest = ""
    while block := text.read(_CHUNK):
        if "\ufeff" in block:
            block = block.replace("\ufeff", "")
        lines = (rest + block).split("\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def open_file(
    path: Path, data: bytes | None = None, fmt: str | None = None, sheet: str | None = None
) -> OpenedFile:
    """Check a file and choose its importer (``fmt`` forces one, as ``--format`` does;
    ``sheet`` picks a workbook's sheet). ``data`` is the file's content when it is already
    in memory; otherwise the file is read from ``path``, which must be a regular file."""
    name = path.name
    size = len(data) if data is not None else _check_regular(path)
    source = _Bytes(name, path, data)
    try:
        with source.open() as stream:
            head = stream.read(_HEAD)
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if fmt is not None and fmt not in FORMATS:
        raise ImportFormatError(
            f"unknown format {fmt!r}; choose one of {', '.join(sorted(FORMATS))}", file=name
        )
    if fmt == spreadsheet.FORMAT or (fmt is None and spreadsheet.detect_bytes(head)):
        return _open_workbook(source, size, sheet)
    if sheet:
        raise ImportFormatError("--sheet is for workbooks (.xlsx); this is a text file", file=name)
    return _open_text(source, head, size, fmt)


def _read_all(source: _Bytes, scan: _Scan) -> bytes:
    """Feed every chunk of the file to ``scan``; the file's last bytes (its tail)."""
    tail = b""
    try:
        with source.open() as stream:
            while chunk := stream.read(_CHUNK):
                scan.feed(chunk)
                tail = (tail + chunk)[-_TAIL:]
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", file=source.name) from None
    scan.feed(b"", final=True)
    return tail


def _scan_text(source: _Bytes, head: bytes) -> tuple[_Scan, str, bytes, list[str]]:
    """Hash and validate a text file: (scan, codec, tail, warnings). Text that is not UTF-8
    is read as Windows-1252 (or Latin-1, which takes any byte) with a warning."""
    codec = _text_encoding(head, source.name)
    scan = _Scan(codec)
    tail = _read_all(source, scan)
    if not scan.bad_line:
        return scan, codec, tail, []
    if codec != "utf-8":
        shown = _ENCODING_NAMES[codec].upper().replace("-LE", " LE").replace("-BE", " BE")
        raise ImportFormatError(f"not valid {shown}", line=scan.bad_line, file=source.name)
    bad_line = scan.bad_line
    for codec in ("cp1252", "latin-1"):
        scan = _Scan(codec)
        _read_all(source, scan)
        if not scan.bad_line:
            break
    warning = (
        f"{source.name}: line {bad_line}: not valid UTF-8; read as {codec} "
        "(Windows/Latin-1). Check accented characters after import."
    )
    return scan, codec, tail, [warning]


def _open_text(source: _Bytes, head: bytes, size: int, fmt: str | None) -> OpenedFile:
    name = source.name
    if not head.strip() and size <= len(head):
        raise ImportFormatError("the file is empty", file=name)
    scan, codec, tail, warnings = _scan_text(source, head)
    if scan.blank:
        raise ImportFormatError("the file is empty", file=name)
    if codec in ("utf-16-le", "utf-16-be"):
        warnings.append(f"{name}: read as {codec.upper()} (the file has no byte-order mark)")
    if fmt is None:
        fmt = detect_format(_sample_text(head, tail if size > _HEAD else b"", codec))
    if fmt is None:
        raise ImportFormatError(
            "unknown format: not RIS, PubMed MEDLINE/nbib, Web of Science, BibTeX, "
            "CSV/TSV, EndNote XML or an Excel workbook (use --format to force one)",
            line=1,
            file=name,
        )
    if not hasattr(FORMATS[fmt], "read") and size > _MAX_WHOLE:
        raise ImportFormatError(
            f"too big to read as {FORMATS[fmt].LABEL} ({size >> 20} MB; at most "
            f"{_MAX_WHOLE >> 20} MB): split the export into smaller files",
            file=name,
        )
    return OpenedFile(
        path=source.path,
        format=fmt,
        encoding=_ENCODING_NAMES.get(codec, codec),
        sha256=scan.hasher.hexdigest(),
        size=size,
        warnings=tuple(warnings),
        source=source,
        codec=codec,
    )


def _open_workbook(source: _Bytes, size: int, sheet: str | None) -> OpenedFile:
    """A workbook: the sheet to read (the one with a title column, or ``sheet``)."""
    hasher = hashlib.sha256()
    try:
        with source.open() as stream:
            while chunk := stream.read(_CHUNK):
                hasher.update(chunk)
            chosen = spreadsheet.choose_sheet(stream, sheet, tabular.has_title_column)
    except ImportFormatError as exc:
        raise exc.in_file(source.name) from None
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", file=source.name) from None
    hasher.update(b"\x00sheet\x00" + chosen.encode("utf-8"))
    return OpenedFile(
        path=source.path,
        format=spreadsheet.FORMAT,
        encoding="",
        sha256=hasher.hexdigest(),
        size=size,
        warnings=(),
        source=source,
        codec="",
        sheet=chosen,
    )


def decode(data: bytes, file: str) -> DecodedText:
    """Bytes to text as an import reads them: UTF-8 (with or without BOM), UTF-16/32 with a
    BOM, UTF-16 without one, else Windows-1252 with a warning. Line endings become ``\\n``.
    Raises :class:`ImportFormatError` for empty or binary input."""
    source = _Bytes(file, Path(file), data)
    if not data.strip():
        raise ImportFormatError("the file is empty", file=file)
    scan, codec, _, warnings = _scan_text(source, data[:_HEAD])
    if scan.blank:
        raise ImportFormatError("the file is empty", file=file)
    text = data.decode(codec).replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, _ENCODING_NAMES.get(codec, codec), tuple(warnings))


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
