"""Whether an event from another copy of a project could have been made there: the state
rules of :mod:`screener.screening.decisions` (a full-text decision needs a study at full text,
a resolution a conflict) applied to every history its author may have seen.

A copy receiving the event cannot know what its author's copy held when the event was made:
it holds the author's own events (each reviewer works in their own copy), and of everyone
else's events any earlier part (what had been synced by then), or events the author never
saw. So an event is accepted when, in some such history before its time, the command that
makes it would have accepted it: its author's own events up to then, and of each other
person's events any first part (none, some or all). Events that no history allows are
refused; events allowed only by events this copy lacks are refused too, and accepted once
the other reviewers' files are imported here. A copy never refuses an event because of
events its author had not seen, so syncing cannot get stuck on concurrent work.

The rules themselves are those of :mod:`screener.screening.state` (``includes``,
``stage_state``); tests check these answers against every history, decided by those rules.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from screener.models import Decision, Resolution, Retrieval, RetrievalStatus, Stage, Verdict
from screener.screening.state import includes


@dataclass(frozen=True, slots=True)
class Seen:
    """One study's events at one stage made before the event being checked, in the order
    they were made, and who made that event."""

    author: str
    decisions: Sequence[Decision]
    resolutions: Sequence[Resolution]
    needed: int


def _outcome(verdict: Verdict, reasons: Sequence[str], stage: Stage) -> Hashable:
    """What a decision says for agreement (:func:`screener.screening.state.disagree`):
    include or exclude, and at full text the reasons of an exclusion."""
    if includes(verdict):
        return "include"
    return ("exclude", tuple(sorted(reasons))) if stage is Stage.FULL_TEXT else "exclude"


def _last_values(events: Iterable[tuple[str, Hashable]], author: str) -> set[Hashable]:
    """The values the latest event of one key (a study's resolution, its retrieval) may have
    had: the author's own latest, or any later one of someone else; None for no event."""
    listed = list(events)
    own = [i for i, (actor, _) in enumerate(listed) if actor == author]
    start = own[-1] + 1 if own else 0
    values = {listed[own[-1]][1]} if own else {None}
    return values | {value for actor, value in listed[start:] if actor != author}


def _choices(seen: Seen, stage: Stage) -> tuple[Hashable, list[set[Hashable]]]:
    """The author's decision in force (None: none) and, per other reviewer, the decisions
    that may have been theirs in force (None among them)."""
    latest: dict[str, Hashable] = {}
    others: dict[str, set[Hashable]] = {}
    for event in seen.decisions:
        value = (
            None if event.verdict is Verdict.UNDO else _outcome(event.verdict, event.reasons, stage)
        )
        if event.reviewer == seen.author:
            latest[event.reviewer] = value
        else:
            others.setdefault(event.reviewer, {None}).add(value)
    return latest.get(seen.author), list(others.values())


def _resolutions(seen: Seen) -> set[Hashable]:
    return _last_values(
        (
            (r.resolver, None if r.verdict is Verdict.UNDO else includes(r.verdict))
            for r in seen.resolutions
        ),
        seen.author,
    )


def could_be_included(seen: Seen) -> bool:
    """Whether the study may have been included at the stage of ``seen`` (title/abstract:
    what full text needs)."""
    resolved = _resolutions(seen)
    if True in resolved:
        return True
    if None not in resolved:
        return False
    own, others = _choices(seen, Stage.TITLE_ABSTRACT)
    if own is not None and own != "include":
        return False
    agreeing = (own == "include") + sum(1 for values in others if "include" in values)
    return agreeing >= max(seen.needed, 1)


def could_be_in_conflict(seen: Seen, stage: Stage) -> bool:
    """Whether the study may have had a conflict to resolve at ``stage``, or a resolution in
    force already (which may be resolved again)."""
    resolved = _resolutions(seen)
    if resolved - {None}:
        return True
    own, others = _choices(seen, stage)
    decided = [values - {None} for values in others if values - {None}]
    if (own is not None) + len(decided) < max(seen.needed, 2):
        return False
    if own is not None:
        return any(values - {own} for values in decided)
    return len(set().union(*decided)) > 1


def could_be_retrieved(retrievals: Sequence[Retrieval], author: str) -> bool:
    """Whether the study's report may not have been marked as not retrieved then."""
    marks = _last_values(((r.reviewer, r.status) for r in retrievals), author)
    return bool(marks - {RetrievalStatus.NOT_RETRIEVED})
