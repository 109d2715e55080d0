"""Tag reconciliation on the demo (reviewers alice and bob): disagreeing tags on an included
study are a conflict until a resolver sets the consensus; nothing is merged silently."""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.extraction.studies import included_studies
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening.decisions import (
    decide,
    resolve,
    set_retrieval,
    undo_last,
    vocabulary_terms,
)
from screener.screening.studies import full_text_studies
from screener.screening.tags import (
    TagStatus,
    included_tag_states,
    resolve_tags,
    tag_conflicts,
    tag_states,
)
from screener.store.connection import Database
from screener.store.migrations import MIGRATIONS

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INCLUDE, EXCLUDE, MAYBE = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE
SKIN, BONE = {"tissue": ["skin/wound"]}, {"tissue": ["bone"]}


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Project]:
    with open_project(Path(shutil.copytree(demo_template, tmp_path / "demo"))) as project:
        yield project


def tag(
    project: Project,
    study: int,
    who: str,
    tags: dict[str, list[str]],
    verdict: Verdict = INCLUDE,
    stage: Stage = TA,
    note: str = "",
) -> None:
    reasons = ["design"] if verdict is EXCLUDE else []
    decide(project, NewDecision(study, stage, who, verdict, reasons, tags, note))


def to_full_text(project: Project, study: int) -> None:
    set_retrieval(project, study, RetrievalStatus.RETRIEVED, "alice")


def test_equal_tags_in_any_order_are_agreed(demo: Project) -> None:
    tag(demo, 1, "alice", {"tissue": ["skin/wound", "bone"], "model": ["mouse"]})
    tag(demo, 1, "bob", {"model": ["mouse"], "tissue": ["bone", "skin/wound"]}, MAYBE)
    found = tag_states(demo)[1]
    assert found.status is TagStatus.AGREED and not found.unresolved
    assert found.tags == {"tissue": ("skin/wound", "bone"), "model": ("mouse",)}  # protocol order
    assert tag_conflicts(demo) == []


def test_disagreeing_tags_are_a_conflict_with_both_reviewers_tags(demo: Project) -> None:
    tag(demo, 1, "alice", {**SKIN, "model": ["mouse"]})
    tag(demo, 1, "bob", {**BONE, "model": ["mouse"]})
    (conflict,) = tag_conflicts(demo)
    assert (conflict.study_id, conflict.stage, conflict.status) == (1, TA, TagStatus.CONFLICT)
    assert conflict.by_reviewer == {
        "alice": {"tissue": ("skin/wound",), "model": ("mouse",)},
        "bob": {"tissue": ("bone",), "model": ("mouse",)},
    }
    assert conflict.tags == {"model": ("mouse",)}  # only what both gave: never a union
    assert tag_states(demo)[1].unresolved


def test_a_term_only_one_reviewer_gave_is_a_conflict(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", {})
    assert [c.study_id for c in tag_conflicts(demo)] == [1]
    assert tag_states(demo)[1].tags == {}


def test_tags_stay_blind_until_every_reviewer_needed_has_decided(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    assert tag_states(demo) == {} and tag_conflicts(demo) == []


def test_tags_of_excluded_studies_are_not_compared(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN, EXCLUDE)
    tag(demo, 1, "bob", BONE, EXCLUDE)
    assert tag_states(demo) == {} and tag_conflicts(demo) == []


def test_an_excluding_reviewers_tags_are_no_opinion_on_an_included_study(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", BONE, EXCLUDE)
    assert tag_states(demo) == {}  # a verdict conflict first
    resolve(demo, 1, TA, "carol", INCLUDE)
    found = tag_states(demo)[1]
    assert (found.status, found.tags, list(found.latest.by_reviewer)) == (
        TagStatus.AGREED,
        {"tissue": ("skin/wound",)},
        ["alice"],
    )


def test_a_study_needing_one_reviewer_uses_that_reviewers_tags(demo: Project) -> None:
    text = (demo.path / "protocol.toml").read_text(encoding="utf-8")
    (demo.path / "protocol.toml").write_text(
        text.replace("dual_screening = true", "dual_screening = false"), encoding="utf-8"
    )
    with open_project(demo.path) as single:
        tag(single, 1, "alice", BONE)
        assert tag_states(single)[1].tags == {"tissue": ("bone",)}
        assert tag_states(single)[1].status is TagStatus.AGREED


def test_a_resolution_sets_the_consensus_and_leaves_the_conflicts(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", BONE)
    made = resolve_tags(demo, 1, "carol", {"tissue": [" skin/wound ", "skin/wound"]}, note="why")
    assert (made.record_id, made.stage, made.resolver, made.tags, made.note) == (
        1,
        TA,
        "carol",
        {"tissue": ("skin/wound",)},
        "why",
    )
    found = tag_states(demo)[1]
    assert (found.status, found.tags) == (TagStatus.RESOLVED, {"tissue": ("skin/wound",)})
    assert found.latest.resolution == made and tag_conflicts(demo) == []


def test_a_resolution_stands_until_a_reviewer_changes_their_tags(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", BONE)
    resolve_tags(demo, 1, "carol", SKIN)
    tag(demo, 1, "bob", BONE, note="only a note changed")  # the same tags again
    assert tag_states(demo)[1].status is TagStatus.RESOLVED
    tag(demo, 1, "bob", {"tissue": ["bone", "lung"]})  # a term the resolution never saw
    (again,) = tag_conflicts(demo)
    assert again.resolution is not None and again.by_reviewer["bob"] == {"tissue": ("bone", "lung")}
    resolve_tags(demo, 1, "carol", {"tissue": ["skin/wound", "lung"]})
    assert tag_states(demo)[1].tags == {"tissue": ("skin/wound", "lung")}


def test_full_text_adds_to_the_settled_tags_and_is_compared_when_complete(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", SKIN)
    to_full_text(demo, 1)
    tag(demo, 1, "alice", {"outcome": ["angiogenesis"]}, stage=FT)
    assert tag_states(demo)[1].latest.stage is TA  # bob has not decided at full text: blind
    tag(demo, 1, "bob", SKIN, stage=FT)  # repeating the settled tags changes nothing
    (conflict,) = tag_conflicts(demo)
    assert conflict.stage is FT and conflict.by_reviewer == {
        "alice": {"tissue": ("skin/wound",), "outcome": ("angiogenesis",)},
        "bob": {"tissue": ("skin/wound",)},
    }
    assert tag_conflicts(demo, TA) == [] and tag_conflicts(demo, FT) == [conflict]
    resolve_tags(demo, 1, "carol", {**SKIN, "outcome": ["angiogenesis"]})  # the stage in conflict
    found = tag_states(demo)[1]
    assert found.latest.stage is FT and found.status is TagStatus.RESOLVED


def test_full_text_with_no_new_terms_keeps_the_title_abstract_tags(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", BONE)
    resolve_tags(demo, 1, "carol", SKIN)
    to_full_text(demo, 1)
    tag(demo, 1, "alice", {}, stage=FT)
    tag(demo, 1, "bob", {}, stage=FT)
    found = tag_states(demo)[1]
    assert (found.latest.stage, found.status, found.tags) == (
        TA,
        TagStatus.RESOLVED,
        {"tissue": ("skin/wound",)},
    )


def test_studies_out_of_the_review_are_not_listed(demo: Project) -> None:
    for study in (1, 2):
        tag(demo, study, "alice", SKIN)
        tag(demo, study, "bob", BONE)
    set_retrieval(demo, 1, RetrievalStatus.NOT_RETRIEVED, "alice", reason="paywall")
    to_full_text(demo, 2)
    tag(demo, 2, "alice", {}, EXCLUDE, FT)
    tag(demo, 2, "bob", {}, EXCLUDE, FT)
    assert tag_conflicts(demo) == []


def test_resolving_checks_the_conflict_and_the_tags(demo: Project) -> None:
    with pytest.raises(ScreenerError, match="no tag conflict to resolve .*not compared yet"):
        resolve_tags(demo, 1, "carol", SKIN)
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", SKIN)
    with pytest.raises(ScreenerError, match="study 1 has no tag conflict .*reviewers agree"):
        resolve_tags(demo, 1, "carol", BONE)
    tag(demo, 2, "alice", SKIN)
    tag(demo, 2, "bob", BONE)
    with pytest.raises(ScreenerError, match="no tag conflict to resolve at full_text"):
        resolve_tags(demo, 2, "carol", SKIN, stage=FT)
    with pytest.raises(ScreenerError, match="closed vocabulary 'fraction'"):
        resolve_tags(demo, 2, "carol", {"fraction": ["plasma"]})
    with pytest.raises(ScreenerError, match="unknown vocabulary 'organ'"):
        resolve_tags(demo, 2, "carol", {"organ": ["skin"]})
    with pytest.raises(ScreenerError, match="a resolver name is needed"):
        resolve_tags(demo, 2, " ", SKIN)
    assert demo.store.events.tag_resolutions() == []
    resolve_tags(demo, 2, "carol", {"tissue": ["scalp"]})  # an open vocabulary grows
    assert "scalp" in vocabulary_terms(demo)["tissue"]


def test_tag_resolutions_are_append_only(demo: Project) -> None:
    tag(demo, 1, "alice", SKIN)
    tag(demo, 1, "bob", BONE)
    resolve_tags(demo, 1, "carol", SKIN)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        demo.store.db.execute("UPDATE tag_resolutions SET resolver = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        demo.store.db.execute("DELETE FROM tag_resolutions")


def test_the_migration_can_be_applied_again(tmp_path: Path) -> None:
    """Version 9 comes after 7 and 8 of other branches; a database that took it under another
    number is brought up safely (every statement IF NOT EXISTS)."""
    db = Database(str(tmp_path / "x.db"))
    for migration in MIGRATIONS:
        migration(db)
    MIGRATIONS[-1](db)
    columns = [row[1] for row in db.execute("PRAGMA table_info(tag_resolutions)")]
    assert columns == ["id", "uid", "record_id", "stage", "resolver", "tags", "note", "created_at"]
    db.close()


@pytest.mark.parametrize("seed", range(1, 5))
def test_the_light_read_of_included_studies_agrees_with_the_full_one(
    demo: Project, seed: int
) -> None:
    """What the evidence exports read (included_tag_states) is tag_states of the studies
    included at full text, whatever the history: tags at both stages, changes of mind,
    undos, resolutions, and tags changed after a resolution."""
    rng = random.Random(seed)
    terms = [{}, SKIN, BONE, {"tissue": ["bone", "skin/wound"]}, {"model": ["mouse"]}]

    def act(study: int, who: str, stage: Stage) -> None:
        choices = (INCLUDE, INCLUDE, INCLUDE, MAYBE, EXCLUDE) if stage is TA else (INCLUDE,)
        made = NewDecision(study, stage, who, rng.choice(choices), tags=rng.choice(terms))
        with contextlib.suppress(ScreenerError):  # not at full text: the history goes on
            decide(demo, made, mark_retrieved=True)

    for stage in (TA, FT):
        for study in range(1, 13):
            for who in ("alice", "bob"):
                act(study, who, stage)
        for _ in range(30):  # second thoughts, undos and resolutions, in any order
            study, who = rng.randint(1, 12), rng.choice(("alice", "bob"))
            if rng.random() < 0.1:
                undo_last(demo, who, stage)
            elif rng.random() < 0.3:
                for conflict in tag_conflicts(demo):
                    resolve_tags(demo, conflict.study_id, "carol", rng.choice(terms))
            elif study in full_text_studies(demo) or stage is TA:
                act(study, who, stage)
    included = included_studies(demo)
    assert included, seed  # the history means something
    full = tag_states(demo, included)
    assert included_tag_states(demo, included) == {s: full[s] for s in included if s in full}
