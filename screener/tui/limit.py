"""The limit (filter) a reviewer types on the screening and history screens, as one line:

    maybe                       my maybes
    undecided                   studies I have not decided (the queue)
    tag:tissue                  tagged with any term of the vocabulary tissue
    tag:tissue=skin             tagged skin (in tissue)
    reason:design               excluded with the reason code design
    anything else               words the citation contains (as in search)

Parts combine (all must match): ``maybe tag:model=mouse wound healing``."""

from __future__ import annotations

from screener.errors import ScreenerError
from screener.models import Verdict
from screener.screening.find import NOT_DECIDED, DecisionFilter

VERDICT_WORDS: dict[str, Verdict | None] = {
    "include": Verdict.INCLUDE,
    "included": Verdict.INCLUDE,
    "exclude": Verdict.EXCLUDE,
    "excluded": Verdict.EXCLUDE,
    "maybe": Verdict.MAYBE,
    "undecided": NOT_DECIDED,
}
HINT = "maybe · undecided · tag:VOCABULARY[=TERM] · reason:CODE · words; empty: everything"


def parse_limit(line: str, vocabularies: set[str], reasons: set[str]) -> DecisionFilter:
    """The filter of a typed line; ScreenerError names a part that is not understood."""
    verdicts: set[Verdict | None] = set()
    tag: tuple[str, str] | None = None
    reason = ""
    words = []
    for part in line.split():
        lowered = part.casefold()
        if lowered in VERDICT_WORDS:
            verdicts.add(VERDICT_WORDS[lowered])
        elif lowered.startswith("tag:"):
            vocabulary, _, term = part[4:].partition("=")
            if vocabulary not in vocabularies:
                known = ", ".join(sorted(vocabularies)) or "none"
                raise ScreenerError(f"no vocabulary {vocabulary!r} (the protocol has {known})")
            tag = (vocabulary, term)
        elif lowered.startswith("reason:"):
            reason = part[7:]
            if reason not in reasons:
                known = ", ".join(sorted(reasons)) or "none"
                raise ScreenerError(f"no reason code {reason!r} (the protocol has {known})")
        else:
            words.append(part)
    return DecisionFilter(frozenset(verdicts), tag, reason, " ".join(words))


def describe(wanted: DecisionFilter) -> str:
    """The filter in a few words, for a status line."""
    parts = [
        "undecided" if v is NOT_DECIDED else str(v)
        for v in sorted(wanted.verdicts, key=lambda v: str(v))
    ]
    if wanted.tag:
        vocabulary, term = wanted.tag
        parts.append(f"tag {vocabulary}" + (f"={term}" if term else ""))
    if wanted.reason:
        parts.append(f"reason {wanted.reason}")
    if wanted.text:
        parts.append(f'"{wanted.text}"')
    return " · ".join(parts)
