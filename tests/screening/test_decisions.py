"""Screening a project (the demo: 30 records, 21 studies, reviewers alice and bob): decisions
checked against the protocol, undo, the blind queue, single and sample screening, conflicts
and resolutions, full-text retrieval, agreement and history."""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import screener.store.connection
from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.models import Decision, NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening.agreement import agreement_report
from screener.screening.decisions import (
    check_reviewer,
    parse_stage,
    pdf_file,
    resolve,
    set_retrieval,
    undo_last,
    vocabulary_terms,
)
from screener.screening.decisions import decide as decide_checked
from screener.screening.queue import screening_queue
from screener.screening.state import StudyStatus
from screener.screening.studies import (
    conflicts,
    full_text_studies,
    history,
    my_decisions,
    needed_reviews,
    review_state,
    study_state,
)

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT

INCLUDE, EXCLUDE, MAYBE, UNDO = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE, Verdict.UNDO
DUPLICATE_OF_1 = 19  # in the demo, record 19 is a second export of study 1
NOT_A_STUDY = 16  # a duplicate record (of study 11): never a study id


def decide(project: Project, decision: NewDecision) -> Decision:
    """A decision, its report marked retrieved at full text: the tests here are about other
    rules (test_full_text_retrieval.py tests that one)."""
    return decide_checked(project, decision, mark_retrieved=True)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, imported and deduplicated once; each test works on a copy."""
    path, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Project]:
    with open_project(demo_path) as project:
        yield project


def edit_protocol(path: Path, old: str, new: str) -> None:
    protocol = path / "protocol.toml"
    text = protocol.read_text(encoding="utf-8")
    assert old in text
    protocol.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_screening_section(path: Path, settings: str) -> None:
    protocol = path / "protocol.toml"
    text = protocol.read_text(encoding="utf-8")
    assert "[screening]" not in text
    protocol.write_text(f"{text}\n[screening]\n{settings}\n", encoding="utf-8")


def with_carol(path: Path) -> None:
    edit_protocol(path, 'reviewers = ["alice", "bob"]', 'reviewers = ["alice", "bob", "carol"]')


def both(project: Project, record: int, a: Verdict, b: Verdict, stage: Stage = TA) -> None:
    """alice decides ``a`` and bob ``b`` (full-text exclusions get the reason 'design')."""
    for name, verdict in (("alice", a), ("bob", b)):
        why = ("design",) if stage is FT and verdict is EXCLUDE else ()
        decide(project, NewDecision(record, stage, name, verdict, why))


def status(project: Project, study: int, stage: Stage = TA) -> StudyStatus:
    state = study_state(project, study, stage)
    assert state is not None
    return state.status


def test_demo_is_as_the_tests_expect(demo: Project) -> None:
    ids = demo.store.links.study_ids()
    assert len(ids) == 21 and ids[:15] == list(range(1, 16))
    assert demo.store.links.study_of(DUPLICATE_OF_1) == 1 and NOT_A_STUDY not in ids
    assert demo.protocol.reviewers == ("alice", "bob") and demo.protocol.dual_screening


# -- deciding -------------------------------------------------------------------------------


def test_a_decision_is_stored_on_the_study(demo: Project) -> None:
    made = decide(
        demo, NewDecision(2, TA, "alice", EXCLUDE, ["design"], {"tissue": ["bone"]}, "a review")
    )
    assert (made.record_id, made.stage, made.reviewer, made.verdict) == (2, TA, "alice", EXCLUDE)
    assert (made.reasons, made.tags, made.note) == (("design",), {"tissue": ("bone",)}, "a review")
    assert made.uid and demo.store.events.decisions() == [made]


def test_a_duplicate_record_id_stands_for_its_study(demo: Project) -> None:
    made = decide(demo, NewDecision(DUPLICATE_OF_1, TA, "alice", INCLUDE))
    assert made.record_id == 1
    assert set(my_decisions(demo, "alice", TA)) == {1}
    decide(demo, NewDecision(1, TA, "bob", INCLUDE))
    assert status(demo, 1) is StudyStatus.INCLUDED
    state = review_state(demo)
    assert DUPLICATE_OF_1 not in state.states[TA]
    assert state.states[TA][1].status is StudyStatus.INCLUDED


def test_reviewer_names_are_checked_and_trimmed(demo: Project) -> None:
    assert check_reviewer(demo, "  alice ") == "alice"
    assert decide(demo, NewDecision(1, TA, " bob", INCLUDE)).reviewer == "bob"


def test_a_protocol_without_reviewers_accepts_any_name(demo_path: Path) -> None:
    edit_protocol(demo_path, 'reviewers = ["alice", "bob"]', "reviewers = []")
    with open_project(demo_path) as project:
        assert decide(project, NewDecision(1, TA, "zoe", INCLUDE)).reviewer == "zoe"


def test_stage_names() -> None:
    assert parse_stage("ta") is TA and parse_stage(" Full-Text ") is FT
    assert parse_stage("title_abstract") is TA and parse_stage("FT") is FT
    with pytest.raises(ScreenerError, match="unknown stage 'abstract'"):
        parse_stage("abstract")


def _included_at_ta(project: Project, record: int) -> None:
    both(project, record, INCLUDE, INCLUDE)


# (arguments to decide after the project, the message expected); study 1 is included at
# title/abstract by both reviewers before each case runs.
REFUSED: list[tuple[str, tuple[object, ...], dict[str, object], str]] = [
    (
        "no reviewer",
        (1, TA, "  ", INCLUDE),
        {},
        "a reviewer name is needed: --reviewer NAME or SCREENER_REVIEWER",
    ),
    (
        "unlisted reviewer",
        (1, TA, "mallory", INCLUDE),
        {},
        "reviewer 'mallory' is not in protocol.toml's reviewers (alice, bob); add the name there "
        "first",
    ),
    (
        "maybe at full text",
        (1, FT, "alice", MAYBE),
        {},
        "a full_text decision is one of include, exclude, not maybe",
    ),
    (
        "undo is not a decision",
        (1, TA, "alice", UNDO),
        {},
        "a title_abstract decision is one of include, exclude, maybe, not undo",
    ),
    (
        "reason with include",
        (1, TA, "alice", INCLUDE, ["design"]),
        {},
        "exclusion reasons go with an exclude decision only",
    ),
    (
        "reason with maybe",
        (1, TA, "alice", MAYBE, ["design"]),
        {},
        "exclusion reasons go with an exclude decision only",
    ),
    (
        "unknown reason",
        (1, TA, "alice", EXCLUDE, ["boring"]),
        {},
        "unknown title_abstract exclusion reason 'boring' (known: design, no_secretome, not_msc, "
        "not_regeneration, oncology)",
    ),
    (
        "a title/abstract reason at full text",
        (1, FT, "alice", EXCLUDE, ["oncology"]),
        {},
        "unknown full_text exclusion reason 'oncology' (known: design, intervention, "
        "cell_source, population, outcome, comparator, duplicate, no_full_text)",
    ),
    (
        "full-text exclusion without reason",
        (1, FT, "alice", EXCLUDE),
        {},
        "an exclusion at full_text needs a reason (design, intervention, cell_source, "
        "population, outcome, comparator, duplicate, no_full_text)",
    ),
    (
        "two full-text reasons",
        (1, FT, "alice", EXCLUDE, ["design", "outcome"]),
        {},
        "a full-text exclusion has one reason (PRISMA counts one per report)",
    ),
    ("no such record", (999, TA, "alice", INCLUDE), {}, "no record 999 in this project"),
    (
        "not at full text",
        (2, FT, "alice", INCLUDE),
        {},
        "study 2 is not at the full-text stage (it must be included at title/abstract and its "
        "report not marked as not retrieved)",
    ),
    (
        "unknown vocabulary",
        (1, TA, "alice", INCLUDE),
        {"tags": {"colour": ["red"]}},
        "unknown vocabulary 'colour' (known: cell_source, delivery, direction, fraction, model, "
        "outcome, preconditioning, tissue)",
    ),
    (
        "empty term",
        (1, TA, "alice", INCLUDE),
        {"tags": {"tissue": ["bone", "  "]}},
        "an empty term for vocabulary 'tissue'",
    ),
    (
        "closed vocabulary",
        (1, TA, "alice", INCLUDE),
        {"tags": {"fraction": ["plasma"]}},
        "'plasma' is not a term of the closed vocabulary 'fraction' (conditioned medium, "
        "extracellular vesicles, exosomes, secretome (unspecified))",
    ),
    (
        "closed vocabulary after an open one's new term",
        (1, TA, "alice", INCLUDE),
        {"tags": {"tissue": ["kidney"], "fraction": ["Exosomes"]}},
        "'Exosomes' is not a term of the closed vocabulary 'fraction'",
    ),
]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_decide_refuses_bad_input_and_changes_nothing(
    demo: Project, args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    _included_at_ta(demo, 1)
    before = demo.store.dump()
    with pytest.raises(ScreenerError) as raised:
        decide(demo, NewDecision(*args, **kwargs))  # type: ignore[arg-type]
    assert str(raised.value).startswith(message), str(raised.value)
    assert demo.store.dump() == before  # not even the open vocabulary's new term


def test_full_text_allows_include_and_an_exclusion_with_one_reason(demo: Project) -> None:
    _included_at_ta(demo, 1)
    assert decide(demo, NewDecision(1, FT, "alice", INCLUDE)).stage is FT
    assert decide(demo, NewDecision(1, FT, "bob", EXCLUDE, ["outcome"])).reasons == ("outcome",)


def test_title_abstract_reasons_are_optional_and_may_be_several(demo: Project) -> None:
    assert decide(demo, NewDecision(1, TA, "alice", EXCLUDE)).reasons == ()
    made = decide(demo, NewDecision(2, TA, "alice", EXCLUDE, ["design", "oncology"]))
    assert made.reasons == ("design", "oncology")


def test_closed_vocabulary_terms_and_open_vocabulary_additions(demo: Project) -> None:
    made = decide(
        demo,
        NewDecision(
            1,
            TA,
            "alice",
            INCLUDE,
            tags={"fraction": ["exosomes"], "tissue": [" kidney ", "bone", "kidney"]},
        ),
    )
    assert made.tags == {"fraction": ("exosomes",), "tissue": ("kidney", "bone")}
    (added,) = demo.store.events.vocabulary_terms()
    assert (added.vocabulary, added.term, added.reviewer) == ("tissue", "kidney", "alice")
    assert vocabulary_terms(demo)["tissue"][-2:] == ("liver", "kidney")
    # once added, the term is known: bob uses it without adding it again
    decide(
        demo,
        NewDecision(1, TA, "bob", INCLUDE, tags={"tissue": ["kidney"], "model": ["zebrafish"]}),
    )
    assert [(t.vocabulary, t.term, t.reviewer) for t in demo.store.events.vocabulary_terms()] == [
        ("tissue", "kidney", "alice"),
        ("model", "zebrafish", "bob"),
    ]


# -- undo -----------------------------------------------------------------------------------


def test_undo_last_withdraws_the_latest_decisions_one_at_a_time(demo: Project) -> None:
    assert undo_last(demo, "alice", TA) is None  # nothing to undo yet
    first = decide(demo, NewDecision(3, TA, "alice", INCLUDE))
    second = decide(demo, NewDecision(2, TA, "alice", EXCLUDE))
    bobs = decide(demo, NewDecision(2, TA, "bob", INCLUDE))
    undone = undo_last(demo, "alice", TA)
    assert undone == second
    assert set(my_decisions(demo, "alice", TA)) == {3}
    assert undo_last(demo, "alice", TA) == first
    assert my_decisions(demo, "alice", TA) == {}
    assert undo_last(demo, "alice", TA) is None
    assert my_decisions(demo, "bob", TA) == {2: bobs}  # bob's decision stands
    # undo is an event: nothing is removed from the log
    verdicts = [(d.reviewer, d.verdict) for d in demo.store.events.decisions()]
    assert verdicts == [
        ("alice", INCLUDE),
        ("alice", EXCLUDE),
        ("bob", INCLUDE),
        ("alice", UNDO),
        ("alice", UNDO),
    ]
    assert status(demo, 2) is StudyStatus.AWAITING


def test_undo_after_a_changed_decision_leaves_the_study_undecided(demo: Project) -> None:
    decide(demo, NewDecision(1, TA, "alice", INCLUDE))
    changed = decide(demo, NewDecision(1, TA, "alice", EXCLUDE))
    assert undo_last(demo, "alice", TA) == changed
    assert my_decisions(demo, "alice", TA) == {}
    assert undo_last(demo, "alice", TA) is None


def test_undo_is_per_stage_and_checks_the_reviewer(demo: Project) -> None:
    _included_at_ta(demo, 1)
    decide(demo, NewDecision(1, FT, "alice", INCLUDE))
    decide(demo, NewDecision(4, TA, "alice", INCLUDE))
    undone = undo_last(demo, "alice", FT)
    assert undone is not None and undone.stage is FT and undone.record_id == 1
    assert set(my_decisions(demo, "alice", TA)) == {1, 4}
    with pytest.raises(ScreenerError, match="not in protocol.toml's reviewers"):
        undo_last(demo, "mallory", TA)


# -- the blind queue ------------------------------------------------------------------------

ORDERS = ['order = "import"', 'order = "random"\nseed = 11']


@pytest.mark.parametrize("order", ORDERS)
def test_queue_order_comes_from_the_protocol(demo_path: Path, order: str) -> None:
    add_screening_section(demo_path, order)
    with open_project(demo_path) as project:
        ids = project.store.links.study_ids()
        found = screening_queue(project, "alice", TA)
        assert sorted(found) == ids
        assert (found == ids) is ("import" in order)
        assert screening_queue(project, "alice", TA, order="import") == ids
        assert screening_queue(project, "alice", TA, order="random", seed=11) == (
            screening_queue(project, "bob", TA, order="random", seed=11)
        )
        ranked = screening_queue(project, "alice", TA, order="ranked", scores={30: 2.0, 5: 1.0})
        assert ranked[:2] == [30, 5]


@pytest.mark.parametrize("order", ORDERS)
def test_a_reviewers_queue_does_not_change_when_the_other_reviewer_decides(
    demo_path: Path, order: str
) -> None:
    add_screening_section(demo_path, order)
    with open_project(demo_path) as project:
        before = screening_queue(project, "alice", TA)
        for study in before[:5]:
            decide(project, NewDecision(study, TA, "bob", EXCLUDE))
        decide(project, NewDecision(before[7], TA, "bob", INCLUDE))
        undo_last(project, "bob", TA)
        assert screening_queue(project, "alice", TA) == before
        # alice's own decision moves the study behind the ones she still has to decide
        decide(project, NewDecision(before[0], TA, "alice", INCLUDE))
        assert screening_queue(project, "alice", TA) == [*before[1:], before[0]]


@pytest.mark.parametrize("order", ORDERS)
def test_a_study_leaves_a_third_reviewers_queue_once_two_have_decided(
    demo_path: Path, order: str
) -> None:
    with_carol(demo_path)
    add_screening_section(demo_path, order)
    with open_project(demo_path) as project:
        before = screening_queue(project, "carol", TA)
        first, second, carols = before[0], before[3], before[5]
        decide(project, NewDecision(carols, TA, "carol", INCLUDE))
        carol_now = screening_queue(project, "carol", TA)
        decide(project, NewDecision(first, TA, "alice", INCLUDE))
        assert screening_queue(project, "carol", TA) == carol_now  # one reviewer is not enough
        decide(project, NewDecision(first, TA, "bob", EXCLUDE))
        both(project, second, INCLUDE, INCLUDE)
        both(project, carols, INCLUDE, INCLUDE)  # carol decided it: it stays in her queue
        after = screening_queue(project, "carol", TA)
        assert after == [s for s in carol_now if s not in (first, second)]
        assert after[-1] == carols
        # the two who decided still see their studies, behind the undecided ones
        assert screening_queue(project, "alice", TA)[-3:] == sorted(
            (first, second, carols), key=before.index
        )
        # undoing one of the two decisions brings the study back
        undo_last(project, "bob", TA)  # bob's latest: carols
        assert carols in screening_queue(project, "carol", TA)


def test_a_resolved_study_leaves_the_queue_of_those_who_did_not_decide_it(
    demo_path: Path,
) -> None:
    with_carol(demo_path)
    with open_project(demo_path) as project:
        both(project, 4, INCLUDE, EXCLUDE)
        resolve(project, 4, TA, "carol", INCLUDE)
        undo_last(project, "bob", TA)  # bob withdraws his exclusion after the resolution
        assert 4 not in screening_queue(project, "bob", TA)
        assert 4 not in screening_queue(project, "carol", TA)
        assert screening_queue(project, "alice", TA)[-1] == 4  # alice decided it
        assert status(project, 4) is StudyStatus.INCLUDED


def test_full_text_queue_holds_only_studies_at_full_text(demo: Project) -> None:
    assert screening_queue(demo, "alice", FT) == []
    _included_at_ta(demo, 7)
    _included_at_ta(demo, 3)
    both(demo, 5, INCLUDE, EXCLUDE)
    assert screening_queue(demo, "alice", FT) == [3, 7]
    assert full_text_studies(demo) == [3, 7]
    decide(demo, NewDecision(3, FT, "alice", EXCLUDE, ["design"]))
    assert screening_queue(demo, "alice", FT) == [7, 3]
    assert screening_queue(demo, "bob", FT) == [3, 7]
    with pytest.raises(ScreenerError, match="not in protocol.toml's reviewers"):
        screening_queue(demo, "mallory", TA)


# -- single screening and a sample screened twice -------------------------------------------


def test_single_screening_one_reviewer_decides(demo_path: Path) -> None:
    edit_protocol(demo_path, "dual_screening = true", "dual_screening = false")
    with open_project(demo_path) as project:
        ids = project.store.links.study_ids()
        assert set(needed_reviews(project, ids).values()) == {1}
        before = screening_queue(project, "alice", TA)
        decide(project, NewDecision(2, TA, "bob", EXCLUDE))
        decide(project, NewDecision(3, TA, "bob", MAYBE))
        assert screening_queue(project, "alice", TA) == [s for s in before if s not in (2, 3)]
        assert status(project, 2) is StudyStatus.EXCLUDED
        assert status(project, 3) is StudyStatus.INCLUDED
        assert full_text_studies(project) == [3]
        # a second reviewer may still screen a study, and then the two can disagree
        decide(project, NewDecision(1, TA, "alice", INCLUDE))
        decide(project, NewDecision(1, TA, "bob", EXCLUDE))
        assert [s.study_id for s in conflicts(project)] == [1]


def test_a_sample_of_studies_is_screened_twice(demo_path: Path) -> None:
    add_screening_section(demo_path, "second_review_percent = 40")
    with open_project(demo_path) as project:
        ids = project.store.links.study_ids()
        needed = needed_reviews(project, ids)
        assert set(needed.values()) == {1, 2}
        assert review_state(project).states[TA][ids[0]].needed == needed[ids[0]]
        twice = [s for s in ids if needed[s] == 2]
        once = [s for s in ids if needed[s] == 1]
        before = screening_queue(project, "alice", TA)
        decide(project, NewDecision(once[0], TA, "bob", INCLUDE))
        decide(project, NewDecision(twice[0], TA, "bob", INCLUDE))
        # the study that needs one reviewer is done; the other still waits for alice
        assert screening_queue(project, "alice", TA) == [s for s in before if s != once[0]]
        assert status(project, once[0]) is StudyStatus.INCLUDED
        assert status(project, twice[0]) is StudyStatus.AWAITING
    # the sample follows from the records' stable keys: a copy imported afresh elsewhere
    # picks the same studies
    fresh, _ = make_demo(demo_path.parent / "elsewhere")
    add_screening_section(fresh, "second_review_percent = 40")
    with open_project(fresh) as project:
        assert project.store.links.study_ids() == ids
        assert needed_reviews(project, ids) == needed


def test_sample_of_zero_percent_is_single_screening(demo_path: Path) -> None:
    add_screening_section(demo_path, "second_review_percent = 0")
    with open_project(demo_path) as project:
        assert set(needed_reviews(project, project.store.links.study_ids()).values()) == {1}


# -- conflicts and resolutions --------------------------------------------------------------


def test_conflicts_at_both_stages_resolved_and_re_resolved(demo: Project) -> None:
    both(demo, 1, INCLUDE, EXCLUDE)
    both(demo, 2, MAYBE, EXCLUDE)
    both(demo, 3, INCLUDE, MAYBE)  # agreement: maybe counts as include
    both(demo, 4, EXCLUDE, EXCLUDE)
    decide(demo, NewDecision(5, TA, "alice", INCLUDE))  # awaiting bob
    found = conflicts(demo)
    assert [(s.study_id, s.stage) for s in found] == [(1, TA), (2, TA)]
    assert [(d.reviewer, d.verdict) for d in found[0].decisions] == [
        ("alice", INCLUDE),
        ("bob", EXCLUDE),
    ]
    assert conflicts(demo, FT) == []

    made = resolve(demo, 1, TA, "carol", INCLUDE, note="secretome arm in the abstract")
    assert (made.record_id, made.resolver, made.verdict) == (1, "carol", INCLUDE)
    assert [s.study_id for s in conflicts(demo, TA)] == [2]
    assert status(demo, 1) is StudyStatus.INCLUDED
    # re-resolving replaces the earlier resolution
    resolve(demo, 1, TA, "alice", EXCLUDE, ["not_msc"])
    state = study_state(demo, 1, TA)
    assert state is not None
    assert (state.status, state.reasons) == (StudyStatus.EXCLUDED, ("not_msc",))
    assert full_text_studies(demo) == [3]
    resolve(demo, DUPLICATE_OF_1, TA, "alice", INCLUDE)  # the duplicate's id stands for it
    assert full_text_studies(demo) == [1, 3]

    # at full text: exclusions for different reasons are a conflict, the same reason is not
    decide(demo, NewDecision(1, FT, "alice", EXCLUDE, ["design"]))
    decide(demo, NewDecision(1, FT, "bob", EXCLUDE, ["outcome"]))
    decide(demo, NewDecision(3, FT, "alice", EXCLUDE, ["outcome"]))
    decide(demo, NewDecision(3, FT, "bob", EXCLUDE, ["outcome"]))
    assert [(s.study_id, s.stage) for s in conflicts(demo)] == [(2, TA), (1, FT)]
    assert [s.study_id for s in conflicts(demo, FT)] == [1]
    assert status(demo, 3, FT) is StudyStatus.EXCLUDED
    with pytest.raises(ScreenerError, match="an exclusion at full_text needs a reason"):
        resolve(demo, 1, FT, "carol", EXCLUDE)
    resolve(demo, 1, FT, "carol", EXCLUDE, ["outcome"])
    state = study_state(demo, 1, FT)
    assert state is not None
    assert (state.status, state.reasons) == (StudyStatus.EXCLUDED, ("outcome",))
    assert [(s.study_id, s.stage) for s in conflicts(demo)] == [(2, TA)]


@pytest.mark.parametrize(
    ("record", "stage", "verdict", "resolver", "message"),
    [
        (
            2,
            TA,
            INCLUDE,
            "carol",
            "study 2 has no conflict to resolve at title_abstract (awaiting)",
        ),
        (
            3,
            TA,
            INCLUDE,
            "carol",
            "study 3 has no conflict to resolve at title_abstract (included)",
        ),
        (
            6,
            TA,
            EXCLUDE,
            "carol",
            "study 6 has no conflict to resolve at title_abstract (unscreened)",
        ),
        (
            2,
            FT,
            INCLUDE,
            "carol",
            "study 2 has no conflict to resolve at full_text (not at this stage)",
        ),
        (1, TA, MAYBE, "carol", "a resolution is include or exclude, not maybe"),
        (1, TA, INCLUDE, " ", "a resolver name is needed: --resolver NAME"),
        (1, TA, INCLUDE, "carol", None),  # the one that works
        (999, TA, INCLUDE, "carol", "no record 999 in this project"),
    ],
)
def test_resolve_refuses_a_study_without_conflict(
    demo: Project, record: int, stage: Stage, verdict: Verdict, resolver: str, message: str | None
) -> None:
    both(demo, 1, INCLUDE, EXCLUDE)
    decide(demo, NewDecision(2, TA, "alice", INCLUDE))
    both(demo, 3, INCLUDE, INCLUDE)
    before = demo.store.dump()
    if message is None:
        resolve(demo, record, stage, resolver, verdict)
        assert demo.store.dump() != before
        return
    with pytest.raises(ScreenerError, match=re.escape(message)):
        resolve(demo, record, stage, resolver, verdict)
    assert demo.store.dump() == before


def test_a_resolution_stands_when_the_reviewers_change_their_minds(demo: Project) -> None:
    """Once resolved, the resolution decides even if the reviewers later change their minds."""
    both(demo, 1, INCLUDE, EXCLUDE)
    resolve(demo, 1, TA, "carol", EXCLUDE)
    decide(demo, NewDecision(1, TA, "bob", INCLUDE))
    assert status(demo, 1) is StudyStatus.EXCLUDED
    resolve(demo, 1, TA, "carol", INCLUDE)  # still resolvable: it has a resolution
    assert status(demo, 1) is StudyStatus.INCLUDED


# -- full text ------------------------------------------------------------------------------


def test_full_text_flow(demo: Project) -> None:
    _included_at_ta(demo, 1)
    _included_at_ta(demo, 3)
    both(demo, 2, EXCLUDE, EXCLUDE)
    decide(demo, NewDecision(4, TA, "alice", INCLUDE))  # awaiting bob
    both(demo, 5, INCLUDE, EXCLUDE)  # conflict
    assert full_text_studies(demo) == [1, 3]
    for study in (2, 4, 5, 6):  # excluded, awaiting bob, in conflict, unscreened
        with pytest.raises(ScreenerError, match=f"study {study} was not included"):
            set_retrieval(demo, study, RetrievalStatus.SOUGHT, "alice")
        with pytest.raises(ScreenerError, match=f"study {study} is not at the full-text stage"):
            decide(demo, NewDecision(study, FT, "alice", INCLUDE))

    sought = set_retrieval(demo, 1, RetrievalStatus.SOUGHT, "alice")
    assert (sought.record_id, sought.status, sought.reviewer) == (1, "sought", "alice")
    assert full_text_studies(demo) == [1, 3]  # still at full text while being sought

    before = demo.store.dump()
    with pytest.raises(ScreenerError, match=re.escape("say why the report could not be")):
        set_retrieval(demo, 1, RetrievalStatus.NOT_RETRIEVED, "alice", reason="  ")
    with pytest.raises(ScreenerError, match="fulltext/smith.pdf: no such file"):
        set_retrieval(demo, 1, RetrievalStatus.RETRIEVED, "alice", pdf_path="fulltext/smith.pdf")
    with pytest.raises(ScreenerError, match="not in protocol.toml's reviewers"):
        set_retrieval(demo, 1, RetrievalStatus.SOUGHT, "mallory")
    with pytest.raises(ScreenerError, match="no record 999"):
        set_retrieval(demo, 999, RetrievalStatus.SOUGHT, "alice")
    assert demo.store.dump() == before

    gone = set_retrieval(
        demo,
        DUPLICATE_OF_1,
        RetrievalStatus.NOT_RETRIEVED,
        "bob",
        reason=" authors did not answer ",
    )
    assert (gone.record_id, gone.reason) == (1, "authors did not answer")
    assert full_text_studies(demo) == [3]
    with pytest.raises(ScreenerError, match="study 1 is not at the full-text stage"):
        decide(demo, NewDecision(1, FT, "alice", INCLUDE))
    assert study_state(demo, 1, FT) is None

    (demo.path / "fulltext").mkdir()
    (demo.path / "fulltext" / "smith.pdf").write_bytes(b"%PDF-1.4\n")
    got = set_retrieval(demo, 1, RetrievalStatus.RETRIEVED, "alice", pdf_path="fulltext/smith.pdf")
    assert pdf_file(demo, got) == demo.path / "fulltext" / "smith.pdf"
    assert pdf_file(demo, sought) is None and pdf_file(demo, None) is None
    assert full_text_studies(demo) == [1, 3]
    decide(demo, NewDecision(1, FT, "alice", INCLUDE))
    decide(demo, NewDecision(1, FT, "bob", INCLUDE))
    assert status(demo, 1, FT) is StudyStatus.INCLUDED

    elsewhere = demo.path.parent / "jones.pdf"  # an absolute path outside the project
    elsewhere.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ScreenerError, match="outside the project folder"):
        set_retrieval(demo, 3, RetrievalStatus.RETRIEVED, "bob", pdf_path=str(elsewhere))
    inside = demo.path.resolve() / "fulltext" / "smith.pdf"  # absolute, inside: kept relative
    absolute = set_retrieval(demo, 3, RetrievalStatus.RETRIEVED, "bob", pdf_path=str(inside))
    assert absolute.pdf_path == "fulltext/smith.pdf" and pdf_file(demo, absolute) == inside


def test_full_text_follows_a_title_abstract_resolution(demo: Project) -> None:
    both(demo, 1, INCLUDE, EXCLUDE)
    with pytest.raises(ScreenerError, match="not at the full-text stage"):
        decide(demo, NewDecision(1, FT, "alice", INCLUDE))
    resolve(demo, 1, TA, "carol", INCLUDE)
    decide(demo, NewDecision(1, FT, "alice", INCLUDE))
    set_retrieval(demo, 1, RetrievalStatus.SOUGHT, "alice")


# -- agreement and history ------------------------------------------------------------------


def test_agreement_report_on_a_hand_checked_example(demo: Project) -> None:
    """Ten studies decided by both, two disagreements:

    ========= ======================= =====================
    studies   alice                   bob
    ========= ======================= =====================
    1-3       include (3: maybe)      include
    4         include                 exclude
    5         exclude                 include
    6-10      exclude                 exclude
    ========= ======================= =====================

    2x2 table: a = 3 both include, b = 1 only alice, c = 1 only bob, d = 5 both exclude.
    po = (3 + 5) / 10 = 0.8. Each includes 4 of 10, so pe = 0.4 * 0.4 + 0.6 * 0.6 = 0.52 and
    kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 7/12 = 0.5833...
    PABAK = 2 * 0.8 - 1 = 0.6. AC1: mean include rate pi = 0.4, pe = 2 * 0.4 * 0.6 = 0.48,
    AC1 = (0.8 - 0.48) / (1 - 0.48) = 0.32 / 0.52 = 8/13 = 0.6154...
    """
    plan = {
        1: (INCLUDE, INCLUDE),
        2: (INCLUDE, INCLUDE),
        3: (MAYBE, INCLUDE),
        4: (INCLUDE, EXCLUDE),
        5: (EXCLUDE, INCLUDE),
    }
    plan.update({study: (EXCLUDE, EXCLUDE) for study in range(6, 11)})
    for study, (a, b) in plan.items():
        both(demo, study, a, b)
    decide(demo, NewDecision(11, TA, "alice", INCLUDE))  # only alice: not part of the table
    decide(demo, NewDecision(12, TA, "bob", INCLUDE))
    undo_last(demo, "bob", TA)  # withdrawn: not part of it either
    decide(demo, NewDecision(12, TA, "alice", EXCLUDE))

    (pair,) = agreement_report(demo)
    assert (pair.stage, pair.reviewer_a, pair.reviewer_b) == (TA, "alice", "bob")
    found = pair.agreement
    assert found.n == 10
    assert (found.both_include, found.only_a_include, found.only_b_include, found.both_exclude) == (
        3,
        1,
        1,
        5,
    )
    assert found.percent_agreement == pytest.approx(80.0)
    assert found.kappa == pytest.approx(7 / 12)
    assert found.pabak == pytest.approx(0.6)
    assert found.gwet_ac1 == pytest.approx(8 / 13)
    assert found.kappa_ci_low is not None and found.kappa_ci_high is not None
    assert found.kappa_ci_low < 7 / 12 < found.kappa_ci_high
    as_dict = pair.as_dict()
    assert (as_dict["stage"], as_dict["reviewer_a"], as_dict["n"]) == (
        "title_abstract",
        "alice",
        10,
    )


def test_agreement_per_stage_and_pair(demo_path: Path) -> None:
    with_carol(demo_path)
    with open_project(demo_path) as project:
        assert agreement_report(project) == []
        both(project, 1, INCLUDE, INCLUDE)
        decide(project, NewDecision(2, TA, "alice", INCLUDE))
        decide(project, NewDecision(2, TA, "carol", EXCLUDE))
        decide(project, NewDecision(3, TA, "carol", EXCLUDE))  # carol alone
        decide(project, NewDecision(1, FT, "alice", INCLUDE))
        decide(project, NewDecision(1, FT, "bob", EXCLUDE, ["design"]))
        report = agreement_report(project)
        # bob and carol decided no study in common: no line for them
        assert [
            (p.stage, p.reviewer_a, p.reviewer_b, p.agreement.n, p.agreement.percent_agreement)
            for p in report
        ] == [
            (TA, "alice", "bob", 1, 100.0),
            (TA, "alice", "carol", 1, 0.0),
            (FT, "alice", "bob", 1, 0.0),
        ]


def test_a_third_reviewers_dissent_is_a_conflict(demo_path: Path) -> None:
    with_carol(demo_path)
    with open_project(demo_path) as project:
        both(project, 1, INCLUDE, INCLUDE)
        decide(project, NewDecision(1, TA, "carol", EXCLUDE))
        (found,) = conflicts(project)
        assert [d.reviewer for d in found.decisions] == ["alice", "bob", "carol"]


def test_history_filters(demo: Project) -> None:
    _included_at_ta(demo, 1)
    e2 = decide(demo, NewDecision(2, TA, "alice", EXCLUDE, ["design"]))
    m3 = decide(demo, NewDecision(3, TA, "alice", MAYBE))
    decide(demo, NewDecision(4, TA, "alice", INCLUDE))
    undo_last(demo, "alice", TA)  # study 4: withdrawn, not in the history
    f1 = decide(demo, NewDecision(1, FT, "alice", EXCLUDE, ["outcome"]))
    decide(demo, NewDecision(5, TA, "bob", EXCLUDE))
    i1 = my_decisions(demo, "alice", TA)[1]

    assert history(demo, "alice") == [f1, m3, e2, i1]  # newest first
    assert history(demo, "alice", TA) == [m3, e2, i1]
    assert history(demo, "alice", FT) == [f1]
    assert history(demo, "alice", verdicts=[EXCLUDE]) == [f1, e2]
    assert history(demo, "alice", TA, [INCLUDE, MAYBE]) == [m3, i1]
    assert history(demo, "alice", FT, [MAYBE]) == []
    assert [d.record_id for d in history(demo, "bob")] == [5, 1]
    assert history(demo, "carol") == []


# -- another program holding the database ---------------------------------------------------


def test_a_database_locked_past_the_busy_timeout_is_a_plain_error(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long import in another process holds the write lock: every screening write gives
    up after the busy timeout with a ScreenerError (one `error:` line), not an SQLite
    exception and a traceback, and writes nothing."""
    monkeypatch.setattr(screener.store.connection, "BUSY_TIMEOUT_SECONDS", 0.05)
    with open_project(demo_path) as project:
        both(project, 1, INCLUDE, EXCLUDE)
        both(project, 3, INCLUDE, INCLUDE)
        before = project.store.dump()
        holder = sqlite3.connect(demo_path / "screener.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            writes = [
                lambda: decide(project, NewDecision(2, TA, "alice", INCLUDE)),
                lambda: undo_last(project, "alice", TA),
                lambda: resolve(project, 1, TA, "carol", INCLUDE),
                lambda: set_retrieval(project, 3, RetrievalStatus.SOUGHT, "alice"),
            ]
            for write in writes:
                with pytest.raises(ScreenerError, match="database is locked"):
                    write()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert project.store.dump() == before
        assert (
            decide(project, NewDecision(2, TA, "alice", INCLUDE)).record_id == 2
        )  # and it works again


# -- properties over random screening sessions ----------------------------------------------

REVIEWERS = ("alice", "bob", "carol")
actions = st.lists(
    st.tuples(
        st.sampled_from(REVIEWERS),
        st.integers(0, 5),  # one of the first six studies: they meet often
        st.sampled_from(["include", "exclude", "maybe", "undo", "ft", "resolve", "retrieval"]),
    ),
    min_size=1,
    max_size=30,
)


def _act(project: Project, who: str, study: int, action: str) -> None:
    """One step of a session; steps the rules refuse are skipped, as a reviewer would be."""
    try:
        if action == "undo":
            undo_last(project, who, TA)
        elif action == "ft":
            decide(
                project, NewDecision(study, FT, who, EXCLUDE, [("design", "outcome")[study % 2]])
            )
        elif action == "resolve":
            resolve(
                project,
                study,
                TA if study % 2 else FT,
                "lead",
                EXCLUDE if study > 3 else INCLUDE,
                ["design"] if study > 3 else [],
            )
        elif action == "retrieval":
            if study == 2:
                set_retrieval(project, study, RetrievalStatus.NOT_RETRIEVED, who, reason="gone")
            else:
                set_retrieval(project, study, RetrievalStatus.SOUGHT, who)
        else:
            decide(project, NewDecision(study, TA, who, Verdict(action)))
    except ScreenerError:
        pass


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=actions, order=st.sampled_from(["import", "random"]))
def test_a_session_never_shows_one_reviewer_what_another_did(
    demo_template: Path, steps: list[tuple[str, int, str]], order: str
) -> None:
    """Whatever the others do, a reviewer's queue changes only in the study they acted on,
    and the per-study state (used on every decision) agrees with the whole-project one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(shutil.copytree(demo_template, Path(folder) / "demo"))
        with_carol(path)
        add_screening_section(path, f'order = "{order}"\nseed = 5')
        with open_project(path) as project:
            ids = project.store.links.study_ids()
            queues = {who: screening_queue(project, who, TA) for who in REVIEWERS}
            for who, index, action in steps:
                study = ids[index]
                _act(project, who, study, action)
                changed = study if action != "undo" else None
                for other in REVIEWERS:
                    now = screening_queue(project, other, TA)
                    if other != who and changed is not None:
                        assert [s for s in now if s != changed] == (
                            [s for s in queues[other] if s != changed]
                        )
                    queues[other] = now
            state = review_state(project)
            for stage in Stage:
                for study in ids:
                    assert study_state(project, study, stage) == state.states[stage].get(study)


def test_retrieval_reason_and_pdf_go_with_their_status(demo: Project) -> None:
    both(demo, 1, INCLUDE, INCLUDE)
    (demo.path / "a.pdf").write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ScreenerError, match="reason goes with not_retrieved only"):
        set_retrieval(demo, 1, RetrievalStatus.SOUGHT, "alice", reason="asked")
    with pytest.raises(ScreenerError, match="PDF path goes with retrieved only"):
        set_retrieval(demo, 1, RetrievalStatus.NOT_RETRIEVED, "alice", reason="x", pdf_path="a.pdf")
    assert demo.store.events.retrievals() == []
    made = set_retrieval(demo, 1, RetrievalStatus.RETRIEVED, "alice")  # a paper copy
    assert made.status is RetrievalStatus.RETRIEVED and made.pdf_path == ""


def test_full_text_agreement_leaves_out_studies_no_longer_at_full_text(demo: Project) -> None:
    both(demo, 1, INCLUDE, INCLUDE)
    both(demo, 2, INCLUDE, INCLUDE)
    both(demo, 1, INCLUDE, INCLUDE, FT)
    both(demo, 2, INCLUDE, INCLUDE, FT)
    (pair,) = [p for p in agreement_report(demo) if p.stage is FT]
    assert pair.agreement.n == 2
    set_retrieval(demo, 2, RetrievalStatus.NOT_RETRIEVED, "alice", reason="no reply")
    (pair,) = [p for p in agreement_report(demo) if p.stage is FT]
    assert pair.agreement.n == 1
