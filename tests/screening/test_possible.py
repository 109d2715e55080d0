"""The answers of screening.possible against every history they stand for: each other
person's events cut anywhere (none, some or all), the author's kept whole, and the study's
state then decided by screening.state's own rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from screener.models import Decision, Resolution, Retrieval, RetrievalStatus, Stage, Verdict
from screener.screening.possible import (
    Seen,
    could_be_in_conflict,
    could_be_included,
    could_be_retrieved,
)
from screener.screening.state import (
    StudyStatus,
    resolutions_in_force,
    retrievals_in_force,
    stage_state,
    study_decisions,
)

PEOPLE = ("alice", "bob", "carol")
START = datetime(2026, 1, 1, tzinfo=UTC)

decision = st.tuples(
    st.sampled_from(PEOPLE),
    st.sampled_from([Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE, Verdict.UNDO]),
    st.sampled_from([(), ("design",), ("outcome",)]),
)
resolution = st.tuples(
    st.sampled_from(PEOPLE), st.sampled_from([Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.UNDO])
)


def _decisions(drawn: list[tuple[str, Verdict, tuple[str, ...]]], stage: Stage) -> list[Decision]:
    return [
        Decision(
            i,
            1,
            stage,
            who,
            verdict,
            reasons if verdict is Verdict.EXCLUDE else (),
            {},
            "",
            START + timedelta(seconds=i),
            f"{i:032x}",
        )
        for i, (who, verdict, reasons) in enumerate(drawn)
    ]


def _resolutions(drawn: list[tuple[str, Verdict]], stage: Stage) -> list[Resolution]:
    return [
        Resolution(
            i,
            1,
            stage,
            who,
            verdict,
            (),
            "",
            START + timedelta(seconds=i, milliseconds=1),
            f"r{i:031x}",
        )
        for i, (who, verdict) in enumerate(drawn)
    ]


def _histories(events: list, author: str, actor: str) -> list[list]:
    """Every history: the author's events whole, each other person's cut anywhere."""
    others = sorted({getattr(e, actor) for e in events} - {author})
    own = {id(e) for e in events if getattr(e, actor) == author}
    lengths = [range(sum(1 for e in events if getattr(e, actor) == p) + 1) for p in others]
    found = []
    for cut in product(*lengths):
        keep = dict(zip(others, cut, strict=True))
        taken: dict[str, int] = {}
        history = []
        for event in events:
            who = getattr(event, actor)
            if id(event) in own:
                history.append(event)
            elif taken.get(who, 0) < keep[who]:
                taken[who] = taken.get(who, 0) + 1
                history.append(event)
        found.append(history)
    return found


def _statuses(seen: Seen, stage: Stage) -> set[StudyStatus]:
    statuses = set()
    for decided in _histories(list(seen.decisions), seen.author, "reviewer"):
        for resolved in _histories(list(seen.resolutions), seen.author, "resolver"):
            in_force = study_decisions(decided, lambda r: r)
            resolution = resolutions_in_force(resolved, lambda r: r).get((1, stage))
            state = stage_state(1, stage, in_force.values(), resolution, seen.needed)
            statuses.add((state.status, state.resolution is not None))
    return statuses


@settings(max_examples=300, deadline=None)
@given(
    decisions=st.lists(decision, max_size=6),
    resolutions=st.lists(resolution, max_size=3),
    author=st.sampled_from(PEOPLE),
    needed=st.sampled_from([1, 2]),
    stage=st.sampled_from(list(Stage)),
)
def test_the_answers_hold_for_every_history(
    decisions: list, resolutions: list, author: str, needed: int, stage: Stage
) -> None:
    seen = Seen(author, _decisions(decisions, stage), _resolutions(resolutions, stage), needed)
    statuses = _statuses(seen, stage)
    if stage is Stage.TITLE_ABSTRACT:
        assert could_be_included(seen) == any(s is StudyStatus.INCLUDED for s, _ in statuses)
    can_resolve = any(s is StudyStatus.CONFLICT or resolved for s, resolved in statuses)
    assert could_be_in_conflict(seen, stage) == can_resolve


@given(
    marks=st.lists(
        st.tuples(st.sampled_from(PEOPLE), st.sampled_from(list(RetrievalStatus))), max_size=5
    ),
    author=st.sampled_from(PEOPLE),
)
def test_a_report_may_have_been_retrieved_in_some_history(marks: list, author: str) -> None:
    events = [
        Retrieval(i, 1, status, "", "", who, START + timedelta(seconds=i), f"{i:032x}")
        for i, (who, status) in enumerate(marks)
    ]
    possible = {
        retrievals_in_force(history, lambda r: r).get(1)
        for history in _histories(events, author, "reviewer")
    }
    expected = any(r is None or r.status is not RetrievalStatus.NOT_RETRIEVED for r in possible)
    assert could_be_retrieved(events, author) == expected
