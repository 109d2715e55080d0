"""BibTeX/BibLaTeX importer (Zotero, Scopus, Google Scholar, JabRef exports) on bibtexparser 2."""

from __future__ import annotations

import dataclasses
import logging
import re
from functools import lru_cache
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)

from screener.importers.fields import clean_text, normalise_author, split_list
from screener.importers.records import ImportFormatError, make_record
from screener.models import Record

# bibtexparser logs every broken block as a warning, which would land on the user's
# terminal; parse() reports those blocks itself as ImportFormatError.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)

FORMAT = "bibtex"
LABEL = "BibTeX"

# An entry such as "@article{" or "@InProceedings (" at the start of a line.
_ENTRY_START = re.compile(r"[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")
# Lines that start the formats tried before BibTeX, and CSV or XML: their text may quote an
# "@article{" (an abstract, a note), so such a line before the first entry rules BibTeX out.
_OTHER_FORMAT = re.compile(r"(?:[A-Z][A-Z0-9]{1,3} {0,2}- |FN |VR |PT [A-Z]|<)")
_TABULAR = re.compile(r"(?:[^,]*,){2}|[^\t]*\t|(?:[^;]*;){2}")
# Free text allowed before the first entry: a JabRef "% Encoding" comment, Scopus's
# "Scopus / EXPORT DATE" lines. A ProQuest report holds BibTeX only after pages of text.
_MAX_HEADER_LINES = 20
_NOT_RECORDS = {"comment", "preamble", "string"}

# Fields whose value is an identifier, not prose: LaTeX decoding would eat "_" or "%".
_VERBATIM = {"doi", "url", "urldate", "file", "eprint", "pmid", "issn", "isbn", "pubmed_id"}
_ESCAPED_CHAR = re.compile(r"\\([_%&#$])")
# Marks that make a value worth a LaTeX pass; anything else is kept as it is.
_LATEX_MARKS = re.compile(r"[\\{}~]|--|``|''")
# pylatexenc takes 1-5 ms for an abstract, too slow for 10,000 records. So a value is cut
# into the pieces that hold a macro ({\"u}, \textless, \textit{..}, \%), which pylatexenc
# decodes (cached: the same few recur), and plain text, whose braces, dashes, quotes and
# ties are replaced here the way pylatexenc would.
_LATEX_TOKEN = re.compile(
    r"""(?P<macro>\{[^{}\\]*\\[^{}]*\}
        |\\[A-Za-z]+\*?(?:(?:\{[^{}]*\})+|[ \t]*)
        |\\[^A-Za-z\s](?:\{[^{}]*\}|[A-Za-z])?)
    |(?P<plain>[{}~]|---?|``|'')""",
    re.VERBOSE,
)
_PLAIN = {"{": "", "}": "", "~": " ", "--": "–", "---": "—", "``": "“", "''": "”"}
# In LaTeX a bare "%" starts a comment and a bare "&" is a table column: both would
# silently drop text ("50% of patients" -> "50"), so they are escaped before decoding.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")


# An accent macro opening a name ('... and \"Ozt\"urk, A.') loses its first two characters in
# bibtexparser's author splitter; a macro in braces ({\"O}) is read correctly.
_NAME_MACRO = re.compile(r"\\[^A-Za-z\s{}](?:\{[^{}]*\}|[A-Za-z])|\\[A-Za-z]+\{[^{}]*\}")
_NAME_FIELDS = ("author", "editor", "translator")


def _decoder() -> LatexNodes2Text:
    """bibtexparser's pylatexenc set-up, plus text macros that Zotero writes and
    pylatexenc 2 does not know (it would drop "p {\\textless} 0.05" to "p 0.05")."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "screener-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("textless", simplify_repl="<"),
            MacroTextSpec("textgreater", simplify_repl=">"),
            MacroTextSpec("textunderscore", simplify_repl="_"),
            MacroTextSpec("textbar", simplify_repl="|"),
            MacroTextSpec("copyright", simplify_repl="\u00a9"),
        ],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


class _LatexToUnicode(LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoder (pylatexenc), used piecewise for speed (see
    _LATEX_TOKEN) and extended to author lists split into NameParts, which the stock
    middleware skips. A piece pylatexenc cannot decode is kept as it is."""

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if not _LATEX_MARKS.search(python_string):
            return python_string, ""
        return _LATEX_TOKEN.sub(_decode_token, python_string), ""

    def pylatexenc(self, snippet: str) -> str:
        escaped = _BARE_SPECIAL.sub(r"\\\1", snippet)
        return super()._transform_python_value_string(escaped)[0]

    def _decode(self, value: str) -> str:
        return self._transform_python_value_string(value)[0]

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        for field in entry.fields:
            value = field.value
            if isinstance(value, str):
                if field.key in _VERBATIM:
                    field.value = _ESCAPED_CHAR.sub(r"\1", value)
                else:
                    field.value = self._decode(value)
            elif isinstance(value, list):
                field.value = [self._decode_name(name) for name in value]
        return entry

    def _decode_name(self, name: object) -> object:
        if isinstance(name, NameParts):
            for part in ("first", "von", "last", "jr"):
                setattr(name, part, [self._decode(w) for w in getattr(name, part)])
            return name
        return self._decode(name) if isinstance(name, str) else name


_LATEX = _LatexToUnicode(decoder=_decoder())


def _decode_token(match: re.Match[str]) -> str:
    plain = match.group("plain")
    return _PLAIN[plain] if plain else _decode_macro(match.group("macro"))


@lru_cache(maxsize=8192)
def _decode_macro(snippet: str) -> str:
    return _LATEX.pylatexenc(snippet)


# Applied one entry at a time (see _clean) so that one odd entry cannot spoil the others.
_ENTRY_STACK = (
    RemoveEnclosingMiddleware(),
    SeparateCoAuthors(),
    SplitNameParts(),
    _LATEX,
)
_REMOVE_ENCLOSING = _ENTRY_STACK[0]


def detect(text: str) -> bool:
    """An ``@type{`` entry at the start of a line, after at most a short header."""
    try:
        header_lines = 0
        for line in text[:65536].split("\n"):
            stripped = line.strip()
            if not stripped or stripped.startswith("%"):
                continue
            if _ENTRY_START.match(line):
                return True
            header_lines += 1
            if (
                header_lines > _MAX_HEADER_LINES
                or _OTHER_FORMAT.match(stripped)
                or _TABULAR.match(stripped)
            ):
                return False
        return False
    except Exception:  # detect() must never raise
        return False


def parse(text: str) -> list[Record]:
    """Every entry (not @comment/@string/@preamble) of ``text``, in file order."""
    return _parse(text)


def _parse(text: str) -> list[Record]:
    try:
        library = bibtexparser.parse_string(text, parse_stack=[ResolveStringReferencesMiddleware()])
    except Exception as exc:  # the splitter raises on its own internal errors only
        raise ImportFormatError(f"the BibTeX could not be read ({exc})") from None
    records: list[Record] = []
    for block in library.blocks:
        entry = _entry_of(block)
        if entry is None or entry.entry_type.lower() in _NOT_RECORDS:
            continue
        records.append(_record(entry, len(records) + 1, library))
    return records


def _entry_of(block: Block) -> Entry | None:
    """The entry in ``block``; raises for a block the splitter could not read."""
    if isinstance(block, Entry):
        return block
    # A repeated key or a repeated field is not a syntax error: exports do both
    # (Scopus repeats "funding_details"), and the entry itself was read.
    if isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
        inner = block.ignore_error_block
        return inner if isinstance(inner, Entry) else None
    if isinstance(block, ParsingFailedBlock):
        raise _failed(block)
    return None


# bibtexparser's reasons for a failed block, and what they mean for a reviewer.
_FAILURES = (
    ("end of file", "is not closed: a '}' is missing (the file seems cut off)"),
    ("Unexpected block start", "is not closed before the next '@' entry: check its braces"),
    ("comma after entry key", "has no key or no comma after its key ('@article{key,')"),
)


def _failed(block: ParsingFailedBlock) -> ImportFormatError:
    first = (block.raw or "").split("\n", 1)[0].strip()
    what = f"the entry '{first[:60]}'" if first else "the entry starting here"
    reason = str(getattr(block.error, "abort_reason", "") or block.error).strip()
    problem = next((text for key, text in _FAILURES if key in reason), f"is unreadable: {reason}")
    return ImportFormatError(f"{what} {problem}", line=(block.start_line or 0) + 1)


def _clean(entry: Entry, library: Library) -> tuple[Entry, dict[str, Any]]:
    """Run the per-entry middlewares; returns the entry and its raw (unenclosed) values."""
    raw: dict[str, Any] = {"ENTRYTYPE": entry.entry_type, "ID": entry.key}
    for middleware in _ENTRY_STACK:
        block = middleware.transform_block(entry, library)
        # A middleware that fails (a name it cannot split, LaTeX it cannot decode) hands
        # back the entry as far as it got: keep that rather than refuse the whole file.
        if isinstance(block, ParsingFailedBlock):
            block = block.ignore_error_block
        if isinstance(block, Entry):
            entry = block
        if middleware is _REMOVE_ENCLOSING:
            for field in entry.fields:
                _add_raw(raw, field.key, field.value)
            _prepare(entry)
    return entry, raw


def _add_raw(raw: dict[str, Any], key: str, value: object) -> None:
    text = value if isinstance(value, str) else str(value)
    if key not in raw:
        raw[key] = text
    elif isinstance(raw[key], list):
        raw[key].append(text)
    else:
        raw[key] = [raw[key], text]


def _prepare(entry: Entry) -> None:
    """Lower-case field keys (Web of Science writes "Author"; the name middlewares look for
    "author"), keeping repeated fields, which NormalizeFieldKeys would drop; brace name
    macros (see _NAME_MACRO); and write page ranges with one hyphen."""
    for field in entry.fields:
        field.key = field.key.strip().lower()
        if not isinstance(field.value, str):
            continue
        if field.key in _NAME_FIELDS:
            field.value = _NAME_MACRO.sub(r"{\g<0>}", field.value)
        elif field.key == "pages":
            field.value = field.value.replace("--", "-")


def _values(entry: Entry) -> dict[str, list[Any]]:
    """Field values by (lower-case) key, repeated fields kept."""
    values: dict[str, list[Any]] = {}
    for field in entry.fields:
        values.setdefault(field.key, []).append(field.value)
    return values


def _author(name: object) -> tuple[str, bool]:
    """``Family, Given[, Jr]`` from bibtexparser's name parts, and whether the name is one
    literal (a braced "{World Health Organization}", or a single word) to keep as it is."""
    if isinstance(name, NameParts):
        family = " ".join([*name.von, *name.last]).strip()
        given = " ".join(name.first).strip()
        jr = " ".join(name.jr).strip()
        literal = not (given or jr or name.von) and len(name.last) == 1
        return ", ".join(p for p in (family, given, jr) if p), literal
    return str(name), False


def _keywords(values: list[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        text = str(value)
        # Zotero and Google Scholar separate keywords with ", ", Scopus and WoS with "; ".
        found.extend(split_list(text, ";" if ";" in text else ","))
    return found


def _record(entry: Entry, position: int, library: Library) -> Record:
    line = (entry.start_line or 0) + 1
    key = entry.key
    entry, raw = _clean(entry, library)
    values = _values(entry)

    def get(*keys: str) -> list[Any]:
        return [v for k in keys for v in values.get(k, []) if isinstance(v, str) and v.strip()]

    authors = [
        _author(name)
        for value in values.get("author", [])
        for name in (value if isinstance(value, list) else [value])
    ]
    record = make_record(
        position=position,
        line=line,
        source_record_id=key,
        raw=raw,
        title=get("title"),
        abstract=get("abstract"),
        authors=[name for name, _ in authors],
        year=get("year", "date"),
        journal=get("journal", "journaltitle", "booktitle"),
        journal_abbrev=get("shortjournal", "journal-iso", "abbrev_source_title"),
        volume=get("volume"),
        issue=get("number", "issue"),
        pages=get("pages"),
        doi=get("doi"),
        pmid=get("pmid", "pubmed_id"),
        issn=get("issn"),
        keywords=_keywords(get("keywords", "author_keywords")),
        type=entry.entry_type.lower(),
        language=get("language", "langid"),
        url=get("url"),
    )
    if any(literal and " " in name for name, literal in authors):
        # normalise_author would turn "World Health Organization" into "Organization, World
        # Health"; BibTeX marks such names with braces, so they are kept whole here.
        kept = (clean_text(n) if literal else normalise_author(n) for n, literal in authors)
        record = dataclasses.replace(record, authors=tuple(n for n in kept if n))
    return record
