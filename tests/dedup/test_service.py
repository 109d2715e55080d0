"""Deduplication as a project service: runs, incremental runs, review, split, the dedup map.

Most tests replace the matcher (screener.dedup.matching.find_candidates) by a tiny rule so that they
test the service, not the matching algorithm: the same DOI is one study, the same title is
a pair for review, and a bioRxiv record with its journal's title is related.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from screener.dedup import matching as dedup
from screener.dedup.kinds import RelatedKind
from screener.dedup.links import cluster, pair_states
from screener.dedup.service import (
    DEDUP_MAP_COLUMNS,
    decide_pair,
    dedup_map_rows,
    dedup_summary,
    pending_pairs,
    related_pairs,
    run_dedup,
    split_record,
    study_of,
    study_records,
    undo_pair_decision,
)
from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.models import LinkMethod, LinkVerdict, MatchInput, Record
from screener.project import PROTOCOL_FILE, Project, open_project
from screener.store import NewSource

SAME, DIFFERENT, SKIP = LinkVerdict.SAME, LinkVerdict.DIFFERENT, LinkVerdict.SKIP
RELATED_KINDS = [str(kind) for kind in RelatedKind]


class FakeMatcher:
    """Stands in for dedup.find_candidates and remembers how it was called."""

    def __init__(self, *, honour_compared_up_to: bool = True) -> None:
        self.honour = honour_compared_up_to
        self.calls: list[tuple[list[int], int]] = []

    def __call__(
        self,
        records: Sequence[MatchInput],
        *,
        compared_up_to: int = 0,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[dedup.Candidate]:
        self.calls.append(([r.id for r in records], compared_up_to))
        found = []
        for i, x in enumerate(records):
            for y in records[i + 1 :]:
                if self.honour and max(x.id, y.id) <= compared_up_to:
                    continue
                found.extend(self._judge(x, y))
        if progress:
            progress(len(records), len(records))
        return found

    @staticmethod
    def _judge(x: MatchInput, y: MatchInput) -> list[dedup.Candidate]:
        if x.doi and x.doi == y.doi:
            return [
                dedup.Candidate(
                    x.id, y.id, SAME, LinkMethod.EXACT_ID, 1.0, "same DOI", "same_identifier"
                )
            ]
        if x.title.casefold() == y.title.casefold():
            if (x.journal == "bioRxiv") != (y.journal == "bioRxiv"):
                verdict, reason = LinkVerdict.RELATED, "preprint and journal version"
                rule = "preprint_version"
            else:
                verdict, reason, rule = LinkVerdict.REVIEW, "same title, nothing else", "uncertain"
            score = 0.9 if x.year == y.year else 0.8
            return [dedup.Candidate(x.id, y.id, verdict, LinkMethod.RULE, score, reason, rule)]
        return []


@pytest.fixture
def matcher(monkeypatch: pytest.MonkeyPatch) -> FakeMatcher:
    fake = FakeMatcher()
    monkeypatch.setattr(dedup, "find_candidates", fake)
    return fake


def add_file(project: Project, name: str, records: list[dict[str, object]]) -> list[int]:
    """Store one source with these records; returns their record ids."""
    source = NewSource("Embase", "", "", "", name, f"sha-{name}", "ris", "utf-8")
    stored = project.store.records.add_source(
        source,
        [
            Record(position=i, line=i, source_record_id=f"{name}:{i}", **fields)  # type: ignore[arg-type]
            for i, fields in enumerate(records, 1)
        ],
    )
    return [r.id for r in project.store.records.all(stored.id)]


FIRST_FILE: list[dict[str, object]] = [
    {"title": "Secretome heals wounds", "doi": "10.1/a", "year": 2020},  # 1
    {"title": "Exosomes in bone repair", "year": 2021},  # 2
    {"title": "Secretome heals wounds!", "doi": "10.1/a", "year": 2020},  # 3: same DOI as 1
    {"title": "exosomes in bone repair", "year": 2021},  # 4: review with 2
    {"title": "Conditioned medium for tendons", "year": 2019},  # 5
]


def check_cache(project: Project) -> None:
    """The studies cache equals what the event log gives now."""
    states = pair_states(project.store.links.events())
    merge = project.protocol.merge_preprints
    expected = cluster(project.store.records.ids(), states, merge_preprints=merge).study_of
    assert project.store.links.study_map() == expected


def test_run_links_sure_pairs_and_queues_uncertain_ones(
    project: Project, matcher: FakeMatcher
) -> None:
    add_file(project, "a.ris", FIRST_FILE)
    report = run_dedup(project)
    assert report.as_dict() == {
        "records": 5,
        "studies": 4,
        "duplicates_removed": {"total": 1, "automatic": 1, "by_reviewer": 0},
        "related_links": 0,
        "related_links_by_kind": {kind: 0 for kind in RELATED_KINDS},
        "pairs_awaiting_review": 1,
        "blocked_links": 0,
        "records_not_compared": 0,
        "new_records_compared": 5,
        "candidates_found": 2,
        "dry_run": False,
        "studies_outdated": False,
    }
    assert project.store.links.study_map() == {3: 1}
    events = project.store.links.events()
    assert [(e.record_a, e.record_b, e.verdict, e.run_id, e.rule) for e in events] == [
        (1, 3, SAME, 1, "same_identifier"),
        (2, 4, LinkVerdict.REVIEW, 1, "uncertain"),
    ]
    run = project.store.links.last_run()
    assert run is not None and (run.compared_up_to, run.records, run.candidates) == (5, 5, 2)
    assert dedup_summary(project).as_dict() == {
        **report.as_dict(),
        "new_records_compared": None,
        "candidates_found": None,
    }


def test_second_run_compares_only_new_records(project: Project, matcher: FakeMatcher) -> None:
    add_file(project, "a.ris", FIRST_FILE)
    run_dedup(project)
    first_events = project.store.links.events()
    new_ids = add_file(
        project,
        "b.ris",
        [
            {"title": "Conditioned medium for tendons", "year": 2019},  # 6: review with 5
            {"title": "Secretome heals wounds", "doi": "10.1/a"},
        ],  # 7: same DOI as 1 and 3
    )
    assert new_ids == [6, 7]
    assert dedup_summary(project).records_not_compared == 2
    report = run_dedup(project)
    assert matcher.calls[-1] == ([1, 2, 3, 4, 5, 6, 7], 5)
    assert (report.new_records_compared, report.candidates_found) == (2, 3)
    assert project.store.links.last_run().compared_up_to == 7  # type: ignore[union-attr]
    events = project.store.links.events()
    assert events[:2] == first_events  # the log only grows
    assert [(e.record_a, e.record_b) for e in events[2:]] == [(1, 7), (3, 7), (5, 6)]
    assert project.store.links.study_map() == {3: 1, 7: 1}
    assert (report.studies, report.duplicates_removed, report.pairs_awaiting_review) == (5, 2, 2)
    again = run_dedup(project)  # nothing new: nothing compared, nothing written but the run
    assert (again.new_records_compared, again.candidates_found) == (0, 0)
    assert project.store.links.events() == events


def test_a_pair_is_judged_once_even_if_the_matcher_returns_it_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    careless = FakeMatcher(honour_compared_up_to=False)  # returns every pair on every run
    monkeypatch.setattr(dedup, "find_candidates", careless)
    add_file(project, "a.ris", FIRST_FILE)
    run_dedup(project)
    add_file(project, "b.ris", [{"title": "Unrelated"}])
    report = run_dedup(project)
    assert report.candidates_found == 2  # reported as found ...
    assert len(project.store.links.events()) == 2  # ... but no second event for either pair


def test_reviewer_decisions_survive_a_rerun(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    careless = FakeMatcher(honour_compared_up_to=False)
    monkeypatch.setattr(dedup, "find_candidates", careless)
    add_file(project, "a.ris", FIRST_FILE)
    run_dedup(project)
    decide_pair(project, 3, 1, DIFFERENT, "alice")  # overrules the automatic SAME
    decide_pair(project, 2, 4, SAME, "bob")
    add_file(project, "b.ris", [{"title": "Unrelated"}])
    report = run_dedup(project)
    assert project.store.links.study_map() == {4: 2}
    assert (report.duplicates_removed_automatic, report.duplicates_removed_by_reviewer) == (0, 1)
    assert report.pairs_awaiting_review == 0
    check_cache(project)


def test_review_queue_decide_skip_and_undo(project: Project, matcher: FakeMatcher) -> None:
    add_file(
        project,
        "a.ris",
        [
            {"title": "Alpha study", "year": 2020},
            {"title": "alpha study", "year": 2020},
            {"title": "Beta study", "year": 2020},
            {"title": "beta study", "year": 2021},
        ],
    )
    run_dedup(project)
    pending = pending_pairs(project)
    assert [(p.a.id, p.b.id, p.score, p.skipped) for p in pending] == [
        (1, 2, 0.9, False),
        (3, 4, 0.8, False),
    ]
    assert pending[0].reason == "same title, nothing else"
    assert {f.field: f.same for f in pending[1].fields}["year"] is False
    state = decide_pair(project, 1, 2, SKIP, "alice")
    assert state is not None and state.skipped and state.verdict is LinkVerdict.REVIEW
    assert [(p.a.id, p.skipped) for p in pending_pairs(project)] == [(3, False), (1, True)]
    state = decide_pair(project, 4, 3, SAME, "alice")
    assert state is not None and (state.verdict, state.reviewer) == (SAME, "alice")
    assert study_of(project, 4) == 3 and [r.id for r in study_records(project, 4)] == [3, 4]
    assert [p.a.id for p in pending_pairs(project)] == [1]
    assert undo_pair_decision(project, "alice") == (3, 4)
    assert study_of(project, 4) == 4
    assert undo_pair_decision(project, "alice") == (1, 2)
    assert undo_pair_decision(project, "alice") is None
    assert [(p.a.id, p.skipped) for p in pending_pairs(project)] == [(1, False), (3, False)]
    check_cache(project)


def test_bad_pair_decisions_are_refused_and_change_nothing(
    project: Project, matcher: FakeMatcher
) -> None:
    add_file(project, "a.ris", FIRST_FILE)
    run_dedup(project)
    before = project.store.dump()
    problems = [
        ((1, 1, SAME, "alice"), "cannot be paired with itself"),
        ((1, 99, SAME, "alice"), "no record 99"),
        ((1, 3, SKIP, "alice"), "not awaiting review"),  # an automatic SAME: nothing to skip
        ((1, 2, LinkVerdict.UNDO, "alice"), "same, different or skip"),
        ((1, 2, SAME, "  "), "reviewer name"),
    ]
    for (a, b, verdict, reviewer), message in problems:
        with pytest.raises(ScreenerError, match=message):
            decide_pair(project, a, b, verdict, reviewer)
    with pytest.raises(ScreenerError, match="no record 42"):
        study_of(project, 42)
    assert project.store.dump() == before


def test_pairs_already_in_one_study_are_not_pending(project: Project, matcher: FakeMatcher) -> None:
    add_file(
        project,
        "a.ris",
        [
            {"title": "Gamma", "doi": "10.1/g"},
            {"title": "Gamma report", "doi": "10.1/g"},
            {"title": "gamma", "year": 2020},
        ],
    )
    run_dedup(project)  # 1-2 same (DOI); 1-3 review (title)
    assert [(p.a.id, p.b.id) for p in pending_pairs(project)] == [(1, 3)]
    decide_pair(project, 2, 3, SAME, "bob")  # links 3 into the study another way
    assert pending_pairs(project) == []
    assert dedup_summary(project).pairs_awaiting_review == 0


def test_split_makes_a_record_its_own_study_again(project: Project, matcher: FakeMatcher) -> None:
    add_file(
        project,
        "a.ris",
        [
            {"title": "Delta", "doi": "10.1/d"},
            {"title": "Delta", "doi": "10.1/d"},
            {"title": "Delta", "doi": "10.1/d"},
            {"title": "Other"},
        ],
    )
    run_dedup(project)
    assert project.store.links.study_map() == {2: 1, 3: 1}
    assert split_record(project, 1, "alice") == ((1, 2), (1, 3))
    assert project.store.links.study_map() == {3: 2}  # 2 and 3 remain one study
    assert study_of(project, 1) == 1
    assert split_record(project, 4, "alice") == ()  # not linked: nothing written
    assert split_record(project, 2, "alice") == ((2, 3),)
    summary = dedup_summary(project)
    assert (summary.studies, summary.duplicates_removed) == (4, 0)
    assert undo_pair_decision(project, "alice") == (2, 3)
    assert project.store.links.study_map() == {3: 2}
    check_cache(project)


def test_dry_run_reports_the_same_figures_and_writes_nothing(
    project: Project, matcher: FakeMatcher
) -> None:
    add_file(project, "a.ris", FIRST_FILE)
    before = project.store.dump()
    dry = run_dedup(project, dry_run=True)
    assert project.store.dump() == before
    assert project.store.links.last_run() is None
    real = run_dedup(project)
    assert dry.as_dict() == {**real.as_dict(), "dry_run": True}
    add_file(project, "b.ris", [{"title": "Secretome heals wounds", "doi": "10.1/a"}])
    before = project.store.dump()
    dry = run_dedup(project, dry_run=True)  # incremental dry run over existing links
    assert project.store.dump() == before
    assert (dry.new_records_compared, dry.studies, dry.duplicates_removed) == (1, 4, 2)


def test_dedup_map_rows(project: Project, matcher: FakeMatcher) -> None:
    add_file(project, "a.ris", FIRST_FILE)
    add_file(project, "b.ris", [{"title": "Exosomes in bone repair", "year": 2021}])
    run_dedup(project)
    decide_pair(project, 2, 4, SAME, "alice")
    rows = dedup_map_rows(project)
    assert DEDUP_MAP_COLUMNS == (
        "source_file",
        "source_id",
        "source_record_id",
        "record_id",
        "study_id",
        "link_method",
        "link_rule",
    )
    assert [row.values() for row in rows] == [
        ("a.ris", 1, "a.ris:1", 1, 1, "exact_id", "same_identifier"),
        ("a.ris", 1, "a.ris:2", 2, 2, "reviewer", ""),  # a person's link names no rule
        ("a.ris", 1, "a.ris:3", 3, 1, "exact_id", "same_identifier"),
        ("a.ris", 1, "a.ris:4", 4, 2, "reviewer", ""),
        ("a.ris", 1, "a.ris:5", 5, 5, "", ""),
        ("b.ris", 2, "b.ris:1", 6, 6, "", ""),  # a REVIEW pair with 2 and 4: not linked
    ]


def test_merge_preprints_joins_related_records(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedup, "find_candidates", FakeMatcher())
    preprint = [
        {"title": "Epsilon cells", "journal": "bioRxiv", "year": 2020},
        {"title": "Epsilon cells", "journal": "Cell", "year": 2021},
    ]
    with open_project(project_path) as project:
        add_file(project, "a.ris", preprint)
        report = run_dedup(project)
        assert (report.related_links, report.studies) == (1, 2)
        assert report.related_by_kind["preprint"] == 1
        assert sum(report.related_by_kind.values()) == 1
        (related,) = related_pairs(project)
        assert (related.a.id, related.b.id, related.kind) == (1, 2, "preprint")
    protocol = project_path / PROTOCOL_FILE
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("merge_preprints = false", "merge_preprints = true"))
    with open_project(project_path) as project:
        assert project.protocol.merge_preprints is True
        summary = dedup_summary(project)  # counts with the new setting, says what is stored
        assert (summary.studies, summary.studies_outdated) == (1, True)
        assert project.store.links.study_map() == {}
        report = run_dedup(project)  # no new records, but the studies are re-derived
        assert dedup_summary(project).studies_outdated is False
        assert (report.related_links, report.studies, report.duplicates_removed) == (1, 1, 1)
        assert project.store.links.study_map() == {2: 1}
        assert split_record(project, 2, "alice") == ((1, 2),)
        assert project.store.links.study_map() == {}


def test_demo_project_gives_21_studies(tmp_path: Path) -> None:
    """Needs the real matcher (screener/dedup.py): 15 PubMed + 15 ScienceDirect records,
    9 studies in both exports."""
    path, _ = make_demo(tmp_path / "demo")
    with open_project(path) as project:
        report = run_dedup(project)
        assert (report.records, report.studies, report.duplicates_removed) == (30, 21, 9)
        rows = dedup_map_rows(project)
        both = {row.study_id for row in rows if row.record_id != row.study_id}
        assert len(both) == 9
        assert all(row.link_method for row in rows if row.study_id in both)


def test_one_review_pair_stands_for_two_studies(project: Project, matcher: FakeMatcher) -> None:
    add_file(
        project,
        "a.ris",
        [
            {"title": "Secretome heals wounds", "doi": "10.1/a", "year": 2020},  # 1
            {"title": "Secretome heals wounds", "doi": "10.1/a", "year": 2020},  # 2: same DOI
            {"title": "Secretome heals wounds", "year": 2020},  # 3: review with 1 and with 2
            {"title": "Secretome heals wounds", "year": 2019},
        ],  # 4: review with 1, 2 and 3
    )
    report = run_dedup(project)
    pending = [(p.a.id, p.b.id) for p in pending_pairs(project)]
    # studies {1, 2}, {3}, {4}: three pairs of studies, the most alike pair for each
    assert pending == [(1, 3), (1, 4), (3, 4)]
    assert report.pairs_awaiting_review == 3
    decide_pair(project, 1, 3, DIFFERENT, "alice")  # settles (2, 3) too
    assert [(p.a.id, p.b.id) for p in pending_pairs(project)] == [(1, 4), (3, 4)]
    decide_pair(project, 1, 4, SAME, "alice")
    # 4 joined {1, 2}; {1, 2, 4} vs {3} was declared different
    assert pending_pairs(project) == []
    check_cache(project)
