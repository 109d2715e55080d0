"""A scripted screening of the demo project with known PRISMA counts, for the prisma tests."""

from __future__ import annotations

from pathlib import Path

from screener.demo import make_demo
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening.decisions import decide, resolve, set_retrieval

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INC, EXC, MAYBE = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE


def screen_demo(project: Project) -> None:
    """Title/abstract: of the 21 studies, 12 included by both (one as maybe), 4 excluded by
    both, 1 conflict resolved as include, 1 conflict left open, 1 awaiting bob, 2 unscreened.
    Full text of the 13 included: 1 not retrieved, 1 sought and not yet retrieved, 5
    included by both, 3 excluded by both (design, design, outcome), 1 conflict resolved as
    excluded (comparator), 1 awaiting bob, 1 not yet assessed."""
    studies = project.store.links.study_ids()
    assert len(studies) == 21, len(studies)
    for s in studies[:12]:
        decide(project, NewDecision(s, TA, "alice", INC))
        decide(project, NewDecision(s, TA, "bob", MAYBE if s == studies[3] else INC))
    for s in studies[12:16]:
        decide(project, NewDecision(s, TA, "alice", EXC))
        decide(project, NewDecision(s, TA, "bob", EXC))
    for s in studies[16:18]:
        decide(project, NewDecision(s, TA, "alice", INC))
        decide(project, NewDecision(s, TA, "bob", EXC))
    resolve(project, studies[16], TA, "carol", INC, note="meets all criteria")
    decide(project, NewDecision(studies[18], TA, "alice", EXC))
    # An undone decision leaves the study unscreened.
    decide(project, NewDecision(studies[19], TA, "alice", EXC))
    from screener.screening.decisions import undo_last

    undo_last(project, "alice", TA)
    full_text = [*studies[:12], studies[16]]
    set_retrieval(
        project, full_text[0], RetrievalStatus.NOT_RETRIEVED, "alice", reason="no library access"
    )
    set_retrieval(project, full_text[1], RetrievalStatus.SOUGHT, "alice")
    for s in full_text[2:]:
        set_retrieval(project, s, RetrievalStatus.RETRIEVED, "alice")
    for s in full_text[2:7]:
        decide(project, NewDecision(s, FT, "alice", INC))
        decide(project, NewDecision(s, FT, "bob", INC))
    for s, reason in zip(full_text[7:10], ("design", "design", "outcome"), strict=True):
        decide(project, NewDecision(s, FT, "alice", EXC, [reason]))
        decide(project, NewDecision(s, FT, "bob", EXC, [reason]))
    decide(project, NewDecision(full_text[10], FT, "alice", INC))
    decide(project, NewDecision(full_text[10], FT, "bob", EXC, ["comparator"]))
    resolve(project, full_text[10], FT, "carol", EXC, ["comparator"])
    decide(project, NewDecision(full_text[11], FT, "alice", INC))


def screened_demo(path: Path) -> Path:
    """A fresh demo project at ``path`` after :func:`screen_demo`."""
    made, _ = make_demo(path)
    with open_project(made) as project:
        screen_demo(project)
    return made
