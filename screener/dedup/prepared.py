"""A record's fields in the form they are compared in, worked out once per run."""

from __future__ import annotations

from dataclasses import dataclass

from screener.dedup.kinds import Channel, channel, names_meeting, notice_kinds
from screener.dedup.normalise import (
    author_key,
    fold_text,
    issue_key,
    journal_key,
    journal_words,
    name_letters,
    page_count,
    page_key,
    significant_words,
    spelling,
    strip_title_notes,
    supplement_number,
    title_core,
    title_numbers,
    volume_key,
)
from screener.importers.fields import clean_text
from screener.models import MatchInput


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record's fields as compared. ``core`` is the title of the article a notice is about
    (the title itself for anything else); ``significant`` counts its words that are not
    stop words."""

    id: int
    title: str  # folded words
    title_key: str  # the title without spaces: "sub-group" and "subgroup" are one title
    core: str
    core_key: str
    words: int  # of the core
    significant: int
    numbers: tuple[str, ...]  # of the core
    kinds: frozenset[str]  # erratum, retraction, comment, reply
    channel: Channel
    authors: tuple[tuple[str, str], ...]
    first_author_letters: str  # the first author's name as letters only, given names included
    year: int | None
    journal: tuple[str, ...]
    meeting: bool  # the venue is named after a meeting, not (only) a journal
    venue: str  # journal_key of the journal words, for counting
    issn: frozenset[str]
    volume: str
    issue: str
    supplement: str  # the supplement's number, which some exports give as volume or issue
    page: str
    page_plain: bool  # the first page was given as a plain number ("e24" and "c37" are not)
    page_count: int | None  # pages the item spans, when both ends are plain numbers
    last_page: str
    doi: str
    pmid: str
    abstract: str  # the first 300 characters, folded only when a pair gets that far


def prepare(record: MatchInput) -> Prepared:
    """A record's fields normalised once for every comparison it takes part in."""
    bare_title = strip_title_notes(clean_text(record.title))
    title = spelling(fold_text(bare_title))
    kinds = notice_kinds(bare_title, record.type, record.title)
    core = title_core(title) if kinds else title
    authors = tuple(a for a in (author_key(x) for x in record.authors[:6]) if a[0])
    pages = page_count(record.start_page, record.end_page)
    journal = journal_words(record.journal) or journal_words(record.journal_abbrev)
    return Prepared(
        id=record.id,
        title=title,
        title_key=title.replace(" ", ""),
        core=core,
        core_key=core.replace(" ", ""),
        words=core.count(" ") + 1 if core else 0,
        significant=significant_words(core),
        numbers=title_numbers(core),
        kinds=kinds,
        channel=channel(
            record.doi, record.journal, record.type, record.volume, record.issue, record.start_page
        ),
        authors=authors,
        first_author_letters=name_letters(record.authors[0]) if record.authors else "",
        year=record.year,
        journal=journal,
        meeting=names_meeting(record.journal or record.journal_abbrev),
        venue=journal_key(journal),
        issn=frozenset(record.issn),
        volume=volume_key(record.volume),
        issue=issue_key(record.issue),
        supplement=supplement_number(record.volume, record.issue),
        # a first page after the last one (a count of 0) is a typo, which proves nothing
        page=page_key(record.start_page) if pages != 0 else "",
        page_plain=record.start_page.strip().isdigit(),
        page_count=pages or None,
        last_page=page_key(record.end_page),
        doi=record.doi,
        pmid=record.pmid,
        abstract=record.abstract[:300],
    )
