"""The unblinded picture of one study: who decided what at each stage once its review is
complete, only the viewer's own decisions while it is blind, and the study's records with
the search each came from."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening.decisions import decide, resolve, set_retrieval
from screener.screening.detail import study_detail
from screener.screening.state import StudyStatus
from screener.screening.tags import TagStatus, resolve_tags

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
DUPLICATE_OF_1 = 19  # in the demo, record 19 is a second export of study 1


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Project]:
    with open_project(Path(shutil.copytree(demo_template, tmp_path / "demo"))) as project:
        yield project


def test_a_study_still_blind_shows_only_the_viewers_own_decision(demo: Project) -> None:
    decide(demo, NewDecision(1, TA, "alice", Verdict.INCLUDE, tags={"tissue": ["bone"]}))
    for viewer, seen in (("alice", ["alice"]), ("bob", []), (None, [])):
        (stage,) = study_detail(demo, 1, viewer).stages
        assert stage.blind and stage.status is StudyStatus.AWAITING
        assert [d.reviewer for d in stage.decisions] == seen
        assert stage.decided == 1 and stage.needed == 2 and stage.tags is None
    assert study_detail(demo, 1, "bob").blind


def test_a_complete_review_shows_every_reviewer_and_the_resolution(demo: Project) -> None:
    decide(demo, NewDecision(1, TA, "alice", Verdict.INCLUDE, (), {"tissue": ["bone"]}, "rat"))
    decide(demo, NewDecision(1, TA, "bob", Verdict.EXCLUDE, ["design"], {}, "a review"))
    (conflict,) = study_detail(demo, 1, "bob").stages
    assert not conflict.blind and conflict.status is StudyStatus.CONFLICT  # for the resolver
    resolve(demo, 1, TA, "carol", Verdict.INCLUDE, note="primary data in table 2")
    detail = study_detail(demo, DUPLICATE_OF_1)  # any record of the study names it
    stage, later = detail.stages
    assert detail.study_id == 1 and stage.status is StudyStatus.INCLUDED and not stage.blind
    assert later.stage is FT and later.status is StudyStatus.UNSCREENED and later.blind
    assert [(d.reviewer, d.verdict, d.reasons, d.note) for d in stage.decisions] == [
        ("alice", Verdict.INCLUDE, (), "rat"),
        ("bob", Verdict.EXCLUDE, ("design",), "a review"),
    ]
    assert stage.resolution is not None and stage.resolution.resolver == "carol"
    assert stage.tags is not None and stage.tags.status is TagStatus.AGREED


def test_both_stages_the_tags_and_the_retrieval(demo: Project) -> None:
    decide(demo, NewDecision(1, TA, "alice", Verdict.INCLUDE, tags={"tissue": ["bone"]}))
    decide(demo, NewDecision(1, TA, "bob", Verdict.MAYBE, tags={"tissue": ["skin/wound"]}))
    resolve_tags(demo, 1, "carol", {"tissue": ["bone"]})
    set_retrieval(demo, 1, RetrievalStatus.RETRIEVED, "alice")
    decide(demo, NewDecision(1, FT, "bob", Verdict.INCLUDE))
    detail = study_detail(demo, 1, "alice")
    first, second = detail.stages
    assert first.tags is not None and first.tags.by_reviewer["bob"] == {"tissue": ("skin/wound",)}
    assert detail.tags is not None and detail.tags.status is TagStatus.RESOLVED
    assert second.stage is FT and second.blind and second.decisions == ()  # bob's is hidden
    assert detail.retrieval is not None and detail.retrieval.status is RetrievalStatus.RETRIEVED


def test_the_records_say_where_they_came_from(demo: Project) -> None:
    detail = study_detail(demo, 1)
    assert [r.record_id for r in detail.records] == [1, DUPLICATE_OF_1]
    assert {r.file_name for r in detail.records} == {"pubmed.nbib", "sciencedirect.ris"}
    assert all(r.database and r.title for r in detail.records)
    assert detail.citation.study_id == 1 and detail.citation.title


def test_unknown_studies_and_viewers_are_refused(demo: Project) -> None:
    with pytest.raises(ScreenerError, match="9999"):
        study_detail(demo, 9999)
    with pytest.raises(ScreenerError, match="not in protocol.toml's reviewers"):
        study_detail(demo, 1, "mallory")
