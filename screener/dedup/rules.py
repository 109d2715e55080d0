"""The named rules that decide a pair of records from its evidence: one paper (SAME),
related items (RELATED), a question for a reviewer (REVIEW), or different papers.

The rules are tried in the order of RULES and the first that applies decides. An automatic
merge needs positive evidence: a shared identifier, or a posterior of at least SAME_BITS
with at least two fields besides the title agreeing, and no reliable field contradicting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screener.dedup.evidence import Evidence
from screener.dedup.frequencies import GENERIC_WORDS, Frequencies
from screener.dedup.kinds import Channel, RelatedKind, related_kind
from screener.dedup.prepared import Prepared
from screener.dedup.rule_names import Rule
from screener.models import LinkMethod, LinkVerdict

# Posterior log2-odds for an automatic merge: 1000 to 1 that the two records are one paper.
SAME_BITS = 10.0
# A reviewer is asked when a pair is more likely than not one paper but not sure enough.
REVIEW_BITS = 0.0
ALIKE_TITLES = ("exact", "near", "partial")


@dataclass(frozen=True, slots=True)
class Pair:
    """Two prepared records, their evidence, the project's frequencies, and how the two
    records' sorts differ (see :func:`related_sorts`)."""

    x: Prepared
    y: Prepared
    evidence: Evidence
    freq: Frequencies
    related: RelatedKind | None


def related_sorts(x: Prepared, y: Prepared, evidence: Evidence) -> RelatedKind | None:
    """How the two records' sorts differ, if they do. A meeting abstract in a journal's
    supplement from one database and the same abstract, not marked as one, from another are
    one item: same journal and year. So is a letter one database types "Letter" and another
    "Journal Article" when both sit on the same pages of one volume: a comment and the
    article it discusses never share their pages."""
    cx, cy = x.channel, y.channel
    if {cx, cy} == {Channel.CONFERENCE, Channel.JOURNAL} and (
        evidence.level("journal") == "agree" and evidence.level("year") == "equal"
    ):
        cx = cy = Channel.JOURNAL
    kx, ky = x.kinds, y.kinds
    if kx ^ ky == {"comment"} and _same_place(evidence):
        kx = ky = kx & ky
    return related_kind(kx, ky, cx, cy)


def _same_place(evidence: Evidence) -> bool:
    """The same journal, volume and first page: one item's place in the literature."""
    return (
        evidence.level("journal") == "agree"
        and evidence.level("volume") == "equal"
        and evidence.level("pages") in ("first", "range")
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """What a rule decided: ``verdict`` is SAME, RELATED, REVIEW or DIFFERENT."""

    verdict: LinkVerdict
    rule: Rule
    reason: str
    related: RelatedKind | None = None

    @property
    def method(self) -> LinkMethod:
        return LinkMethod.EXACT_ID if self.rule is Rule.SAME_IDENTIFIER else LinkMethod.RULE


def summary(evidence: Evidence) -> str:
    """The agreeing fields and the posterior, for a reason a person reads."""
    agreeing = ", ".join(f.field for f in evidence.agreeing)
    return f"{agreeing or 'nothing'} agree ({evidence.posterior:+.1f} bits)"


def _conflict_text(evidence: Evidence) -> str:
    return "; ".join(f"{f.field}: {f.note}" for f in evidence.conflicts)


def same_identifier(pair: Pair) -> Decision | None:
    """The same DOI or PMID, with titles that can be one paper's, of the same sort of item
    and without numbers in the titles that differ: one paper. When the titles differ but
    the first authors agree, a reviewer decides (a mistyped identifier); otherwise the
    identifier is one a whole supplement or issue shares, and the other rules decide."""
    e = pair.evidence
    if "equal" not in (e.level("doi"), e.level("pmid")):
        return None
    title = e.level("title")
    if title in ("different", "numbers") or pair.related is not None:
        if e.level("authors") in ("first", "list") and title == "different":
            why = f"same identifier, but titles only {e.title_similarity:.2f} alike"
            return Decision(LinkVerdict.REVIEW, Rule.SAME_IDENTIFIER, why)
        return None
    label = "same DOI" if e.level("doi") == "equal" else "same PMID"
    return Decision(LinkVerdict.SAME, Rule.SAME_IDENTIFIER, label)


def no_title(pair: Pair) -> Decision | None:
    """A record without a title is linked only by an identifier (the rule above)."""
    if pair.evidence.level("title") == "missing":
        return Decision(LinkVerdict.DIFFERENT, Rule.NO_TITLE, "a record has no title")
    return None


def title_numbers_differ(pair: Pair) -> Decision | None:
    """Titles alike but for the numbers they state (Part 1 / Part 2, type 1 / type 2
    diabetes, 2010-2015 / 2016-2020): different papers."""
    if pair.evidence.level("title") == "numbers":
        return Decision(
            LinkVerdict.DIFFERENT, Rule.TITLE_NUMBERS_DIFFER, "numbers in titles differ"
        )
    return None


def _related(
    pair: Pair, kind: RelatedKind, rule: Rule, ok: Callable[[Evidence], bool]
) -> Decision | None:
    e = pair.evidence
    if pair.related is not kind or e.level("title") not in ALIKE_TITLES or not ok(e):
        return None
    why = f"{kind}: title {e.level('title')} ({e.title_similarity:.2f})"
    return Decision(LinkVerdict.RELATED, rule, why, kind)


def correction_notice(pair: Pair) -> Decision | None:
    """An erratum, correction, retraction or expression of concern about an article: its
    title carries the article's, a title distinctive enough to name one paper, in the same
    journal when both name one (its authors may be a few or none): related, never merged."""
    distinctive = min(pair.x.significant, pair.y.significant) >= GENERIC_WORDS
    return _related(
        pair,
        RelatedKind.CORRECTION,
        Rule.CORRECTION_NOTICE,
        lambda e: distinctive and e.level("journal") != "differ",
    )


def comment_or_reply(pair: Pair) -> Decision | None:
    """A comment, letter or reply about an article, in its journal or by its authors:
    related, never merged."""
    return _related(
        pair,
        RelatedKind.COMMENT,
        Rule.COMMENT_OR_REPLY,
        lambda e: e.level("journal") == "agree" or e.level("authors") in ("first", "list"),
    )


def _same_people(e: Evidence) -> bool:
    return e.level("authors") != "different"


def preprint_version(pair: Pair) -> Decision | None:
    """A preprint and the journal article of the same title and authors: related."""
    return _related(pair, RelatedKind.PREPRINT, Rule.PREPRINT_VERSION, _same_people)


def trial_registration(pair: Pair) -> Decision | None:
    """A trial-registry entry and a report with the trial's title: related."""
    return _related(pair, RelatedKind.REGISTRATION, Rule.TRIAL_REGISTRATION, lambda e: True)


def cochrane_version(pair: Pair) -> Decision | None:
    """A Cochrane review and the same review by the same authors in another journal:
    related (two publications of one review)."""
    return _related(pair, RelatedKind.COCHRANE, Rule.COCHRANE_VERSION, _same_people)


def conference_version(pair: Pair) -> Decision | None:
    """A meeting abstract or proceedings paper and an article of the same title and
    authors in another journal or year: related (the article reports the same study)."""
    return _related(pair, RelatedKind.CONFERENCE, Rule.CONFERENCE_VERSION, _same_people)


def different_kind(pair: Pair) -> Decision | None:
    """Records of different sorts (a notice and an article, a preprint and an article)
    that none of the rules above relates: never merged."""
    kind = pair.related
    if kind is None:
        return None
    return Decision(
        LinkVerdict.DIFFERENT, Rule.DIFFERENT_KIND, f"{kind} and an article, titles apart"
    )


def _identifiers_differ(e: Evidence) -> bool:
    return "differ" in (e.level("doi"), e.level("pmid"))


def wrong_identifier(pair: Pair) -> Decision | None:
    """Different DOIs (or PMIDs), but everything else agrees to the last detail: the same
    distinctive title that no other item in the project carries, the same author list,
    journal, year and first page, and nothing else contradicting. Then one database
    attached a wrong identifier (an Appetite abstract given a Regulatory Peptides DOI)."""
    e = pair.evidence
    if not _identifiers_differ(e) or e.recurring:
        return None
    others = [f for f in e.conflicts if f.field not in ("doi", "pmid")]
    if (
        others
        or "equal" in (e.level("doi"), e.level("pmid"))
        or e.level("title") != "exact"
        or e.level("authors") != "list"
        or e.level("journal") != "agree"
        or e.level("year") != "equal"
        or e.level("pages") not in ("first", "range")
        or e.without("doi", "pmid") < SAME_BITS
    ):
        return None
    why = f"different identifiers, but {summary(e)}"
    return Decision(LinkVerdict.SAME, Rule.WRONG_IDENTIFIER, why)


def different_identifier(pair: Pair) -> Decision | None:
    """Different DOIs or PMIDs: different papers. A reviewer is asked only when all else
    would merge them and their title is one no other item carries."""
    e = pair.evidence
    if not _identifiers_differ(e):
        return None
    others = [f for f in e.conflicts if f.field not in ("doi", "pmid")]
    why = _conflict_text(e)
    if not e.recurring and not others and e.without("doi", "pmid") >= SAME_BITS:
        return Decision(LinkVerdict.REVIEW, Rule.DIFFERENT_IDENTIFIER, f"{why}; {summary(e)}")
    return Decision(LinkVerdict.DIFFERENT, Rule.DIFFERENT_IDENTIFIER, why)


def conflicting_fields(pair: Pair) -> Decision | None:
    """A field the project records reliably differs (years more than one apart, volume,
    issue, first page): never an automatic merge. Within one journal a reviewer is asked
    when the pair is still more likely than not one paper, or when a distinctive title and
    its first author agree: then the two are one study's publications (an unmarked erratum,
    a meeting abstract, a reprint) or one record is wrong. In two journals they are two
    publications (a guideline printed in both, an abstract and the article)."""
    e = pair.evidence
    if not e.conflicts:
        return None
    why = _conflict_text(e)
    if (
        e.level("title") in ALIKE_TITLES
        and e.level("journal") != "differ"
        and (
            e.posterior >= REVIEW_BITS
            or (
                min(pair.x.significant, pair.y.significant) >= GENERIC_WORDS
                and e.level("title") in ("exact", "near")
                and e.level("authors") in ("first", "list")
            )
        )
    ):
        return Decision(LinkVerdict.REVIEW, Rule.CONFLICTING_FIELDS, f"{why}; {summary(e)}")
    return Decision(LinkVerdict.DIFFERENT, Rule.CONFLICTING_FIELDS, why)


def different_journals(pair: Pair) -> Decision | None:
    """Journal names that cannot be one another's abbreviation, in a project whose copies
    of one paper name their journal alike, and no first page in common to show one name is
    a variant of the other: two publications (a digest and its article, an abstract given
    at two meetings, a guideline printed twice). Never merged; asked about only when both
    venues are meetings, whose names databases write in many ways ("ICIS 2019
    Proceedings", "40th International Conference on Information Systems"), and all else
    would merge them."""
    e = pair.evidence
    if (
        e.level("journal") != "differ"
        or e.level("pages") in ("first", "range")
        or not pair.freq.reliable("journal")
    ):
        return None
    why = e.get("journal").note
    if pair.x.meeting and pair.y.meeting and e.posterior - e.get("journal").weight >= SAME_BITS:
        return Decision(LinkVerdict.REVIEW, Rule.DIFFERENT_JOURNALS, f"two meetings' names; {why}")
    return Decision(LinkVerdict.DIFFERENT, Rule.DIFFERENT_JOURNALS, why)


# Fields that differ between two papers of one team in one journal issue.
PAPER_FIELDS = ("pages", "abstract")


def field_agreement(pair: Pair) -> Decision | None:
    """A title no other item in the project carries, alike in both records, at least two
    other fields agreeing and a posterior of at least SAME_BITS: one paper. A title that
    is alike but not the same may be the team's next paper (one word changed), whose
    authors, journal and year are the same: then the first page or the abstract must
    agree too. Titles only fuzzily alike (a translation, a word or two reworded) need the
    whole page range to agree."""
    e = pair.evidence
    others = [f for f in e.agreeing if f.field != "title"]
    title = e.level("title")
    if (
        not e.recurring
        and (title in ALIKE_TITLES or (title == "fuzzy" and e.level("pages") == "range"))
        and len(others) >= 2
        and (title == "exact" or any(f.field in PAPER_FIELDS for f in others))
        and e.posterior >= SAME_BITS
    ):
        return Decision(LinkVerdict.SAME, Rule.FIELD_AGREEMENT, summary(e))
    return None


def position_agreement(pair: Pair) -> Decision | None:
    """A recurring title (a series' "Editorial", or one several items in the project carry):
    fields all its items share count for nothing, so a merge needs a field that tells the
    items apart to agree (the issue, for the same title; the first page or the abstract)
    and a posterior of at least SAME_BITS."""
    e = pair.evidence
    title = e.level("title")
    telling = PAPER_FIELDS + (("issue",) if title == "exact" else ())
    if (
        e.recurring
        and title in ALIKE_TITLES
        and any(f.field in telling for f in e.agreeing)
        and e.posterior >= SAME_BITS
    ):
        return Decision(LinkVerdict.SAME, Rule.POSITION_AGREEMENT, summary(e))
    return None


def uncertain(pair: Pair) -> Decision | None:
    """Alike titles in journals that do not differ, and a posterior of at least REVIEW_BITS,
    but not enough to merge: a reviewer decides. (Alike titles in two journals with too
    little evidence to merge are two publications: a digest, an abstract presented twice.)"""
    e = pair.evidence
    if (
        e.level("title") in (*ALIKE_TITLES, "fuzzy")
        and e.level("journal") != "differ"
        and e.posterior >= REVIEW_BITS
    ):
        return Decision(LinkVerdict.REVIEW, Rule.UNCERTAIN, "uncertain: " + summary(e))
    return None


def same_pages(pair: Pair) -> Decision | None:
    """Titles too unlike to be one paper's, but the same journal, volume and page range of
    two pages or more, and no issue against it: within one volume a page range holds one
    article, so one title is a translation, or carries a heading ("MEDICAL PROGRESS"). A
    reviewer decides."""
    e = pair.evidence
    if (
        e.level("title") in ("different", "fuzzy")
        and e.level("journal") == "agree"
        and e.level("volume") == "equal"
        and e.level("issue") != "differ"
        and e.level("pages") == "range"
        and (pair.x.page_count or 0) > 1
    ):
        why = f"same journal, volume and pages {pair.x.page}-{pair.x.last_page}; titles differ"
        return Decision(LinkVerdict.REVIEW, Rule.SAME_PAGES, why)
    return None


def weak_evidence(pair: Pair) -> Decision:
    """Everything else: too little evidence that the records are one paper."""
    return Decision(LinkVerdict.DIFFERENT, Rule.WEAK_EVIDENCE, summary(pair.evidence))


RULES: tuple[Callable[[Pair], Decision | None], ...] = (
    same_identifier,
    no_title,
    title_numbers_differ,
    correction_notice,
    comment_or_reply,
    preprint_version,
    trial_registration,
    cochrane_version,
    conference_version,
    different_kind,
    wrong_identifier,
    different_identifier,
    conflicting_fields,
    different_journals,
    field_agreement,
    position_agreement,
    uncertain,
    same_pages,
)


def decide(x: Prepared, y: Prepared, evidence: Evidence, freq: Frequencies) -> Decision:
    """The first rule of RULES that applies, or weak_evidence."""
    pair = Pair(x, y, evidence, freq, related_sorts(x, y, evidence))
    for rule in RULES:
        decision = rule(pair)
        if decision is not None:
            return decision
    return weak_evidence(pair)
