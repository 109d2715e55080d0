"""Fields in the form duplicate detection compares them: folded titles, names, journals,
pages, volumes and issues. Pure functions of one value."""

from __future__ import annotations

import re
from functools import lru_cache

from screener.importers.fields import clean_text, fold

_GREEK_NAMES = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega epsilon theta phi"
)
_GREEK = dict(zip("αβγδεζηθικλμνξοπρστυφχψωϵϑϕ", _GREEK_NAMES.split(" "), strict=True))
# Letters that NFKD does not decompose into ASCII.
_TRANSLITERATE = {
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ĸ": "k",
    "µ": "mu",
    "ς": "sigma",
}
_TRANSLATION = str.maketrans({**_GREEK, **_TRANSLITERATE})
_LANGUAGES = (
    "chinese|english|german|french|spanish|japanese|russian|italian|portuguese|polish|dutch"
    "|czech|hungarian|korean|turkish|swedish|danish|norwegian|finnish|greek|hebrew|persian"
    "|arabic|croatian|serbian|slovak|slovenian|romanian|bulgarian|ukrainian|lithuanian"
    "|estonian|latvian|icelandic|afrikaans|catalan|indonesian|thai|vietnamese|malay"
)
# "[Article in Chinese]", "[Chinese]", "(author's transl)", "[published erratum appears ...]"
_TITLE_NOISE = re.compile(
    # Ovid appends notes that may nest brackets or be cut off: drop from the note to the end.
    r"(?<=.)\[\s*(?:(?:published\s+)?errat\w*|comment\w*|retract\w*|reprint\w*|update\w*"
    r"|corrected\s+and\s+republished)\b.*$|"
    rf"\[\s*(?:article\s+in\s+)?(?:{_LANGUAGES})(?:\s*(?:,|and|&)\s*(?:{_LANGUAGES}))*"
    rf"(?:\s+abstract)?\s*\]"
    r"|\(\s*author'?s'?\s+transl\w*\s*\)"
    r"|\[\s*(?:published\s+)?errat\w*[^\]]*\]"
    r"|\[\s*see\s+comments?\s*\]|\[\s*editorial\s*\]|\[\s*review\s*\]"
    r"|\[\s*\d+\s+refs?\.?\s*\]|\(\s*(?:provisional|structured)\s+abstract\s*\)"
    r"|\(\s*vol\s+\d+\s*,\s*pg\s+\w+\s*,\s*\d{4}\s*\)"  # WoS correction: "(vol 360, pg 542, 2009)"
    r"|\(\s*[A-Z][^()]*\(\s*\d{4}\s*\)\s*\d+\s*\(\s*\w+\s*[-–]\s*\w+\s*\)\s*\)"  # Embase
    r"|\(\s*multiple\s+letters\s*\)|\[\s*\d{1,2}\s*\]\s*$"
    # "... N Engl J Med. 2009 Jan 29;360(5):544-6": a citation pasted after the title.
    r"|\.\.\.?\s+[A-Z][^;]*\b(?:1[89]|20)\d\d\b[^;]*;\s*\d+\s*\(.*$",
    re.IGNORECASE,
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    """Lower case with Greek letters spelled out and diacritics dropped."""
    text = text.casefold().translate(_TRANSLATION)
    return text if text.isascii() else fold(text)


def fold_text(text: str) -> str:
    """Lower-case ASCII words: Greek letters spelled out, diacritics and punctuation dropped."""
    if not text:
        return ""
    text = _ascii(text).replace("&", " and ")
    return _NON_ALNUM.sub(" ", text).strip()


# A note cut off by the export, its parenthesis left open: "... syndrome (The Journal of (M".
_OPEN_NOTE = re.compile(r"\s[(\[][^)\]]*$")


def strip_title_notes(title: str) -> str:
    """A title without the notes databases append: language tags, ``[Review] [33 refs]``,
    ``[Erratum appears in ...]``, ``(Provisional abstract)``, a note cut off unclosed."""
    if "[" in title or "(" in title:
        return _OPEN_NOTE.sub(" ", _TITLE_NOISE.sub(" ", title))
    return title


# British and American spellings of one word ("haemolytic", "tumour", "randomised",
# "paediatric", "oedema", "centre", "catalogue") are not a different title.
_SPELLING = re.compile(
    r"\Bae|\b[ao]e(?=[a-z])|\Boe\B|\Bour(?=s?\b)|\B[iy]z(?=[aei])|\Btre\b|ogue\b"
)
_SPELLED = {"ae": "e", "oe": "e", "our": "or", "iz": "is", "yz": "ys", "tre": "ter", "ogue": "og"}


@lru_cache(maxsize=1 << 16)
def _spell(word: str) -> str:
    return _SPELLING.sub(lambda match: _SPELLED[match.group()], word)


def spelling(folded: str) -> str:
    """Folded text with one spelling for words that British and American English spell
    differently (``-ise`` and ``-ize`` both become ``-ise``), for comparing. Word by word,
    remembering words seen: a project's titles share most of their words."""
    return " ".join([_spell(word) for word in folded.split(" ")])


def match_title(title: str) -> str:
    """A title as compared: markup and notes removed, folded, one spelling, one space
    between words."""
    return spelling(fold_text(strip_title_notes(clean_text(title))))


# What a correction, comment or reply puts before the title of the article it is about.
_NOTICE_PREFIX = re.compile(
    r"^(?:notice of )?(?:errat(?:um|a)|corrigend(?:um|a)|correction|retraction|withdrawal"
    r"|expression of concern)(?: (?:to|of|for|on|notice))?(?: the)? "
    r"|^(?:letter to the editor|in reply|authors? reply|authors? response|comments?"
    r"|commentary|reply|response|re)(?: (?:to|on|regarding))?"
    r"(?: (?:the )?(?:letter|comment|article)(?: (?:by|to|on))?)?(?: the)? "
)


def title_core(folded_title: str) -> str:
    """A notice's folded title without its lead-in ("erratum to", "comment on", "re"): what
    remains is the title of the article the notice is about. Only for records that are
    notices: "re" or "response" may begin an ordinary title."""
    return _NOTICE_PREFIX.sub("", folded_title, count=1)


_PART = re.compile(r"\b(?:part|phase|type|stage|grade|class|study|trial|series)\s+([ivx]+|\d+)\b")
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}
_DIGITS = re.compile(r"\d+")


def title_numbers(folded_title: str) -> tuple[str, ...]:
    """The numbers a title states ("Part II", "type 2", "2010-2015"): two papers whose titles
    differ only in these numbers are different papers."""
    numbers = _DIGITS.findall(folded_title.replace(" ", ""))
    for match in _PART.finditer(folded_title):
        value = match.group(1)
        if value in _ROMAN:
            numbers.append(str(_ROMAN[value]))
    return tuple(sorted(n.lstrip("0") or "0" for n in numbers))


_STOP_WORDS = (
    "a an and the of in on for to with by at from as is are was were be its their into or "
    "de la le des du et en el los las y der die das und fur im"
)
STOP = frozenset(_STOP_WORDS.split(" "))


def significant_words(folded_title: str) -> int:
    """How many words of a folded title are not stop words ("remarks from the editor": 2)."""
    return sum(1 for word in folded_title.split() if word not in STOP)


_JOURNAL_NOTES = re.compile(
    r"\b(?:conference|congress|meeting)\b.*$|\[electronic resource\]", re.IGNORECASE
)


@lru_cache(maxsize=1 << 14)
def journal_words(journal: str) -> tuple[str, ...]:
    """A journal's significant words, without Embase's "Conference: 44th Annual ..." tail;
    "Langenbeck's" and "Langenbecks" are one word."""
    journal = _JOURNAL_NOTES.sub(" ", journal).replace("'", "").replace("’", "")
    return tuple(w for w in fold_text(journal).split() if w not in STOP)


def journal_key(words: tuple[str, ...]) -> str:
    """The initials of a journal's significant words: "Curr Opin Lipidol" and "Current
    Opinion in Lipidology" both give ``col``. Used only to count how common a journal is;
    journals that share initials are counted together, which errs towards less evidence."""
    return "".join(word[0] for word in words)


def journals_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two journal names can be the same journal: equal, or one abbreviates the other
    word by word ("Curr Opin Lipidol" / "Current Opinion in Lipidology")."""
    if not a or not b:
        return False
    if a == b:
        return True
    return _abbreviates(a, b) or _abbreviates(b, a)


def _abbreviates(short: tuple[str, ...], long_: tuple[str, ...]) -> bool:
    """Whether each word of ``short`` begins a word of ``long_``, in order."""
    if len(short) > len(long_):
        return False
    i = 0
    for word in short:
        while i < len(long_) and not long_[i].startswith(word):
            i += 1
        if i == len(long_):
            return False
        i += 1
    return True


_AUTHOR_SPLIT = re.compile(r"[^a-z]+")


@lru_cache(maxsize=1 << 16)
def name_letters(name: str) -> str:
    """A name as lower-case ASCII letters only ("Müller-Lüdenscheidt" -> "mullerludenscheidt")."""
    return _AUTHOR_SPLIT.sub("", _ascii(name))


@lru_cache(maxsize=1 << 16)
def author_key(author: str) -> tuple[str, str]:
    """(family name letters, first initial) of a ``Family, Given`` author."""
    family, _, given = author.partition(",")
    return name_letters(family), name_letters(given)[:1]


_PAGE = re.compile(r"^[a-z]{0,4}\d+[a-z]?$")


def page_key(start_page: str) -> str:
    """The first page as compared: lower-case, without a one-letter prefix (``e24``,
    ``S417``, ``c37``: electronic, supplement or section pages) or leading zeros; '' for
    what is not a page number (``Nov``, ``n/a``), which can prove nothing."""
    page = start_page.strip().casefold()
    if not _PAGE.match(page):
        return ""
    if page[:1].isalpha() and page[1:].isdigit():
        page = page[1:]
    return page.lstrip("0") or page


def page_count(start: str, end: str) -> int | None:
    """Pages from ``start`` to ``end``; 0 when the first page comes after the last."""
    if start.isdigit() and end.isdigit():
        return max(0, int(end) - int(start) + 1)
    return None


def volume_key(volume: str) -> str:
    """The volume number as compared; '' unless the field is a plain number (``61``), since
    ``61 (Suppl 1)`` or ``1)`` from a mangled export can prove nothing."""
    volume = volume.strip()
    return (volume.lstrip("0") or volume) if volume.isdigit() else ""


_SUPPLEMENT_NUMBER = re.compile(r"\b(?:supp\w*|s)\.?\s*(\d+)", re.IGNORECASE)


def supplement_number(volume: str, issue: str) -> str:
    """The number of the supplement a record is in ("61 (Suppl 1)", "10 SUPPL. 1", "S2"),
    or ''. Some exports put it where the volume or issue belongs ("1", "1)")."""
    if not volume and not issue:
        return ""
    match = _SUPPLEMENT_NUMBER.search(f"{volume} {issue}")
    return match.group(1).lstrip("0") or "0" if match else ""


def issue_key(issue: str) -> str:
    """The issue number as compared; '' unless the field is a plain number: ``3-4``,
    ``Suppl 1`` or ``S2`` say too little to tell two issues apart."""
    return volume_key(issue)
