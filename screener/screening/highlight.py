"""The protocol's highlight terms as regular expressions, and the spans they mark in a text."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from screener.errors import ScreenerError

# Combining diacritical marks: text in decomposed form (NFD) carries accents as separate
# characters, which Python's \w does not count as part of a word.
_MARKS = "\u0300-\u036f"
_WORD_CHAR = rf"[\w{_MARKS}]"
_NOT_AFTER_WORD = rf"(?<!{_WORD_CHAR})"
_NOT_BEFORE_WORD = rf"(?!{_WORD_CHAR})"
_WILDCARD = rf"{_WORD_CHAR}*"
_LAZY = rf"{_WORD_CHAR}*?"
_WHOLE_WORD = rf"{_WORD_CHAR}+"  # a term word that is only "*": any one word
_PHRASE_GAP = r"\s+"  # any run of whitespace, line breaks and no-break spaces included
# Typographic variants that publishers use for the ASCII characters a protocol is typed with.
_PUNCTUATION_VARIANTS = {
    "-": "[\\-\u2010\u2011]",  # hyphen-minus, hyphen, non-breaking hyphen
    "'": "['\u2019]",  # apostrophe, right single quotation mark
}
# Blocks holding precomposed accented letters (Latin, Greek, Cyrillic and their extensions).
_ACCENTED_RANGES = ((0x00C0, 0x0530), (0x1E00, 0x2000))


class HighlightKind(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``text[start:end]`` matched a highlight term of this kind."""

    start: int
    end: int
    kind: HighlightKind


class HighlightTermError(ScreenerError):
    """A highlight term cannot be used (for instance one that would match every word)."""


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``terms``; None when there are none.

    A term matches whole words only (``cell`` does not match ``cellular``); ``*`` stands for
    any word characters (``cell*`` matches ``cells`` and ``cellular``), and a word that is only
    ``*`` for any one word. The words of a phrase match across any whitespace. Every other
    character is literal, except that a hyphen also matches the Unicode hyphens and an
    apostrophe the typographic one. Letters match with or without accents (``naive`` and
    ``naïve``, ``Sjögren`` and ``Sjogren``), precomposed or decomposed. Blank terms are
    ignored; a term with nothing but ``*`` raises HighlightTermError. Longer terms come first
    in the alternation, so a more specific term is tried before a shorter one.
    """
    return _compile_terms(tuple(terms))


def find_highlights(
    text: str, include_terms: Iterable[str], exclude_terms: Iterable[str]
) -> list[Span]:
    """The spans of ``text`` that the include and exclude terms mark, sorted by position.

    Spans never overlap: where matches overlap, the longest wins and an include match wins a
    tie of lengths; the losing match is dropped, not trimmed.
    """
    candidates: list[Span] = []
    for kind, terms in (
        (HighlightKind.INCLUDE, include_terms),
        (HighlightKind.EXCLUDE, exclude_terms),
    ):
        for scanner in _term_scanners(tuple(terms)):
            candidates.extend(
                Span(match.start(1), match.end(1), kind) for match in scanner.finditer(text)
            )
    return _longest_first(candidates)


def _longest_first(candidates: list[Span]) -> list[Span]:
    """Keep the longest candidates (include before exclude on ties) that overlap nothing kept."""
    kind_order = {HighlightKind.INCLUDE: 0, HighlightKind.EXCLUDE: 1}
    ranked = sorted(candidates, key=lambda s: (s.start - s.end, kind_order[s.kind], s.start))
    kept: list[Span] = []  # sorted by start, never overlapping
    starts: list[int] = []
    for span in ranked:
        at = bisect_left(starts, span.start)
        if at > 0 and kept[at - 1].end > span.start:
            continue
        if at < len(kept) and kept[at].start < span.end:
            continue
        kept.insert(at, span)
        starts.insert(at, span.start)
    return kept


@lru_cache(maxsize=64)
def _compile_terms(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    words = _distinct(terms)
    if not words:
        return None
    words.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{_term_source(term)})" for term in words), re.IGNORECASE)


@lru_cache(maxsize=64)
def _term_scanners(terms: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """One pattern per term that reports a match at every position where the term matches.

    A single alternation cannot serve here: at each position it reports the first
    alternative that matches, not the longest, and it never reports overlapping matches.
    Each pattern consumes only the character a match can start with (group 1 is the term's
    match from there, looked at from one character back), so finditer tries every position;
    that character as a case-sensitive class first lets the regex engine skip in C to the
    positions where the term can start, instead of trying the whole term at every one.
    """
    return tuple(_scanner(term) for term in _distinct(terms))


def _scanner(term: str) -> re.Pattern[str]:
    source = _term_source(term)
    if term.startswith("*"):  # any word character may start it: nothing to skip
        return re.compile(f"(?=({source}))", re.IGNORECASE)
    first = _starting_characters(term[0])
    return re.compile(f"(?-i:{first})(?<=(?=({source}))[\\s\\S])", re.IGNORECASE)


@cache
def _starting_characters(char: str) -> str:
    """A case-sensitive class of every character that the term character ``char`` matches
    (its cases, accented forms and typographic variants), found by running the term's own
    pattern over the Basic Multilingual Plane; characters beyond it are all let through, to
    be tried."""
    found = {m.group()[0] for m in re.finditer(_char_source(char), _bmp(), re.IGNORECASE)}
    return "[" + "".join(re.escape(c) for c in sorted(found)) + "\\U00010000-\\U0010ffff]"


@cache
def _bmp() -> str:
    """Every character of the Basic Multilingual Plane but the surrogates, once each."""
    return "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000)


def _distinct(terms: tuple[str, ...]) -> list[str]:
    """The non-blank terms with their spacing normalised, each once, in their first order."""
    seen: dict[str, None] = {}
    for term in terms:
        words = unicodedata.normalize("NFC", term).split()
        if words:
            seen.setdefault(" ".join(words), None)
    return list(seen)


def _term_source(term: str) -> str:
    """The regular expression for one term (already normalised by ``_distinct``)."""
    if not term.replace("*", "").replace(" ", ""):
        raise HighlightTermError(
            f"highlight term {term!r} has no letters, so it would match every word"
        )
    words = [_word_source(word) for word in term.split(" ")]
    return _NOT_AFTER_WORD + _PHRASE_GAP.join(words) + _NOT_BEFORE_WORD


def _word_source(word: str) -> str:
    """One word of a term. Its wildcards never backtrack: each piece after a ``*`` is the
    first one found (an atomic group), and the last piece must end the word, so matching
    takes time linear in the text's words whatever the number of wildcards (``a*a*a*b``
    against a long word of ``a`` would otherwise take polynomial time)."""
    if not word.strip("*"):
        return _WHOLE_WORD
    first, *rest = [_piece_source(piece) for piece in re.split(r"\*+", word)]
    if not rest:
        return first
    *middle, last = rest
    source = first + "".join(f"(?>{_LAZY}{piece})" for piece in middle)
    if not last:  # a trailing wildcard takes the rest of the word
        return source + f"{_WORD_CHAR}*+"
    return source + f"(?>{_LAZY}{last}{_NOT_BEFORE_WORD})"


def _piece_source(piece: str) -> str:
    return "".join(_char_source(char) for char in piece)


def _char_source(char: str) -> str:
    if char in _PUNCTUATION_VARIANTS:
        return _PUNCTUATION_VARIANTS[char]
    if not char.isalpha():
        return re.escape(char)
    base = _base_letter(char)
    lower = base.lower()
    # Accents in decomposed text follow their letter as separate combining marks.
    return _letter_class(lower if len(lower) == 1 else base) + f"[{_MARKS}]*"


@cache
def _letter_class(base: str) -> str:
    """A character class for a base letter and its precomposed accented forms."""
    variants = _accented_forms().get(base, "")
    if not variants:
        return re.escape(base)
    return "[" + re.escape(base) + variants + "]"


@cache
def _accented_forms() -> dict[str, str]:
    """Lower-case base letter -> the precomposed letters (either case) built on it."""
    forms: dict[str, list[str]] = {}
    for first, last in _ACCENTED_RANGES:
        for code in range(first, last):
            char = chr(code)
            base = _base_letter(char)
            if base != char:
                forms.setdefault(base.lower(), []).append(char)
    return {base: "".join(chars) for base, chars in forms.items()}


def _base_letter(char: str) -> str:
    """The letter under a precomposed accented letter (``ö`` -> ``o``), else the character."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isalpha() and all(unicodedata.combining(mark) for mark in marks):
        return base
    return char
