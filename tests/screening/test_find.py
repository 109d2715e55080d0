"""Find and revisit: the queue and the history filtered by the reviewer's own verdict, tag,
reason and text; search results with each study's status for the viewer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from screener.demo import make_demo
from screener.lookup import find_studies, update_search_index
from screener.models import Decision, NewDecision, Stage, Verdict
from screener.project import Project, open_project
from screener.screening.decisions import decide
from screener.screening.find import (
    NOT_DECIDED,
    DecisionFilter,
    StageView,
    filter_history,
    filter_queue,
    viewer_statuses,
)
from screener.screening.queue import screening_queue
from screener.screening.state import StudyStatus

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INCLUDE, EXCLUDE, MAYBE = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE
DUPLICATE_OF_1 = 19


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Project]:
    """alice: 1 maybe (tissue bone), 2 exclude (design), 3 include (tissue skin/wound),
    4 maybe; bob: 1 include, 5 exclude."""
    with open_project(Path(shutil.copytree(demo_template, tmp_path / "demo"))) as project:
        for study, who, verdict, reasons, tags in (
            (1, "alice", MAYBE, (), {"tissue": ["bone"]}),
            (2, "alice", EXCLUDE, ("design",), {}),
            (3, "alice", INCLUDE, (), {"tissue": ["skin/wound"]}),
            (4, "alice", MAYBE, (), {}),
            (1, "bob", INCLUDE, (), {"tissue": ["lung"]}),
            (5, "bob", EXCLUDE, ("oncology",), {}),
        ):
            decide(project, NewDecision(study, TA, who, verdict, reasons, tags))
        yield project


def studies(found: Sequence[Decision]) -> list[int]:
    return sorted(d.record_id for d in found)


def test_history_by_my_verdict_tag_reason_and_text(demo: Project) -> None:
    def mine(**wanted: object) -> list[int]:
        return studies(filter_history(demo, "alice", DecisionFilter(**wanted)))  # type: ignore[arg-type]

    assert mine() == [1, 2, 3, 4]
    assert mine(verdicts=frozenset({MAYBE})) == [1, 4]  # all my maybes
    assert mine(tag=("tissue", "")) == [1, 3]
    assert mine(tag=("tissue", "BONE")) == [1]  # case does not matter
    assert mine(tag=("tissue", "lung")) == []  # bob's tag, not mine
    assert mine(reason="design") == [2] and mine(reason="oncology") == []
    title = demo.store.records.get(3).record.title  # type: ignore[union-attr]
    assert mine(text=" ".join(title.split()[:3])) == [3]
    assert mine(verdicts=frozenset({MAYBE}), tag=("tissue", "")) == [1]  # every part must match
    assert mine(verdicts=frozenset({NOT_DECIDED})) == []


def test_text_matches_any_record_of_the_study(demo: Project) -> None:
    duplicate = demo.store.records.get(DUPLICATE_OF_1)
    assert duplicate is not None
    words = " ".join(duplicate.record.title.split()[:4])
    found = filter_history(demo, "alice", DecisionFilter(text=words))
    assert 1 in studies(found)


def test_the_queue_filtered_keeps_queue_order(demo: Project) -> None:
    queue = screening_queue(demo, "alice", TA, order="import")
    undecided = filter_queue(demo, "alice", TA, queue, DecisionFilter(frozenset({NOT_DECIDED})))
    assert undecided == [s for s in queue if s not in (1, 2, 3, 4)]
    assert filter_queue(demo, "alice", TA, queue, DecisionFilter(frozenset({MAYBE}))) == [1, 4]
    both = DecisionFilter(frozenset({MAYBE, NOT_DECIDED}))
    assert filter_queue(demo, "alice", TA, queue, both)[:2] == undecided[:2]


def test_search_results_carry_the_status_for_the_viewer(demo: Project) -> None:
    record = demo.store.records.get(1)
    assert record is not None
    update_search_index(demo)
    found = find_studies(demo, " ".join(record.record.title.split()[:4]))
    status = viewer_statuses(demo, "alice", found)[1]
    first, then = status.stages  # included at title/abstract: on to full text
    assert (first.stage, first.mine, first.outcome) == (TA, MAYBE, StudyStatus.INCLUDED)
    assert (then.stage, then.mine, then.outcome) == (FT, None, None) and status.latest == then
    statuses = viewer_statuses(demo, "alice", [2, 5, 6])
    assert statuses[2].stages == (StageView(TA, EXCLUDE, None),)  # bob has not decided
    assert statuses[5].stages == (StageView(TA, None, None),)  # bob's alone: blind to alice
    assert statuses[6].stages == (StageView(TA, None, None),)
