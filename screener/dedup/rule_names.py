"""The names of the matching rules, stored with every automatic duplicate link, and the
relation each RELATED rule stands for. Kept apart from the rules themselves so that the
service can read stored links without loading the matcher."""

from __future__ import annotations

from enum import StrEnum

from screener.dedup.kinds import RelatedKind


class Rule(StrEnum):
    """The rule that decided a pair (its name is stored with each automatic link)."""

    SAME_IDENTIFIER = "same_identifier"
    NO_TITLE = "no_title"
    TITLE_NUMBERS_DIFFER = "title_numbers_differ"
    CORRECTION_NOTICE = "correction_notice"
    COMMENT_OR_REPLY = "comment_or_reply"
    PREPRINT_VERSION = "preprint_version"
    TRIAL_REGISTRATION = "trial_registration"
    COCHRANE_VERSION = "cochrane_version"
    CONFERENCE_VERSION = "conference_version"
    DIFFERENT_KIND = "different_kind"
    WRONG_IDENTIFIER = "wrong_identifier"
    DIFFERENT_IDENTIFIER = "different_identifier"
    CONFLICTING_FIELDS = "conflicting_fields"
    DIFFERENT_JOURNALS = "different_journals"
    FIELD_AGREEMENT = "field_agreement"
    POSITION_AGREEMENT = "position_agreement"
    UNCERTAIN = "uncertain"
    SAME_PAGES = "same_pages"
    WEAK_EVIDENCE = "weak_evidence"


RELATED_BY_RULE = {
    Rule.CORRECTION_NOTICE: RelatedKind.CORRECTION,
    Rule.COMMENT_OR_REPLY: RelatedKind.COMMENT,
    Rule.PREPRINT_VERSION: RelatedKind.PREPRINT,
    Rule.TRIAL_REGISTRATION: RelatedKind.REGISTRATION,
    Rule.COCHRANE_VERSION: RelatedKind.COCHRANE,
    Rule.CONFERENCE_VERSION: RelatedKind.CONFERENCE,
}


def related_kind_of(rule: str) -> RelatedKind:
    """The relation a RELATED link stands for, by the rule that made it. Links stored before
    rules were named have no rule: the matcher then related preprints only."""
    return RELATED_BY_RULE.get(rule, RelatedKind.PREPRINT)  # type: ignore[call-overload]
