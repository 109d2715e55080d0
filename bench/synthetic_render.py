"""How each database writes a paper down: author, title, journal and page styles, and the
noise of real exports (typos, markup, case, dropped fields, a year off)."""

from __future__ import annotations

import random
import unicodedata
from functools import cache
from itertools import accumulate

from synthetic_vocabulary import COPYRIGHTS, GREEK_ENTITIES, ITALIC_PHRASES, TITLE_GLUE, UNFOLDED
from synthetic_world import (
    DATABASE_WEIGHTS,
    EXTRA_COPIES_WEIGHTS,
    FIRST_YEAR,
    LAST_YEAR,
    Database,
    Journal,
    Paper,
    Person,
    RecordDict,
)

# ---------------------------------------------------------------------------- database exports

_SMALL_WORDS = frozenset(TITLE_GLUE) | {"a", "an", "the", "to", "at", "or"}
_AUTHOR_STYLE = {
    Database.MEDLINE: "medline",  # Smith JA
    Database.EMBASE: "embase",  # Smith J.A.
    Database.SCOPUS: "scopus",  # Smith, J.A.
    Database.WOS: "wos",  # Smith, JA
    Database.CINAHL: "full",  # Smith, John A.
}
_DATABASES = tuple(database for database, _ in DATABASE_WEIGHTS)
_DATABASE_CUMULATIVE = tuple(accumulate(weight for _, weight in DATABASE_WEIGHTS))


def _title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(
        word if i and word in _SMALL_WORDS else word[:1].upper() + word[1:]
        for i, word in enumerate(words)
    )


def _typo(rng: random.Random, text: str) -> str:
    """One typing error in one word: two letters swapped, one dropped, doubled or wrong."""
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, j = words[i], rng.randrange(1, len(words[i]) - 1)
    match rng.randrange(4):
        case 0:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        case 1:
            word = word[:j] + word[j + 1 :]
        case 2:
            word = word[:j] + word[j] + word[j:]
        case _:
            word = word[:j] + rng.choice("aeiourstnl") + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def _markup(rng: random.Random, text: str) -> str:
    """HTML left in by a publisher's feed: Greek letters as entities, italic species."""
    if any(letter in text for letter in GREEK_ENTITIES):
        for letter, entity in GREEK_ENTITIES.items():
            text = text.replace(letter, entity)
        return text
    for phrase in ITALIC_PHRASES:
        if phrase in text:
            return text.replace(phrase, f"<i>{phrase}</i>", 1)
    if "'" in text:
        return text.replace("'", "&#x27;")
    words = text.split(" ")
    i = rng.randrange(len(words))
    words[i] = f"<i>{words[i]}</i>"
    return " ".join(words)


@cache
def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(UNFOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _author(person: Person, style: str, fold: bool) -> str:
    family, given, initials = person.family, person.given, person.initials
    if fold:
        family, given, initials = _ascii(family), _ascii(given), _ascii(initials)
    match style:
        case "medline":
            return f"{family} {initials}"
        case "embase":
            return f"{family} {'.'.join(initials)}."
        case "scopus":
            return f"{family}, {'.'.join(initials)}."
        case "spaced":
            return f"{family}, {'. '.join(initials)}."
        case "wos":
            return f"{family}, {initials}"
        case _:
            return f"{family}, {given} {person.middle}." if person.middle else f"{family}, {given}"


def _dotted(journal: Journal) -> str:
    """ "J. Clin. Oncol.": the abbreviated words of an abbreviation dotted (Scopus, Crossref)."""
    full_words = frozenset(journal.full.split())
    return " ".join(w if w in full_words else f"{w}." for w in journal.abbrev.split())


def _short_end(first: str, last: str) -> str:
    """MEDLINE's page ranges: 1535-1541 is written 1535-41."""
    if not (first.isdigit() and last.isdigit()) or len(first) != len(last):
        return last
    i = 0
    while i < len(last) - 1 and first[i] == last[i]:
        i += 1
    return last[i:]


def databases(rng: random.Random, count: int) -> list[Database]:
    """The databases that exported a paper's ``count`` records: mostly different ones."""
    chosen: list[Database] = []
    for _ in range(count):
        database = rng.choices(_DATABASES, cum_weights=_DATABASE_CUMULATIVE)[0]
        if database in chosen and rng.random() < 0.9:
            database = rng.choice([d for d in _DATABASES if d not in chosen])
        chosen.append(database)
    return chosen


def _render_title(rng: random.Random, paper: Paper, database: Database, copy: bool) -> str:
    subtitle = paper.subtitle
    if copy and subtitle and rng.random() < 0.08:
        subtitle = ""
    text = f"{paper.title}: {subtitle}" if subtitle else paper.title
    if copy and rng.random() < 0.05:
        text = _typo(rng, text)
    if database is Database.WOS and paper.year < 2000 and rng.random() < 0.5:
        text = text.upper()
    elif database is Database.EMBASE and rng.random() < 0.1:
        text = _title_case(text)
    elif copy and rng.random() < 0.06:
        text = rng.choice((str.upper, str.lower, _title_case))(text)
    if copy and rng.random() < 0.06:
        text = _markup(rng, text)
    if paper.translated and database is Database.MEDLINE:
        text = f"[{text}]"
    if database is Database.MEDLINE or rng.random() < 0.05:
        text += "."
    return text


def _render_authors(rng: random.Random, paper: Paper, database: Database, copy: bool) -> list[str]:
    persons = list(paper.authors)
    if copy and len(persons) > 2 and rng.random() < 0.05:
        del persons[rng.randrange(1, len(persons))]
    style = _AUTHOR_STYLE[database]
    if database is Database.SCOPUS and rng.random() < 0.3:
        style = "spaced"
    fold = database is Database.WOS or rng.random() < 0.1  # diacritics lost
    names = [_author(person, style, fold) for person in persons]
    if fold and rng.random() < 0.5:
        names = [name.replace("-", " ", 1) if "-" in name.split(",")[0] else name for name in names]
    if paper.group_author:
        names.append(paper.group_author)
    if copy and len(names) > 4 and rng.random() < 0.04:
        names = [*names[:3], "et al."]
    return names


def _render_journal(rng: random.Random, journal: Journal, database: Database, copy: bool) -> str:
    abbreviated = database is Database.MEDLINE
    if copy and rng.random() < 0.08:
        abbreviated = not abbreviated
    if abbreviated:
        return _dotted(journal) if database is Database.SCOPUS else journal.abbrev
    return journal.full.upper() if database is Database.WOS else journal.full


def render(rng: random.Random, paper: Paper, database: Database, copy: bool) -> RecordDict:
    """One database's record of ``paper``; a ``copy`` (not the group's first record) also
    carries the noise of real duplicates: dropped fields, typos, case, markup, a year off."""
    if not paper.last_page:
        pages = paper.first_page
    elif database is Database.MEDLINE:
        pages = f"{paper.first_page}-{_short_end(paper.first_page, paper.last_page)}"
    else:
        pages = f"{paper.first_page}-{paper.last_page}"
    doi = paper.doi
    if doi and copy and rng.random() < 0.1:
        doi = ""
    elif doi and (database is Database.CINAHL or rng.random() < 0.04):
        doi = f"https://doi.org/{doi}"
    elif doi and ((database is Database.WOS and rng.random() < 0.5) or rng.random() < 0.03):
        doi = doi.upper()
    year = paper.year
    if copy and rng.random() < 0.03:  # online-first year in one database, print year in another
        year += 1 if year == FIRST_YEAR or (year < LAST_YEAR and rng.random() < 0.3) else -1
    abstract = paper.abstract
    if abstract and copy and rng.random() < 0.06:
        abstract = ""
    elif abstract and database in {Database.EMBASE, Database.SCOPUS} and rng.random() < 0.3:
        abstract = f"{abstract} {rng.choice(COPYRIGHTS).format(year=paper.year)}"
    return {
        "id": "",
        "title": _render_title(rng, paper, database, copy),
        "authors": _render_authors(rng, paper, database, copy),
        "year": year,
        "journal": _render_journal(rng, paper.journal, database, copy),
        "volume": paper.volume,
        "issue": paper.issue,
        "pages": pages,
        "doi": doi,
        "pmid": "" if copy and rng.random() < 0.1 else paper.pmid,
        "abstract": abstract,
        "type": paper.type,
    }


def copies_per_paper(rng: random.Random, papers: int, extra_copies: int) -> list[int]:
    """How many records each paper gets (1-4) so that there are ``extra_copies`` beyond one."""
    copies = [1] * papers
    order = list(range(papers))
    rng.shuffle(order)
    remaining = extra_copies
    sizes, weights = zip(*EXTRA_COPIES_WEIGHTS, strict=True)
    for index in order:
        if remaining <= 0:
            break
        extra = min(rng.choices(sizes, weights)[0], remaining)
        copies[index] += extra
        remaining -= extra
    for index in order:  # more copies than papers can take one by one: fill groups up to four
        if remaining <= 0:
            break
        extra = min(4 - copies[index], remaining)
        copies[index] += extra
        remaining -= extra
    return copies
