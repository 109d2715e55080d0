"""What sort of item a record is (an article, a correction or comment notice, a preprint, a
trial-registry entry, a Cochrane review, a meeting abstract), and which pairs of sorts are
related items that are never merged."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache


class RelatedKind(StrEnum):
    """Why two records are linked as RELATED (shown together, never merged)."""

    PREPRINT = "preprint"  # a preprint and its journal version
    CORRECTION = "correction"  # an erratum, correction, retraction or expression of concern
    COMMENT = "comment"  # a comment, letter or reply and the article it discusses
    REGISTRATION = "registration"  # a trial-registry entry and a report of the trial
    COCHRANE = "cochrane"  # a Cochrane review and its version in another journal
    CONFERENCE = "conference"  # a meeting abstract or proceedings paper and the later article


class Channel(StrEnum):
    """Where a record was published, as far as its fields tell."""

    JOURNAL = "journal"
    PREPRINT = "preprint"
    REGISTRY = "registry"
    COCHRANE = "cochrane"
    CONFERENCE = "conference"


_NOTICES = (
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
_ANY_NOTICE = re.compile(
    "|".join(f"(?:{pattern.pattern})" for _, pattern in _NOTICES), re.IGNORECASE
)
# Corrections that name the corrected article instead of saying "erratum".
_CORRECTION_CITATION = re.compile(
    r"\(\s*vol\s+\d+\s*,\s*pg\s+\w+|\(\s*[A-Z][^()]*\(\s*\d{4}\s*\)\s*\d+\s*\(\s*\w+\s*[-–]"
)
_RELATED_NOTICE = {
    "erratum": RelatedKind.CORRECTION,
    "retraction": RelatedKind.CORRECTION,
    "comment": RelatedKind.COMMENT,
    "reply": RelatedKind.COMMENT,
}


def notice_kinds(title: str, type_: str, raw_title: str = "") -> frozenset[str]:
    """What notice a record is besides an article: erratum, retraction, comment, reply."""
    found = (
        {kind for kind, pattern in _NOTICES if pattern.search(title)}
        if _ANY_NOTICE.search(title)
        else set()
    )
    if "(" in raw_title and _CORRECTION_CITATION.search(raw_title):
        found.add("erratum")
    found |= _type_kinds(type_)
    if "letter" in type_.casefold() and "comment" not in found:
        found.add("comment")
    return frozenset(found)


@lru_cache(maxsize=1 << 10)
def _type_kinds(type_: str) -> frozenset[str]:
    low = type_.casefold()
    return frozenset(kind for kind in ("erratum", "retraction", "comment") if kind in low)


_CONFERENCE_JOURNAL = re.compile(
    r"\b(?:abstracts?|congress|conference|meeting|symposium|proceedings|annual\s+scientific"
    r"|poster|workshop)\b",
    re.IGNORECASE,
)
_CONFERENCE_TYPE = re.compile(
    r"conference|abstract|proceeding|meeting|cpaper|abst\b|congress", re.IGNORECASE
)
_SUPPLEMENT = re.compile(r"supp|\bs\d", re.IGNORECASE)
# An issue given as "1 MeetingAbstracts", "Suppl. Abstracts": the meeting's abstracts issue.
_MEETING_ISSUE = re.compile(r"meeting|abstract|congress|conference|symposium", re.IGNORECASE)
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
# Trial registries of the WHO ICTRP network and ClinicalTrials.gov, by the names exports give.
_REGISTRY = re.compile(
    r"clinicaltrials\.gov|\bictrp\b|\bisrctn\b|clinical\s+trials?\s+regist|trials?\s+register"
    r"|\banzctr\b|\bchictr\b|\bctri\b|\bdrks\b|\bjprn\b|\bumin\b|\bpactr\b|\birct\b|\brebec\b"
    r"|\beuctr\b|\bclinicaltrialsregister\.eu\b",
    re.IGNORECASE,
)
_REGISTRY_TYPE = re.compile(r"regist", re.IGNORECASE)
_COCHRANE_JOURNAL = re.compile(r"\bcochrane\s+database\b", re.IGNORECASE)
_COCHRANE_DOI = "10.1002/14651858."


@lru_cache(maxsize=1 << 14)
def names_meeting(journal: str) -> bool:
    """Whether a venue is named after a meeting ("23rd Congress of ...", "Proceedings of
    ...") rather than only after a journal."""
    return bool(_CONFERENCE_JOURNAL.search(journal))


@lru_cache(maxsize=1 << 14)
def _supplement_issue(volume: str, issue: str) -> tuple[bool, bool]:
    """(a meeting's abstracts issue, a supplement) by the volume and issue fields."""
    meeting = bool(_MEETING_ISSUE.search(volume) or _MEETING_ISSUE.search(issue))
    return meeting, bool(_SUPPLEMENT.search(volume) or _SUPPLEMENT.search(issue))


def is_conference(journal: str, type_: str, volume: str, issue: str, pages: str) -> bool:
    """A meeting abstract or proceedings paper, which may share its title with a later article."""
    if _CONFERENCE_TYPE.search(type_) or names_meeting(journal):
        return True
    meeting, supplement = _supplement_issue(volume, issue)
    return meeting or (supplement and (pages[:1].upper() == "S" or not pages))


@lru_cache(maxsize=1 << 14)
def _named_channel(journal: str, type_: str) -> Channel | None:
    """The channel a venue's name or a record type tells (None: neither does)."""
    if _PREPRINT_JOURNAL.search(journal):
        return Channel.PREPRINT
    if _REGISTRY.search(journal) or _REGISTRY_TYPE.search(type_):
        return Channel.REGISTRY
    if _COCHRANE_JOURNAL.search(journal):
        return Channel.COCHRANE
    return None


def channel(
    doi: str, journal: str, type_: str, volume: str, issue: str, start_page: str
) -> Channel:
    """Where a record was published: preprint server, trial registry, the Cochrane Library,
    a meeting or a journal. (Journals and types repeat: what their names tell is kept.)"""
    if doi.startswith(_PREPRINT_DOI):
        return Channel.PREPRINT
    named = _named_channel(journal, type_)
    if named is not None:
        return named
    if doi.startswith(_COCHRANE_DOI):
        return Channel.COCHRANE
    if is_conference(journal, type_, volume, issue, start_page):
        return Channel.CONFERENCE
    return Channel.JOURNAL


_CHANNEL_KINDS = {
    Channel.PREPRINT: RelatedKind.PREPRINT,
    Channel.REGISTRY: RelatedKind.REGISTRATION,
    Channel.COCHRANE: RelatedKind.COCHRANE,
    Channel.CONFERENCE: RelatedKind.CONFERENCE,
}
_CHANNEL_ORDER = (Channel.PREPRINT, Channel.REGISTRY, Channel.COCHRANE, Channel.CONFERENCE)


def related_kind(
    kinds_a: frozenset[str], kinds_b: frozenset[str], channel_a: Channel, channel_b: Channel
) -> RelatedKind | None:
    """The relation between two records of different sorts (None when they are of the same
    sort): a notice and what it is about, or two versions published in different channels."""
    differing = kinds_a ^ kinds_b
    if differing:
        kinds = {_RELATED_NOTICE[kind] for kind in differing}
        return RelatedKind.CORRECTION if RelatedKind.CORRECTION in kinds else RelatedKind.COMMENT
    if channel_a is channel_b:
        return None
    for name in _CHANNEL_ORDER:
        if name in (channel_a, channel_b):
            return _CHANNEL_KINDS[name]
    return None  # pragma: no cover - two channels differ, so one is not JOURNAL
