"""The synthetic world's papers: ordinary articles and the near-misses of one, which a
deduplicator must keep apart from it (same team, erratum, Part 2, preprint, meeting abstract)."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import replace

from synthetic_vocabulary import (
    ITALIC_PHRASES,
    MEETINGS,
    PREPRINT_SERVERS,
    SOCIETY_KINDS,
    SOCIETY_REGIONS,
    STRUCTURED_LABELS,
    SUBTITLES,
    TITLE_GLUE,
)
from synthetic_world import (
    FIRST_YEAR,
    LAST_YEAR,
    NEAR_MISS_KINDS,
    YEAR_GROWTH,
    Identifiers,
    Journal,
    Paper,
    PaperKind,
    Person,
    World,
)

# ---------------------------------------------------------------------------- the world's papers


def _year(rng: random.Random) -> int:
    """A year with weight 1.045**(year - 1990): publication counts grow about 4.5% a year."""
    span = LAST_YEAR - FIRST_YEAR + 1
    total = (YEAR_GROWTH**span - 1) / (YEAR_GROWTH - 1)  # the weights' sum, inverted below
    offset = math.log(rng.random() * total * (YEAR_GROWTH - 1) + 1, YEAR_GROWTH)
    return FIRST_YEAR + min(span - 1, int(offset))


def _sentence_case(words: Sequence[str]) -> str:
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def _title_words(rng: random.Random, w: World, count: int) -> list[str]:
    """``count`` words of a title: content words with glue words between them."""
    words: list[str] = []
    while len(words) < count:
        if words and words[-1] not in TITLE_GLUE and rng.random() < 0.3:
            words.append(w.title_glue.draw(rng))
        elif rng.random() < 0.015:
            words += rng.choice(ITALIC_PHRASES).split()
        else:
            words.append(w.title_words.draw(rng))
    del words[count:]
    if words[-1] in TITLE_GLUE:
        words[-1] = w.title_words.draw(rng)
    return words


def _title(rng: random.Random, w: World) -> tuple[str, str]:
    """(main title, subtitle or ""), 6 to 25 words in all, most around 12."""
    total = int(rng.triangular(6, 26, 12))
    subtitle = ""
    if rng.random() < 0.3:
        if rng.random() < 0.6:
            subtitle = SUBTITLES[min(int(rng.expovariate(0.25)), len(SUBTITLES) - 1)]
        else:
            subtitle = " ".join(_title_words(rng, w, rng.randint(3, 6)))
        if total - len(subtitle.split()) < 6:  # the main title alone has six words or more
            subtitle = ""
        else:
            total -= len(subtitle.split())
    return _sentence_case(_title_words(rng, w, total)), subtitle


def full_title(paper: Paper) -> str:
    return f"{paper.title}: {paper.subtitle}" if paper.subtitle else paper.title


def _statistic(rng: random.Random) -> str:
    match rng.randrange(3):
        case 0:
            return f"(n = {rng.randint(12, 4000)})"
        case 1:
            return f"(p < {rng.choice(('0.05', '0.01', '0.001'))})"
        case _:
            ratio = rng.uniform(0.3, 3.5)
            return f"(OR {ratio:.2f}, 95% CI {ratio * 0.7:.2f}-{ratio * 1.4:.2f})"


def _abstract(rng: random.Random, w: World, word_count: int, structured: bool) -> str:
    """Sentences of 8-24 words, some with statistics; ``word_count`` words exactly."""
    words = rng.choices(w.abstract_words, k=word_count)
    bounds = [0]
    while bounds[-1] < word_count:
        bounds.append(min(word_count, bounds[-1] + rng.randint(8, 24)))
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < 5:  # no two-word last sentence
        del bounds[-2]
    sentence_count = len(bounds) - 1
    labels = {round(i * sentence_count / 4): label for i, label in enumerate(STRUCTURED_LABELS)}
    sentences = []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        sentence = words[start:end]
        if structured and number in labels and len(sentence) > 2:
            sentence[0] = labels[number]
            sentence[1] = sentence[1][:1].upper() + sentence[1][1:]
        else:
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
        if len(sentence) > 10 and rng.random() < 0.25:
            statistic = _statistic(rng)
            sentence[-len(statistic.split()) :] = [statistic]  # the word count stays the same
        sentences.append(" ".join(sentence) + ".")
    return " ".join(sentences)


def _person(rng: random.Random, w: World, region: str) -> Person:
    if rng.random() < 0.25:  # international teams
        region = rng.choices(w.regions, cum_weights=w.region_cumulative_weights)[0]
    middle = ""
    if region not in {"china", "korea", "vietnam"} and rng.random() < 0.35:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW")
    given = rng.choice(w.given_names[region])
    initials = "".join(part[0] for part in re.split(r"[- ]", given)) + middle
    return Person(w.families[region].draw(rng), given, middle, initials)


def _team(rng: random.Random, w: World) -> tuple[Person, ...]:
    region = rng.choices(w.regions, cum_weights=w.region_cumulative_weights)[0]
    count = min(30, max(1, round(rng.lognormvariate(1.6, 0.6))))  # median 5, few alone
    return tuple(_person(rng, w, region) for _ in range(count))


def _group_author(rng: random.Random) -> str:
    acronym = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUV") for _ in range(rng.randint(3, 6)))
    kind = rng.choice(("Study Group", "Investigators", "Collaborative Group", "Consortium"))
    return f"{acronym} {kind}"


def _volume(journal: Journal, year: int) -> str:
    return str(max(1, year - journal.first_year + 1))


def _issue(rng: random.Random, journal: Journal) -> str:
    return str(rng.randint(1, journal.issues_per_year)) if journal.issues_per_year else ""


def _pages(rng: random.Random, journal: Journal) -> tuple[str, str]:
    if journal.article_numbers:
        if journal.doi_style == "plos":
            return f"e{rng.randint(0, 9999999):07d}", ""
        return str(rng.randint(1, 99999)), ""
    first = rng.randint(1, 2400)
    if rng.random() < 0.05:  # letters and editorials: one page
        return str(first), ""
    return str(first), str(first + rng.randint(2, 14))


def article(rng: random.Random, w: World, ids: Identifiers) -> Paper:
    journal = w.journals.draw(rng)
    year = _year(rng)
    title, subtitle = _title(rng, w)
    first_page, last_page = _pages(rng, journal)
    has_abstract = rng.random() < 0.93  # letters, editorials and comments have none
    return Paper(
        kind=PaperKind.ARTICLE,
        title=title,
        subtitle=subtitle,
        authors=_team(rng, w),
        group_author=_group_author(rng) if rng.random() < 0.03 else "",
        year=year,
        journal=journal,
        volume=_volume(journal, year),
        issue=_issue(rng, journal),
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(journal, year) if rng.random() < 0.7 else "",
        pmid=ids.pmid(year) if rng.random() < 0.5 else "",
        abstract=_abstract(rng, w, rng.randint(100, 235), rng.random() < 0.4)
        if has_abstract
        else "",
        type="JOUR",
        translated=rng.random() < 0.04,
    )


# ---------------------------------------------------------------------------- near-misses


def _revised_title(rng: random.Random, w: World, title: str) -> str:
    """The title a few words changed, as between a preprint or abstract and the article."""
    words = title.split(" ")
    for _ in range(rng.randint(1, 3)):
        words[rng.randrange(1, len(words)) if len(words) > 1 else 0] = w.title_words.draw(rng)
    return _sentence_case(words)


def _revised_abstract(rng: random.Random, w: World, abstract: str) -> str:
    """The first half kept, the rest rewritten."""
    if not abstract:
        return _abstract(rng, w, rng.randint(100, 235), False)
    cut = abstract.find(". ", len(abstract) // 2)
    kept = abstract[: cut + 1] if cut > 0 else abstract
    rest = max(20, 180 - len(kept.split()))
    return f"{kept} {_abstract(rng, w, rest, False)}"


def _same_team(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """Another paper by the same authors in the same journal, on the same subject."""
    year = min(LAST_YEAR, max(FIRST_YEAR, base.year + rng.choice((0, 0, 1, -1, 2))))
    title, subtitle = _title(rng, w)
    topic = [word for word in base.title.split(" ")[1:] if len(word) > 3]
    words = title.split(" ")
    for i in range(1, len(words)):
        if topic and rng.random() < 0.35:
            words[i] = rng.choice(topic)
    authors = list(base.authors)
    if len(authors) > 2 and rng.random() < 0.3:
        del authors[rng.randrange(1, len(authors))]
    if rng.random() < 0.3:
        authors.insert(rng.randint(1, len(authors)), _person(rng, w, "anglo"))
    first_page, last_page = _pages(rng, base.journal)
    return replace(
        base,
        kind=PaperKind.SAME_TEAM,
        title=" ".join(words),
        subtitle=subtitle,
        authors=tuple(authors),
        year=year,
        volume=_volume(base.journal, year),
        issue=_issue(rng, base.journal),
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(base.journal, year) if base.doi else "",
        pmid=ids.pmid(year) if base.pmid else "",
        abstract=_abstract(rng, w, rng.randint(100, 235), rng.random() < 0.4),
        translated=False,
    )


def _erratum(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    form = rng.choice(
        ("Correction to: {}", "Erratum: {}", "Erratum to: {}", "Correction: {}", 'Erratum to "{}"')
    )
    year = min(LAST_YEAR, base.year + rng.choice((0, 0, 1)))
    keep_authors = rng.random() < 0.6  # many errata are indexed without authors
    first_page, _ = _pages(rng, base.journal)
    return replace(
        base,
        kind=PaperKind.ERRATUM,
        title=form.format(full_title(base)),
        subtitle="",
        authors=base.authors if keep_authors else (),
        group_author=base.group_author if keep_authors else "",
        year=year,
        volume=_volume(base.journal, year),
        issue=_issue(rng, base.journal),
        first_page=first_page,
        last_page="",
        doi=ids.doi(base.journal, year) if base.doi else "",
        pmid=ids.pmid(year) if base.pmid else "",
        abstract="",
        translated=False,
    )


def _parts(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> tuple[Paper, Paper]:
    """Part 1 (the base, retitled) and Part 2: same authors, journal and issue, next pages."""
    one, two = rng.choice((("1", "2"), ("I", "II")))
    form = rng.choice(("{}. Part {}", "{}: part {}", "{} (Part {})"))
    if base.journal.article_numbers or not base.first_page.isdigit():
        first_page, last_page = _pages(rng, base.journal)
    else:
        start = int(base.last_page or base.first_page) + 1
        first_page, last_page = str(start), str(start + rng.randint(2, 14))
    part_two = replace(
        base,
        kind=PaperKind.PART,
        title=form.format(base.title, two),
        subtitle=" ".join(_title_words(rng, w, rng.randint(3, 6))) if base.subtitle else "",
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(base.journal, base.year) if base.doi else "",
        pmid=ids.pmid(base.year) if base.pmid else "",
        abstract=_revised_abstract(rng, w, base.abstract),
    )
    return replace(base, title=form.format(base.title, one)), part_two


def _preprint(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """The bioRxiv/medRxiv version of a journal article (related, not a duplicate)."""
    server, launched = PREPRINT_SERVERS[0] if base.year < 2020 else rng.choice(PREPRINT_SERVERS)
    year = max(min(base.year, launched), base.year - rng.choice((0, 1, 1)))
    journal = Journal(server, server, "preprint", server.lower(), 1101, launched, 0, False)
    authors = base.authors
    if len(authors) > 1 and rng.random() < 0.25:
        authors = authors[:-1]
    return replace(
        base,
        kind=PaperKind.PREPRINT,
        title=base.title if rng.random() < 0.7 else _revised_title(rng, w, base.title),
        authors=authors,
        year=year,
        journal=journal,
        volume="",
        issue="",
        first_page="",
        last_page="",
        doi=ids.preprint_doi(year),
        pmid="",
        abstract=base.abstract if rng.random() < 0.5 else _revised_abstract(rng, w, base.abstract),
        type=rng.choice(("JOUR", "UNPB")),
        translated=False,
    )


def _conference(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """A meeting abstract, in a journal supplement, of the later full article."""
    field, _ = rng.choice(w.fields)
    society = f"{rng.choice(SOCIETY_REGIONS)} {rng.choice(SOCIETY_KINDS)} {field}"
    meeting, meeting_abbrev = rng.choice(MEETINGS)
    acronym = "".join(word[0] for word in society.split() if word[0].isupper())
    journal = Journal(
        full=f"{society} {meeting} Abstracts",
        abbrev=f"{acronym} {meeting_abbrev} Abstr",
        doi_style="generic",
        slug=acronym.lower(),
        doi_prefix=rng.randint(1000, 9999),
        first_year=FIRST_YEAR,
        issues_per_year=0,
        article_numbers=False,
    )
    year = max(FIRST_YEAR, base.year - rng.choice((1, 1, 2)))
    return replace(
        base,
        kind=PaperKind.CONFERENCE,
        title=base.title if rng.random() < 0.6 else _revised_title(rng, w, base.title),
        subtitle=base.subtitle if rng.random() < 0.5 else "",
        authors=base.authors[: rng.randint(1, len(base.authors))] if base.authors else (),
        year=year,
        journal=journal,
        volume=f"{rng.randint(1, 60)} Suppl {rng.randint(1, 3)}",
        issue="",
        first_page=f"{rng.choice('ASP')}{rng.randint(1, 999)}",
        last_page="",
        doi=ids.doi(journal, year) if rng.random() < 0.25 else "",
        pmid="",
        abstract=_abstract(rng, w, rng.randint(100, 150), rng.random() < 0.6),
        type="CONF",
        translated=False,
    )


def add_near_misses(
    rng: random.Random, w: World, ids: Identifiers, papers: list[Paper], count: int
) -> list[Paper]:
    """``count`` near-misses of distinct papers, the kinds in turn; a Part 2's base is
    retitled "Part 1" in ``papers`` itself."""
    kinds = [NEAR_MISS_KINDS[i % len(NEAR_MISS_KINDS)] for i in range(count)]
    bases = rng.sample(range(len(papers)), count)
    near_misses = []
    for kind in kinds:
        base = bases[0]
        if kind is PaperKind.PREPRINT:  # a base from the preprint era, when there is one
            base = next((i for i in bases if papers[i].year >= 2014), base)
        bases.remove(base)
        match kind:
            case PaperKind.SAME_TEAM:
                near_misses.append(_same_team(rng, w, ids, papers[base]))
            case PaperKind.ERRATUM:
                near_misses.append(_erratum(rng, w, ids, papers[base]))
            case PaperKind.PART:
                papers[base], part_two = _parts(rng, w, ids, papers[base])
                near_misses.append(part_two)
            case PaperKind.PREPRINT:
                near_misses.append(_preprint(rng, w, ids, papers[base]))
            case PaperKind.CONFERENCE:
                near_misses.append(_conference(rng, w, ids, papers[base]))
    return near_misses
