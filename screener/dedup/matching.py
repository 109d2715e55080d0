"""Duplicate detection: normalise for matching, block, score field by field, judge pairs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from screener.importers.fields import clean_text, fold
from screener.models import LinkMethod, LinkVerdict, MatchInput

# -- normalisation for matching ------------------------------------------------------------

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


def strip_title_notes(title: str) -> str:
    """A title without the notes databases append: language tags, ``[Review] [33 refs]``,
    ``[Erratum appears in ...]``, ``(Provisional abstract)``."""
    if "[" in title or "(" in title:
        return _TITLE_NOISE.sub(" ", title)
    return title


def match_title(title: str) -> str:
    """A title as compared: markup and notes removed, folded, one space between words."""
    return fold_text(strip_title_notes(clean_text(title)))


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


_KINDS = (
    (
        "erratum",
        re.compile(
            r"\b(?:errat(?:um|a)|corrigend\w*|correction\s+(?:to|of)\b|"
            r"correction\s*:|correction\s+notice|notice\s+of\s+correction)",
            re.IGNORECASE,
        ),
    ),
    (
        "retraction",
        re.compile(r"\b(?:retract\w*|withdrawn|expression\s+of\s+concern)\b", re.IGNORECASE),
    ),
    (
        "comment",
        re.compile(
            r"\b(?:comment(?:ary)?\s+on|comments?\s*:|re\s*:|letter\s+to\s+the"
            r"\s+editor|in\s+response\s+to|commentary)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "reply",
        re.compile(
            r"\b(?:reply|in\s+reply|authors?'?\s+(?:reply|response)|response\s+"
            r"to\s+(?:the\s+)?(?:letter|comment))\b",
            re.IGNORECASE,
        ),
    ),
)
_ANY_KIND = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _KINDS), re.IGNORECASE)
_CONFERENCE_JOURNAL = re.compile(
    r"\b(?:abstracts?|congress|conference|meeting|symposium|proceedings|annual\s+scientific"
    r"|poster)\b",
    re.IGNORECASE,
)
_CONFERENCE_TYPE = re.compile(
    r"conference|abstract|proceeding|meeting|cpaper|abst\b|congress", re.IGNORECASE
)
_SUPPLEMENT = re.compile(r"supp|\bs\d", re.IGNORECASE)
_PREPRINT_DOI = (
    "10.1101/",
    "10.21203/rs.",
    "10.20944/preprints",
    "10.2139/ssrn",
    "10.48550/arxiv",
    "10.31219/osf.io",
    "10.31234/osf.io",
    "10.22541/au.",
    "10.26434/chemrxiv",
    "10.1002/essoar",
)
_PREPRINT_JOURNAL = re.compile(
    r"\b(?:biorxiv|medrxiv|arxiv|chemrxiv|ssrn|research\s*square|preprints?|psyarxiv|osf)\b",
    re.IGNORECASE,
)


# Corrections that name the corrected article instead of saying "erratum".
_CORRECTION_CITATION = re.compile(
    r"\(\s*vol\s+\d+\s*,\s*pg\s+\w+|\(\s*[A-Z][^()]*\(\s*\d{4}\s*\)\s*\d+\s*\(\s*\w+\s*[-–]"
)


def record_kinds(title: str, type_: str, raw_title: str = "") -> frozenset[str]:
    """What sort of item a record is besides an article: erratum, retraction, comment, reply."""
    found = (
        {kind for kind, pattern in _KINDS if pattern.search(title)}
        if _ANY_KIND.search(title)
        else set()
    )
    if _CORRECTION_CITATION.search(raw_title):
        found.add("erratum")
    low = type_.casefold()
    for kind in ("erratum", "retraction", "comment"):
        if kind in low:
            found.add(kind)
    if "letter" in low and "comment" not in found:
        found.add("comment")
    return frozenset(found)


def is_conference_abstract(journal: str, type_: str, volume: str, issue: str, pages: str) -> bool:
    """A meeting abstract, which may share its title with the later full article."""
    if _CONFERENCE_TYPE.search(type_) or _CONFERENCE_JOURNAL.search(journal):
        return True
    return bool(_SUPPLEMENT.search(volume) or _SUPPLEMENT.search(issue)) and bool(
        pages[:1].upper() == "S" or not pages
    )


def is_preprint(doi: str, journal: str) -> bool:
    return doi.startswith(_PREPRINT_DOI) or bool(_PREPRINT_JOURNAL.search(journal))


_STOP_WORDS = (
    "a an and the of in on for to with by at from as is are was were be its their into or "
    "de la le des du et en el los las y der die das und fur im"
)
_STOP = frozenset(_STOP_WORDS.split(" "))


_JOURNAL_NOTES = re.compile(
    r"\b(?:conference|congress|meeting)\b.*$|\[electronic resource\]", re.IGNORECASE
)


def journal_words(journal: str) -> tuple[str, ...]:
    """A journal's significant words, without Embase's "Conference: 44th Annual ..." tail."""
    journal = _JOURNAL_NOTES.sub(" ", journal)
    return tuple(w for w in fold_text(journal).split() if w not in _STOP)


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


def name_letters(name: str) -> str:
    """A name as lower-case ASCII letters only ("Müller-Lüdenscheidt" -> "mullerludenscheidt")."""
    return _AUTHOR_SPLIT.sub("", _ascii(name))


def author_key(author: str) -> tuple[str, str]:
    """(family name letters, first initial) of a ``Family, Given`` author."""
    family, _, given = author.partition(",")
    return name_letters(family), name_letters(given)[:1]


_PAGE = re.compile(r"^[a-z]{0,4}\d+[a-z]?$")


def page_key(start_page: str) -> str:
    """The first page as compared: lower-case, without an ``e``/``S`` prefix or leading zeros;
    '' for what is not a page number (``Nov``, ``n/a``), which can prove nothing."""
    page = start_page.strip().casefold()
    if not _PAGE.match(page):
        return ""
    if page[:1] in ("e", "s") and page[1:].isdigit():
        page = page[1:]
    return page.lstrip("0") or page


def _page_count(start: str, end: str) -> int | None:
    """Pages from ``start`` to ``end``; 0 when the first page comes after the last."""
    if start.isdigit() and end.isdigit():
        return max(0, int(end) - int(start) + 1)
    return None


def volume_key(volume: str) -> str:
    """The volume number as compared; '' unless the field is a plain number (``61``), since
    ``61 (Suppl 1)`` or ``1)`` from a mangled export can prove nothing."""
    volume = volume.strip()
    return (volume.lstrip("0") or volume) if volume.isdigit() else ""


# -- prepared records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record's fields in the form they are compared in."""

    id: int
    title: str  # folded words
    words: int
    numbers: tuple[str, ...]
    kinds: frozenset[str]
    authors: tuple[tuple[str, str], ...]
    first_author_letters: str  # the first author's name as letters only, given names included
    year: int | None
    journal: tuple[str, ...]
    issn: frozenset[str]
    volume: str
    page: str
    page_count: int | None  # pages the item spans, when both ends are plain numbers
    last_page: str
    doi: str
    pmid: str
    conference: bool
    preprint: bool
    abstract: str  # the first 300 characters, folded only when a pair gets that far


def prepare(record: MatchInput) -> Prepared:
    bare_title = strip_title_notes(clean_text(record.title))
    title = fold_text(bare_title)
    authors = tuple(a for a in (author_key(x) for x in record.authors[:6]) if a[0])
    page_count = _page_count(record.start_page, record.end_page)
    journal = journal_words(record.journal) or journal_words(record.journal_abbrev)
    return Prepared(
        id=record.id,
        title=title,
        words=title.count(" ") + 1 if title else 0,
        numbers=title_numbers(title),
        kinds=record_kinds(bare_title, record.type, record.title),
        authors=authors,
        first_author_letters=name_letters(record.authors[0]) if record.authors else "",
        year=record.year,
        journal=journal,
        issn=frozenset(record.issn),
        volume=volume_key(record.volume),
        # a first page after the last one (a count of 0) is a typo, which proves nothing
        page=page_key(record.start_page) if page_count != 0 else "",
        page_count=page_count or None,
        last_page=page_key(record.end_page),
        doi=record.doi,
        pmid=record.pmid,
        conference=is_conference_abstract(
            record.journal, record.type, record.volume, record.issue, record.start_page
        ),
        preprint=is_preprint(record.doi, record.journal),
        abstract=record.abstract[:300],
    )


# -- blocking --------------------------------------------------------------------------------

MAX_BLOCK = 60  # more records sharing an id or a page: a bogus value that tells nothing
# Blocks on first author + year and on a title's longest words grow with the project
# (every "Wang 2020"): pairs in such blocks are picked by title similarity in one C call
# (cdist) instead of all being compared.
SIMILAR_TITLE_KEYS = frozenset("aw")
# Title beginnings and endings shared by too many records are lengthened instead.
LONGER_KEYS: dict[str, Callable[[str], str]] = {"t": lambda c: c[:48], "u": lambda c: c[-48:]}
SMALL_BLOCK = 8
SIMILAR_PARTNERS = 10
MAX_SIMILAR_BLOCK = 5000
TITLE_CUTOFF = 70  # judge() drops pairs below this title similarity unless an id or page agrees


def blocking_keys(p: Prepared) -> Iterable[str]:
    if p.doi:
        yield "d" + p.doi
    if p.pmid:
        yield "p" + p.pmid
    compact = p.title.replace(" ", "")
    if len(compact) >= 12:
        yield "t" + compact[:24]
        yield "u" + compact[-24:]
        longest = sorted(p.title.split(), key=lambda w: (-len(w), w))[:3]
        yield "w" + " ".join(sorted(longest))
    if p.authors and p.year:
        yield f"a{p.authors[0][0]}{p.year}"
    if p.volume and p.page and p.year:
        yield f"v{p.year}|{p.volume}|{p.page}"
    if p.page and p.authors and p.volume:
        yield f"b{p.authors[0][0]}|{p.volume}|{p.page}"


def candidate_pairs(prepared: Sequence[Prepared], compared_up_to: int = 0) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, that share at least one blocking key."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        for key in blocking_keys(p):
            blocks[key].append(index)
    n = len(prepared)
    seen: set[int] = set()
    for key, members in blocks.items():
        size = len(members)
        if size < 2:
            continue
        if key[0] in SIMILAR_TITLE_KEYS and size > SMALL_BLOCK:
            if size <= MAX_SIMILAR_BLOCK:
                seen.update(_similar_title_pairs(prepared, members, n))
        elif size <= MAX_BLOCK:
            seen.update(_all_pairs(members, n))
        elif key[0] in LONGER_KEYS:
            # "...: a randomized controlled trial": split on twice as many letters
            longer = LONGER_KEYS[key[0]]
            sub: dict[str, list[int]] = defaultdict(list)
            for i in members:
                sub[longer(prepared[i].title.replace(" ", ""))].append(i)
            for part in sub.values():
                if 1 < len(part) <= MAX_BLOCK:
                    seen.update(_all_pairs(part, n))
    pairs = [divmod(code, n) for code in seen]
    if compared_up_to:
        pairs = [
            (i, j)
            for i, j in pairs
            if prepared[i].id > compared_up_to or prepared[j].id > compared_up_to
        ]
    pairs.sort()
    return pairs


def _all_pairs(members: list[int], n: int) -> Iterator[int]:
    """Every pair of a block (members in ascending order), coded ``i * n + j``."""
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            yield i * n + j


def _similar_title_pairs(prepared: Sequence[Prepared], members: list[int], n: int) -> list[int]:
    """Pairs (coded ``i * n + j``) of a block whose titles are at least TITLE_CUTOFF alike,
    at most SIMILAR_PARTNERS per record (the most alike), so that a block of look-alike
    titles cannot make the pairs grow with its square."""
    titles = [prepared[i].title for i in members]
    scores = process.cdist(
        titles, titles, scorer=fuzz.ratio, score_cutoff=TITLE_CUTOFF, dtype=np.uint8
    )
    np.fill_diagonal(scores, 0)
    partners = min(SIMILAR_PARTNERS, len(members) - 1)
    best = np.argpartition(scores, -partners, axis=1)[:, -partners:]
    rows = np.repeat(np.arange(len(members)), partners)
    cols = best.ravel()
    keep = scores[rows, cols] > 0
    codes = set()
    for x, y in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
        i, j = members[x], members[y]
        codes.add(i * n + j if i < j else j * n + i)
    return list(codes)


# -- judging pairs -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair judged to be one study, related (preprint), or uncertain (for a reviewer)."""

    a: int
    b: int
    verdict: LinkVerdict
    method: LinkMethod
    score: float
    reason: str


def _first_authors_agree(x: Prepared, y: Prepared) -> bool | None:
    if not x.authors or not y.authors:
        return None
    (fx, ix), (fy, iy) = x.authors[0], y.authors[0]
    if fx == fy:
        return not ix or not iy or ix == iy
    if len(fx) > 3 and len(fy) > 3 and (fx in fy or fy in fx):
        return True  # "vanderberg" / "berg", "garcia" / "garciamarquez"
    if (len(fx) > 3 and fx in x.first_author_letters and fx in y.first_author_letters) or (
        len(fy) > 3 and fy in x.first_author_letters
    ):
        return True  # "Le, Quintrec M." / "Le Quintrec, M."
    return fuzz.ratio(fx, fy) >= 85 and (not ix or not iy or ix == iy)


def _authors_similarity(x: Prepared, y: Prepared) -> float | None:
    if not x.authors or not y.authors:
        return None
    # A list cut short ("et al.") still matches: compare the shorter list's length.
    shorter = min(len(x.authors), len(y.authors))
    a = " ".join(f"{f} {i}" for f, i in x.authors[:shorter])
    b = " ".join(f"{f} {i}" for f, i in y.authors[:shorter])
    return fuzz.ratio(a, b)


def _conflicts(x: Prepared, y: Prepared) -> dict[str, str]:
    """Evidence that two records are different papers, however alike their titles are:
    what differs (``doi``, ``pmid``, ``year``, ``pages``, ``volume``, ``kind``, ``numbers``,
    ``conference``) -> how, for the reviewer."""
    found = {}
    if x.doi and y.doi and x.doi != y.doi:
        found["doi"] = f"different DOIs ({x.doi} vs {y.doi})"
    if x.pmid and y.pmid and x.pmid != y.pmid:
        found["pmid"] = f"different PMIDs ({x.pmid} vs {y.pmid})"
    if x.year and y.year and abs(x.year - y.year) > 1:
        found["year"] = f"years {x.year} and {y.year}"
    if (
        x.page.isdigit()
        and y.page.isdigit()
        and x.page != y.page
        and "1" not in (x.page, y.page)
        and not (x.last_page and x.last_page == y.last_page)  # a typo in the first page
    ):
        # Only plain page numbers can conflict: BMJ's "a1754" and page 969 are one article,
        # and so are page 1 and e12724.
        found["pages"] = f"different first pages ({x.page} vs {y.page})"
    if x.volume and y.volume and x.volume != y.volume and not (x.page and x.page == y.page):
        found["volume"] = f"different volumes ({x.volume} vs {y.volume})"
    if x.kinds != y.kinds:
        found["kind"] = f"{' / '.join(sorted(x.kinds ^ y.kinds))} vs the item itself"
    if x.numbers != y.numbers and x.title and y.title:
        found["numbers"] = "different numbers in the titles"
    if x.conference != y.conference and not (
        # Embase labels a journal's meeting abstract with the conference; the same abstract
        # from another database is the same item. A full article appears elsewhere or later.
        x.year == y.year and journals_agree(x.journal, y.journal)
    ):
        found["conference"] = "conference abstract vs article"
    return found


def _agreeing(x: Prepared, y: Prepared) -> set[str]:
    """Fields (besides title and authors) on which the two records agree."""
    agree = set()
    if x.year and x.year == y.year:
        agree.add("year")
    if journals_agree(x.journal, y.journal) or (x.issn & y.issn):
        agree.add("journal")
    if x.volume and x.volume == y.volume:
        agree.add("volume")
    if x.page and x.page == y.page:
        agree.add("pages")
    if x.abstract and y.abstract and fuzz.ratio(fold_text(x.abstract), fold_text(y.abstract)) >= 90:
        agree.add("abstract")
    return agree


def _title_similarity(x: Prepared, y: Prepared) -> tuple[float | None, bool]:
    """(similarity 0..1 or None when a title is missing, whether only part of the longer
    title matched)."""
    if not x.title or not y.title:
        return None, False
    whole = fuzz.ratio(x.title, y.title) / 100
    shorter, longer = (x, y) if len(x.title) <= len(y.title) else (y, x)
    if whole >= 0.9 or shorter.words < 5:
        return whole, False
    # A subtitle dropped, or text run on after the title ("statesthe examples of ..."), or a
    # main title dropped before the subtitle ("Thrombotic microangiopathy: can ...").
    size = len(shorter.title)
    head = fuzz.ratio(shorter.title, longer.title[:size])
    tail = fuzz.ratio(shorter.title, longer.title[-size:])
    part = max(head, tail) / 100
    return (part, True) if part > whole else (whole, False)


_ORDER = ("first author", "year", "journal", "volume", "pages", "abstract")


def _summary(title: float, agree: set[str], extra: str = "") -> str:
    fields = ", ".join(name for name in _ORDER if name in agree)
    return f"title {title:.2f}; {fields}" + (f"; {extra}" if extra else "")


def judge(x: Prepared, y: Prepared) -> Candidate | None:
    """The verdict on one candidate pair, or None when they are different papers.

    The rules are ordered from the strongest evidence down and written for zero false
    merges: anything that contradicts a match sends the pair to a reviewer or drops it.
    """
    first, second = (x.id, y.id) if x.id < y.id else (y.id, x.id)

    def found(verdict: LinkVerdict, method: LinkMethod, score: float, reason: str) -> Candidate:
        return Candidate(first, second, verdict, method, round(score, 4), reason)

    title, partial = _title_similarity(x, y)
    same_id = (x.doi and x.doi == y.doi) or (x.pmid and x.pmid == y.pmid)
    if title is not None and title < 0.7 and not same_id and not (x.page and x.page == y.page):
        return None  # the common case, decided on the title alone
    conflicts = _conflicts(x, y)
    authors_first = _first_authors_agree(x, y)
    agree = _agreeing(x, y)
    if authors_first:
        agree.add("first author")

    if same_id:
        label = "same DOI" if x.doi and x.doi == y.doi else "same PMID"
        # A shared identifier outweighs pages and volumes, which exports often mangle.
        conflicts.pop("pages", None)
        conflicts.pop("volume", None)
        if title is not None and title < 0.7 and not authors_first:
            return None  # an identifier shared by a whole issue or supplement, or mistyped
        if not conflicts and (title is None or title >= 0.9 or authors_first):
            return found(LinkVerdict.SAME, LinkMethod.EXACT_ID, 1.0, label)
        why = "; ".join(conflicts.values()) or "different titles"
        return found(LinkVerdict.REVIEW, LinkMethod.EXACT_ID, title or 0.5, f"{label}, but {why}")
    if title is None:
        return None
    if x.preprint != y.preprint:
        if title >= 0.9 and authors_first is not False:
            return found(LinkVerdict.RELATED, LinkMethod.RULE, title, "preprint and its version")
        return None
    authors = _authors_similarity(x, y)
    authors_ok = authors_first is not False and (authors is None or authors >= 60)
    summary = _summary(title, agree)

    if title >= 0.97 and {"year", "journal", "volume", "pages"} <= agree and not conflicts:
        # Nothing else shares title, journal, year, volume and first page: authors garbled
        # by a database ("Long, F X" for "Xi, L F") cannot make these two papers.
        return found(LinkVerdict.SAME, LinkMethod.RULE, title, summary)
    if (
        title >= 0.98
        and authors_first
        and {"year", "journal", "pages"} <= agree
        and set(conflicts) <= {"doi", "pmid", "volume"}
        and (authors or 0) >= 90
    ):
        # Different identifiers normally block a merge, but not when title, author list,
        # journal, year and first page all agree: then one database attached a wrong DOI
        # (a "10.1016/j.regpep..." DOI on an article in Appetite).
        why = "; ".join(conflicts.values())
        return found(LinkVerdict.SAME, LinkMethod.RULE, title, _summary(title, agree, why))
    if conflicts:
        return _judge_conflicting(x, y, title, conflicts, agree, authors, authors_ok, found)
    if x.journal and y.journal and not {"journal", "pages"} & agree:
        # The same title in two journals without the same pages: a reprint or digest
        # ("ACP Journal Club"), a republished guideline, a conference abstract and its paper.
        if title >= 0.95 and authors_first and x.year == y.year:
            return found(LinkVerdict.REVIEW, LinkMethod.RULE, title, "different journals")
        return None
    bibliographic = {"journal", "volume", "pages", "abstract"} & agree
    evidence = len(agree - {"abstract"}) + ("abstract" in agree)
    short_title = min(x.words, y.words) < 5
    if (
        title >= 0.95
        and not partial
        and authors_ok
        and bibliographic
        and evidence >= 2
        # "Editorial", "Introduction": only the volume and pages or the text tell such apart
        and (not short_title or ("volume" in agree and {"pages", "abstract"} & agree))
    ):
        return found(LinkVerdict.SAME, LinkMethod.RULE, title, summary)
    if title >= 0.8 and {"first author", "year", "volume", "pages"} <= agree:
        return found(LinkVerdict.SAME, LinkMethod.RULE, title, summary)
    if title >= 0.85 and authors_ok and evidence >= 1:
        return found(LinkVerdict.REVIEW, LinkMethod.RULE, title, "uncertain: " + summary)
    return None


def _judge_conflicting(
    x: Prepared,
    y: Prepared,
    title: float,
    conflicts: dict[str, str],
    agree: set[str],
    authors: float | None,
    authors_ok: bool,
    found: Callable[[LinkVerdict, LinkMethod, float, str], Candidate],
) -> Candidate | None:
    """Pairs with alike titles but some contradicting field."""
    if x.journal and y.journal and "journal" not in agree:
        return None  # the same title in two journals: a co-published guideline, a reprint
    if (
        set(conflicts) == {"pages"}
        and title >= 0.95
        and {"first author", "journal", "volume"} <= agree
        and (
            abs(int(x.page) - int(y.page)) <= 10
            or (
                title >= 0.98
                and x.year == y.year
                and (authors or 0) >= 80
                # a one-page erratum under the article's own title is not a reprint
                and x.page_count == y.page_count
                and (x.page_count or 0) > 1
            )
        )
    ):
        # Databases disagree by a page or two on the same article (a cover page counted),
        # or the journal printed the same article twice in one volume (a corrected reprint).
        return found(
            LinkVerdict.SAME, LinkMethod.RULE, title, _summary(title, agree, "pages differ")
        )
    reason = "; ".join(conflicts.values())
    if "kind" in conflicts or "conference" in conflicts:
        # An erratum, reply or meeting abstract of an article: a reviewer links them.
        return found(LinkVerdict.REVIEW, LinkMethod.RULE, title, reason) if title >= 0.9 else None
    if len(conflicts) == 1 and title >= 0.9 and authors_ok:
        return found(LinkVerdict.REVIEW, LinkMethod.RULE, title, reason)
    return None  # several independent differences: another paper (an update, a series)


def find_candidates(
    records: Sequence[MatchInput],
    *,
    compared_up_to: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[Candidate]:
    """Judge candidate pairs. Pairs whose two ids are both <= ``compared_up_to`` are not
    compared (incremental runs compare only new records against everything). Pairs not
    returned are different papers. ``progress(done, total)`` is called now and then."""
    prepared = [prepare(r) for r in records]
    pairs = candidate_pairs(prepared, compared_up_to)
    total = len(pairs)
    found = []
    step = max(1, total // 100)
    for count, (i, j) in enumerate(pairs, 1):
        verdict = judge(prepared[i], prepared[j])
        if verdict is not None:
            found.append(verdict)
        if progress and count % step == 0:
            progress(count, total)
    if progress:
        progress(total, total)
    return found
