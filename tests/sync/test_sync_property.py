"""The sync format's promise, as a property: whatever the reviewers do in their own copies
and whatever order the files travel in, importing an export a second time adds nothing, a
refused import changes nothing, and once every file has reached every copy the copies agree
on every decision, resolution and retrieval in force."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening import decisions as review
from screener.screening.studies import review_state
from screener.sync.service import export_events, import_events, import_files, write_jsonl

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
OWNERS = ("alice", "bob", "carol")  # one copy each; carol only resolves conflicts
STUDIES = (1, 2, 3, 4)
EXAMPLES = 500
# Each example writes three small projects: in memory where the system offers it (fsync there
# costs nothing), so that 500 examples take seconds, not minutes.
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None

decision = st.tuples(
    st.just("decide"),
    st.sampled_from(STUDIES),
    st.sampled_from([Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE]),
    st.sampled_from([TA, TA, FT]),
)
action = st.one_of(
    st.tuples(st.just("act"), st.sampled_from(OWNERS[:2]), decision),
    st.tuples(st.just("act"), st.sampled_from(OWNERS[:2]), st.tuples(st.just("undo"))),
    st.tuples(
        st.just("act"),
        st.sampled_from(OWNERS[:2]),
        st.tuples(
            st.just("retrieval"), st.sampled_from(STUDIES), st.sampled_from(list(RetrievalStatus))
        ),
    ),
    st.tuples(
        st.just("act"),
        st.just("carol"),
        st.tuples(
            st.just("resolve"),
            st.sampled_from(STUDIES),
            st.sampled_from([Verdict.INCLUDE, Verdict.EXCLUDE]),
            st.sampled_from([TA, FT]),
        ),
    ),
    st.tuples(st.just("sync"), st.sampled_from(OWNERS), st.sampled_from(OWNERS)),
)


@pytest.fixture(scope="module")
def demo() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        yield make_demo(Path(folder) / "demo")[0]


def act(project: Project, owner: str, step: tuple[Any, ...]) -> None:
    """One command in the owner's copy; one the command refuses is simply not made."""
    try:
        match step:
            case ("decide", study, verdict, stage):
                if stage is FT and verdict is Verdict.MAYBE:
                    verdict = Verdict.INCLUDE
                reasons = ("design",) if verdict is Verdict.EXCLUDE and stage is FT else ()
                review.decide(project, NewDecision(study, stage, owner, verdict, reasons))
            case ("undo",):
                review.undo_last(project, owner, TA)
            case ("retrieval", study, status):
                reason = "no reply" if status is RetrievalStatus.NOT_RETRIEVED else ""
                review.set_retrieval(project, study, status, owner, reason=reason)
            case ("resolve", study, verdict, stage):
                reasons = ("design",) if verdict is Verdict.EXCLUDE else ()
                review.resolve(project, study, stage, owner, verdict, reasons)
    except ScreenerError:
        pass


def sync(source: Project, owner: str, target: Project, file: Path) -> int:
    """Export the owner's events and import them twice: the second time adds nothing, and
    a refused import (another reviewer's file needed first) changes nothing."""
    try:
        write_jsonl(file, export_events(source, owner))
    except ScreenerError:  # nothing of carol's yet (she is not a screening reviewer)
        return 0
    before = events(target)
    try:
        added = import_events(target, file).total_added
    except ScreenerError:
        assert events(target) == before
        return 0
    after = events(target)
    assert import_events(target, file).total_added == 0
    assert events(target) == after
    return added


def events(project: Project) -> list[list[dict[str, Any]]]:
    """Every event row of the copy (what an import may change)."""
    tables = ("decisions", "resolutions", "retrievals", "vocabulary_terms", "extractions")
    return [project.store.events.rows(table) for table in tables]


def in_force(project: Project) -> tuple[Any, ...]:
    state = review_state(project)
    return (
        {k: (d.verdict, d.reasons) for k, d in state.decisions.items()},
        {k: (r.verdict, r.reasons, r.resolver) for k, r in state.resolutions.items()},
        {k: r.status for k, r in state.retrievals.items()},
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=st.lists(action, max_size=12),
    final_order=st.permutations([(s, t) for s in OWNERS for t in OWNERS if s != t]),
)
def test_copies_agree_whatever_order_files_travel_in(
    demo: Path, actions: list[tuple[Any, ...]], final_order: list[tuple[str, str]]
) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder, ExitStack() as stack:
        root = Path(folder)
        copies: dict[str, Project] = {}
        for owner in OWNERS:
            shutil.copytree(demo, root / owner)
            copies[owner] = stack.enter_context(open_project(root / owner))
        file = root / "events.jsonl"
        for item in actions:
            if item[0] == "act":
                act(copies[item[1]], item[1], item[2])
            elif item[1] != item[2]:
                sync(copies[item[1]], item[1], copies[item[2]], file)
        for _ in range(len(OWNERS) + 1):  # every file to every copy, until nothing is new
            if not sum(sync(copies[s], s, copies[t], file) for s, t in final_order):
                break
        # files that need each other (full-text decisions on studies both included) go in
        # together: then every copy holds every event
        for target in OWNERS:
            together = []
            for source in OWNERS:
                path = root / f"{source}.jsonl"
                if source != target and copies[source].store.events.rows(
                    "decisions", reviewer=source
                ) + copies[source].store.events.rows("resolutions", reviewer=source):
                    write_jsonl(path, export_events(copies[source], source))
                    together.append(path)
            if together:
                import_files(copies[target], together)
        states = [in_force(project) for project in copies.values()]
        assert states[0] == states[1] == states[2]
