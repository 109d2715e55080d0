"""Hard negatives of the synthetic dedup benchmark: different papers that share nearly all
of their fields with another, as every large search holds them. A deduplicator must never
merge any of them with the paper they resemble:

- editorial series: the same title, editor and first page in every issue of a journal, with
  DOIs, without DOIs, or without DOIs and pages (only the issue tells them apart);
- comments and replies about an article, in its journal;
- a conference paper in a proceedings volume and the article it later became;
- another team's paper with the same title in another journal;
- a paper by the same team in the same journal and year, one title word apart, the two
  without DOI and without pages.
"""

from __future__ import annotations

import random
from dataclasses import replace

from synthetic_papers import (
    _abstract,
    _issue,
    _pages,
    _person,
    _revised_abstract,
    _sentence_case,
    _team,
    _volume,
    full_title,
)
from synthetic_vocabulary import SOCIETY_KINDS, SOCIETY_REGIONS
from synthetic_world import (
    FIRST_YEAR,
    LAST_YEAR,
    Identifiers,
    Journal,
    Paper,
    PaperKind,
    World,
)

HARD_NEGATIVE_KINDS = (
    PaperKind.SERIES,
    PaperKind.REPLY,
    PaperKind.PROCEEDINGS,
    PaperKind.SAME_TITLE,
    PaperKind.BARE,
)
SERIES_TITLES = (
    "Editorial introduction",
    "Remarks from the editor",
    "Editor's note",
    "In this issue",
    "Introduction",
    "Book reviews",
    "From the editor",
    "Letter from the editor",
    "Editorial",
    "News and views",
)
SERIES_STYLES = ("doi", "pages", "bare")  # with DOIs and pages; pages only; neither
REPLY_FORMS = (
    ("Comment on: {}", False),
    ("Re: {}", False),
    ("Letter to the editor regarding {}", False),
    ("Reply to: {}", True),
    ("Authors' reply: {}", True),
)


def _series(rng: random.Random, w: World, ids: Identifiers, budget: int, style: str) -> list[Paper]:
    """A journal's recurring item in consecutive issues: one title, one editor, one first
    page; each issue's item a paper of its own. ``style``: see SERIES_STYLES."""
    journal = w.journals.draw(rng)
    while not journal.issues_per_year:
        journal = w.journals.draw(rng)
    year = rng.randint(max(FIRST_YEAR, journal.first_year + 1), LAST_YEAR)
    editor = _person(rng, w, rng.choice(w.regions))
    title = rng.choice(SERIES_TITLES)
    first_page = rng.choice(("1", "3", "5")) if style != "bare" else ""
    items = min(budget, journal.issues_per_year, rng.randint(3, 6))
    return [
        Paper(
            kind=PaperKind.SERIES,
            title=title,
            subtitle="",
            authors=(editor,),
            group_author="",
            year=year,
            journal=journal,
            volume=_volume(journal, year),
            issue=str(issue),
            first_page=first_page,
            last_page=first_page if first_page and rng.random() < 0.5 else "",
            doi=ids.doi(journal, year) if style == "doi" else "",
            pmid="",
            abstract="",
            type="JOUR",
            translated=False,
        )
        for issue in range(1, items + 1)
    ]


def _reply(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """A comment on an article by other authors, or its authors' reply, in its journal."""
    form, by_authors = rng.choice(REPLY_FORMS)
    year = min(LAST_YEAR, base.year + rng.choice((0, 1)))
    first_page, _ = _pages(rng, base.journal)
    last_page = str(int(first_page) + 1) if first_page.isdigit() else ""
    return replace(
        base,
        kind=PaperKind.REPLY,
        title=form.format(full_title(base)),
        subtitle="",
        authors=base.authors[:3] if by_authors else _team(rng, w)[:2],
        group_author="",
        year=year,
        volume=_volume(base.journal, year),
        issue=_issue(rng, base.journal),
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(base.journal, year) if base.doi else "",
        pmid=ids.pmid(year) if base.pmid else "",
        abstract="",
        translated=False,
    )


def _proceedings(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """The conference paper, in a proceedings volume, that the article extends."""
    field, _ = rng.choice(w.fields)
    society = f"{rng.choice(SOCIETY_REGIONS)} {rng.choice(SOCIETY_KINDS)} {field}"
    year = max(FIRST_YEAR, base.year - rng.choice((1, 1, 2)))
    acronym = "".join(word[0] for word in society.split() if word[0].isupper())
    venue = Journal(
        full=f"Proceedings of the {year} {society} Conference",
        abbrev=f"Proc {year} {acronym} Conf",
        doi_style="generic",
        slug=acronym.lower(),
        doi_prefix=rng.randint(1000, 9999),
        first_year=FIRST_YEAR,
        issues_per_year=0,
        article_numbers=False,
    )
    start = rng.randint(1, 900)
    authors = base.authors[:-1] if len(base.authors) > 2 and rng.random() < 0.4 else base.authors
    return replace(
        base,
        kind=PaperKind.PROCEEDINGS,
        subtitle=base.subtitle if rng.random() < 0.5 else "",
        authors=authors,
        year=year,
        journal=venue,
        volume="",
        issue="",
        first_page=str(start),
        last_page=str(start + rng.randint(5, 11)),
        doi=ids.doi(venue, year) if rng.random() < 0.5 else "",
        pmid="",
        abstract=_revised_abstract(rng, w, base.abstract),
        type="CPAPER",
        translated=False,
    )


def _same_title(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """Another team's paper that happens to carry the same title, in another journal."""
    journal = w.journals.draw(rng)
    while journal.full == base.journal.full:
        journal = w.journals.draw(rng)
    year = min(LAST_YEAR, max(FIRST_YEAR, base.year + rng.randint(-3, 3)))
    first_page, last_page = _pages(rng, journal)
    return replace(
        base,
        kind=PaperKind.SAME_TITLE,
        authors=_team(rng, w),
        group_author="",
        year=year,
        journal=journal,
        volume=_volume(journal, year),
        issue=_issue(rng, journal),
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(journal, year) if rng.random() < 0.7 else "",
        pmid=ids.pmid(year) if rng.random() < 0.5 else "",
        abstract=_abstract(rng, w, rng.randint(100, 235), rng.random() < 0.4),
        translated=False,
    )


def _bare(rng: random.Random, w: World, base: Paper) -> tuple[Paper, Paper]:
    """The base without DOI, PMID and pages, and another paper by its team in its journal,
    year and volume whose title differs in one word, also without them."""
    words = base.title.split(" ")
    i = rng.randrange(1, len(words)) if len(words) > 1 else 0
    replacement = w.title_words.draw(rng)
    while replacement.casefold() == words[i].casefold():
        replacement = w.title_words.draw(rng)
    words[i] = replacement
    stripped = replace(base, doi="", pmid="", first_page="", last_page="")
    other = replace(
        stripped,
        kind=PaperKind.BARE,
        title=_sentence_case(words),
        issue=_issue(rng, base.journal),
        abstract=_abstract(rng, w, rng.randint(100, 235), False) if rng.random() < 0.5 else "",
    )
    return stripped, other


def add_hard_negatives(
    rng: random.Random, w: World, ids: Identifiers, papers: list[Paper], count: int
) -> list[Paper]:
    """``count`` hard negatives, about as many of each kind (a series is several of them),
    each made from an ordinary article not used before; a bare pair's base loses its DOI,
    PMID and pages in ``papers`` itself."""
    made: list[Paper] = []
    bases = [i for i, p in enumerate(papers) if p.kind is PaperKind.ARTICLE]
    rng.shuffle(bases)
    share = count // len(HARD_NEGATIVE_KINDS)
    for kind in HARD_NEGATIVE_KINDS:
        quota = share + (
            count - share * len(HARD_NEGATIVE_KINDS) if kind is PaperKind.SERIES else 0
        )
        if kind is PaperKind.SERIES:
            styles = 0
            while quota > 0:
                series = _series(rng, w, ids, quota, SERIES_STYLES[styles % len(SERIES_STYLES)])
                made += series
                quota -= len(series)
                styles += 1
            continue
        for _ in range(min(quota, len(bases))):
            base = bases.pop()
            match kind:
                case PaperKind.REPLY:
                    made.append(_reply(rng, w, ids, papers[base]))
                case PaperKind.PROCEEDINGS:
                    made.append(_proceedings(rng, w, ids, papers[base]))
                case PaperKind.SAME_TITLE:
                    made.append(_same_title(rng, w, ids, papers[base]))
                case PaperKind.BARE:
                    papers[base], other = _bare(rng, w, papers[base])
                    made.append(other)
    return made
