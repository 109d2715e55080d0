"""Sync between copies of a project: export one reviewer's events, import them elsewhere; both
copies then agree, a second import changes nothing, and a bad file changes nothing."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from screener.cli import main
from screener.dedup.service import run_dedup
from screener.demo import demo_template, make_demo
from screener.errors import ScreenerError
from screener.importers.service import import_files
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import PROTOCOL_FILE, Project, open_project
from screener.screening import decisions as review
from screener.screening import studies
from screener.screening.agreement import agreement_report
from screener.screening.queue import screening_queue
from screener.screening.state import StudyStatus
from screener.sync.service import export_events, import_events, write_jsonl

TA = Stage.TITLE_ABSTRACT
Key = tuple[str, int]


def make_copy(path: Path, *, reverse: bool = False) -> Path:
    """A reviewer's copy of the demo. ``reverse`` imports the two files the other way round,
    so every record and study id differs from the other copy's."""
    if not reverse:
        return make_demo(path)[0]
    template = demo_template()
    path.mkdir(parents=True)
    shutil.copy2(template / PROTOCOL_FILE, path / PROTOCOL_FILE)
    with open_project(path) as project:
        import_files(project, sorted((template / "sources").iterdir(), reverse=True))
        run_dedup(project)
    return path


def key_of(project: Project, record_id: int) -> Key:
    return project.store.records.keys()[record_id]


def record_at(project: Project, key: Key) -> int:
    return {k: id_ for id_, k in project.store.records.keys().items()}[key]


def study_keys(project: Project, study: int) -> frozenset[Key]:
    keys = project.store.records.keys()
    return frozenset(keys[r] for r in project.store.links.members(study))


def in_force(project: Project, reviewer: str) -> dict[frozenset[Key], tuple[Any, ...]]:
    """A reviewer's decisions in force, by the keys of the study's records (ids differ)."""
    return {
        study_keys(project, study): (d.verdict, d.reasons, d.tags, d.note)
        for study, d in studies.my_decisions(project, reviewer, TA).items()
    }


def conflict_keys(project: Project) -> set[frozenset[Key]]:
    return {study_keys(project, s.study_id) for s in studies.conflicts(project)}


def added_terms(project: Project) -> set[tuple[str, str]]:
    return {(t.vocabulary, t.term) for t in project.store.events.vocabulary_terms()}


def dump(path: Path) -> str:
    with open_project(path) as project:
        return project.store.dump()


@pytest.fixture
def study_plan(tmp_path: Path) -> list[Key]:
    """The keys of the demo's first 11 studies (several of them with duplicates)."""
    with open_project(make_demo(tmp_path / "plan")[0]) as project:
        return [key_of(project, s) for s in project.store.links.study_ids()[:11]]


def screen(project: Project, reviewer: str, keys: list[Key], disagree: bool = False) -> None:
    """Ten decisions with reasons, tags (new terms for the open vocabulary `model`) and
    notes, a change of mind, and an undo. ``disagree`` flips studies 1 and 2."""
    at = [record_at(project, k) for k in keys]

    def decide(i: int, verdict: Verdict, *reasons: str, **extra: Any) -> None:
        review.decide(project, NewDecision(at[i], TA, reviewer, verdict, reasons, **extra))

    decide(0, Verdict.EXCLUDE, "design")  # changed below: the latest event is in force
    if disagree:
        decide(0, Verdict.INCLUDE, tags={"model": ["zebrafish"], "tissue": ["bone"]})
        decide(1, Verdict.INCLUDE, note="keep: mentions exosomes")
        decide(2, Verdict.EXCLUDE, "no_secretome")
    else:
        decide(
            0,
            Verdict.INCLUDE,
            tags={"model": ["zebrafish", "sheep"], "tissue": ["bone"]},
            note="rat and sheep models — both présent",
        )
        decide(1, Verdict.EXCLUDE, "design", note="narrative review")
        decide(2, Verdict.INCLUDE, tags={"outcome": ["angiogenesis"]})
    decide(3, Verdict.EXCLUDE, "not_msc")
    decide(4, Verdict.MAYBE, note="ask the team")
    for i in range(5, 10):
        if i % 2:
            decide(i, Verdict.INCLUDE)
        else:
            decide(i, Verdict.EXCLUDE, "oncology")
    decide(10, Verdict.INCLUDE)
    assert review.undo_last(project, reviewer, TA) is not None  # study 10 is undecided again


def sync(source: Path, reviewer: str, target: Path, file: Path) -> Any:
    with open_project(source) as project:
        write_jsonl(file, export_events(project, reviewer))
    with open_project(target) as project:
        return import_events(project, file)


# -- the round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True], ids=["same-ids", "other-ids"])
def test_two_copies_agree_after_syncing_both_ways(
    tmp_path: Path, study_plan: list[Key], reverse: bool
) -> None:
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b", reverse=reverse)
    with open_project(a) as project:
        screen(project, "alice", study_plan)
    with open_project(b) as project:
        screen(project, "bob", study_plan, disagree=True)
        if reverse:  # the test means something only if the ids really differ
            assert record_at(project, study_plan[0]) != 1

    to_b = sync(a, "alice", b, tmp_path / "alice.jsonl")
    # 10 decisions + a change of mind + a decision and its undo; zebrafish bob added too
    assert to_b.added == {
        "decision": 13,
        "resolution": 0,
        "tag_resolution": 0,
        "retrieval": 0,
        "vocabulary_term": 1,
        "extraction": 0,
    }
    assert to_b.present["vocabulary_term"] == 1 and to_b.present["decision"] == 0
    assert to_b.warnings == []
    to_a = sync(b, "bob", a, tmp_path / "bob.jsonl")
    assert to_a.added["decision"] == 13 and to_a.present["vocabulary_term"] == 1

    with open_project(a) as pa, open_project(b) as pb:
        for who in ("alice", "bob"):
            assert in_force(pa, who) == in_force(pb, who)
            assert len(in_force(pa, who)) == 10
        report_a = [pair.as_dict() for pair in agreement_report(pa)]
        assert report_a == [pair.as_dict() for pair in agreement_report(pb)]
        assert report_a[0]["n"] == 10 and report_a[0]["percent_agreement"] == 80.0
        conflicts = conflict_keys(pa)
        assert conflicts == conflict_keys(pb)
        assert conflicts == {
            study_keys(pa, pa.store.links.study_of(record_at(pa, k))) for k in study_plan[1:3]
        }
        assert added_terms(pa) == added_terms(pb) == {("model", "zebrafish"), ("model", "sheep")}
        assert "sheep" in review.vocabulary_terms(pb)["model"]
        review.resolve(
            pa,
            record_at(pa, study_plan[1]),
            TA,
            "alice",
            Verdict.INCLUDE,
            note="agreed in the meeting",
        )

    # alice's next export holds her old events too: only the resolution is new
    again = sync(a, "alice", b, tmp_path / "alice.jsonl")
    assert again.added == {
        "decision": 0,
        "resolution": 1,
        "tag_resolution": 0,
        "retrieval": 0,
        "vocabulary_term": 0,
        "extraction": 0,
    }
    assert again.present == {
        "decision": 13,
        "resolution": 0,
        "tag_resolution": 0,
        "retrieval": 0,
        "vocabulary_term": 2,
        "extraction": 0,
    }
    with open_project(a) as pa, open_project(b) as pb:
        assert conflict_keys(pa) == conflict_keys(pb)
        assert len(conflict_keys(pb)) == 1
        state = studies.study_state(pb, pb.store.links.study_of(record_at(pb, study_plan[1])), TA)
        assert state is not None and state.status == "included"


def test_retrievals_travel_with_their_record(tmp_path: Path, study_plan: list[Key]) -> None:
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b", reverse=True)
    for path, who in ((a, "alice"), (b, "bob")):
        with open_project(path) as project:
            review.decide(
                project, NewDecision(record_at(project, study_plan[2]), TA, who, Verdict.INCLUDE)
            )
    sync(a, "alice", b, tmp_path / "alice.jsonl")
    with open_project(b) as project:
        review.set_retrieval(
            project,
            record_at(project, study_plan[2]),
            RetrievalStatus.NOT_RETRIEVED,
            "bob",
            reason="no reply from the authors",
        )
    report = sync(b, "bob", a, tmp_path / "bob.jsonl")
    assert report.added["retrieval"] == 1
    with open_project(a) as project:
        study = project.store.links.study_of(record_at(project, study_plan[2]))
        assert study not in studies.full_text_studies(project)
        (retrieval,) = project.store.events.retrievals()
        assert (retrieval.reason, retrieval.reviewer) == ("no reply from the authors", "bob")


def test_file_keeps_the_copys_order_when_the_clock_went_back(
    tmp_path: Path, study_plan: list[Key], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b")
    start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    times = iter([start, start - timedelta(minutes=5)])  # the clock is set back in between
    monkeypatch.setattr("screener.store.events.now_iso", lambda: next(times).isoformat())
    with open_project(a) as project:
        record = record_at(project, study_plan[0])
        review.decide(project, NewDecision(record, TA, "alice", Verdict.INCLUDE))
        review.decide(project, NewDecision(record, TA, "alice", Verdict.EXCLUDE, ["design"]))
        assert [v for v, *_ in in_force(project, "alice").values()] == [Verdict.EXCLUDE]
    monkeypatch.undo()
    sync(a, "alice", b, tmp_path / "alice.jsonl")
    lines = (tmp_path / "alice.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["verdict"] for line in lines[1:]] == ["include", "exclude"]
    with open_project(a) as pa, open_project(b) as pb:
        assert in_force(pb, "alice") == in_force(pa, "alice")


def test_resolutions_made_in_both_copies_agree_after_sync(
    tmp_path: Path, study_plan: list[Key]
) -> None:
    """Two people resolving one conflict in different copies: events are ordered by time in
    every copy, so after syncing both copies show the later resolution."""
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b")
    for path, who, verdict in ((a, "alice", Verdict.INCLUDE), (b, "bob", Verdict.EXCLUDE)):
        with open_project(path) as project:
            review.decide(project, NewDecision(record_at(project, study_plan[2]), TA, who, verdict))
    sync(a, "alice", b, tmp_path / "alice.jsonl")
    sync(b, "bob", a, tmp_path / "bob.jsonl")
    with open_project(a) as project:
        review.resolve(project, record_at(project, study_plan[2]), TA, "alice", Verdict.INCLUDE)
    with open_project(b) as project:
        review.resolve(project, record_at(project, study_plan[2]), TA, "bob", Verdict.EXCLUDE)
    sync(a, "alice", b, tmp_path / "alice.jsonl")
    sync(b, "bob", a, tmp_path / "bob.jsonl")
    outcomes = []
    for path in (a, b):
        with open_project(path) as project:
            state = studies.study_state(
                project, project.store.links.study_of(record_at(project, study_plan[2])), TA
            )
            assert state is not None and state.resolution is not None
            outcomes.append((state.status, state.resolution.resolver))
    assert outcomes == [(StudyStatus.EXCLUDED, "bob")] * 2


# -- idempotency ------------------------------------------------------------------------------


def test_importing_a_file_again_changes_nothing(tmp_path: Path, study_plan: list[Key]) -> None:
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b")
    with open_project(a) as project:
        screen(project, "alice", study_plan)
    file = tmp_path / "alice.jsonl"
    first = sync(a, "alice", b, file)
    assert first.total_added == 15
    before = dump(b)
    with open_project(b) as project:
        second = import_events(project, file)
    assert second.total_added == 0
    assert second.present == {
        "decision": 13,
        "resolution": 0,
        "tag_resolution": 0,
        "retrieval": 0,
        "vocabulary_term": 2,
        "extraction": 0,
    }
    assert dump(b) == before
    own = dump(a)
    with open_project(a) as project:  # a reviewer's own events back into their copy
        assert import_events(project, file).total_added == 0
    assert dump(a) == own


# -- the file ---------------------------------------------------------------------------------


def test_export_format(tmp_path: Path, study_plan: list[Key]) -> None:
    a = make_copy(tmp_path / "a")
    with open_project(a) as project:
        screen(project, "alice", study_plan)
        review.decide(
            project, NewDecision(record_at(project, study_plan[1]), TA, "bob", Verdict.INCLUDE)
        )
        review.resolve(project, record_at(project, study_plan[1]), TA, "alice", Verdict.INCLUDE)
        events = export_events(project, "alice")
        first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
        assert write_jsonl(first, events) == 17  # a header and alice's 16 events
        write_jsonl(second, export_events(project, "alice"))
        sha = project.store.records.sources()[0].sha256
    text = first.read_text(encoding="utf-8")
    assert "présent" in text and "\r" not in text and text.endswith("}\n")
    assert text.splitlines()[1:] == second.read_text(encoding="utf-8").splitlines()[1:]
    lines = [json.loads(line) for line in text.splitlines()]
    assert all(
        line == json.dumps(obj, ensure_ascii=False, sort_keys=True)
        for line, obj in zip(text.splitlines(), lines, strict=True)
    )
    header = lines[0]
    assert header.keys() == {
        "kind",
        "format",
        "version",
        "reviewer",
        "project_title",
        "exported_at",
    }
    assert (header["kind"], header["format"], header["version"], header["reviewer"]) == (
        "header",
        "screener-sync",
        1,
        "alice",
    )
    times = [(e["created_at"], e["uid"]) for e in lines[1:]]
    assert times == sorted(times)
    by_kind = {e["kind"]: e for e in lines[1:]}
    assert by_kind.keys() == {"decision", "resolution", "vocabulary_term"}
    assert by_kind["vocabulary_term"].keys() == {
        "kind",
        "uid",
        "vocabulary",
        "term",
        "reviewer",
        "created_at",
    }
    assert by_kind["resolution"]["resolver"] == "alice"
    tagged = next(e for e in lines if e.get("tags", {}).get("model"))
    assert tagged.keys() == {
        "kind",
        "uid",
        "record",
        "stage",
        "reviewer",
        "verdict",
        "reasons",
        "tags",
        "note",
        "created_at",
    }
    assert tagged["record"] == {"source_sha256": sha, "position": study_plan[0][1]}
    assert tagged["tags"] == {"model": ["zebrafish", "sheep"], "tissue": ["bone"]}
    excluded = next(e for e in lines if e.get("reasons"))
    assert excluded["reasons"] == ["design"] and excluded["verdict"] == "exclude"
    assert sum(1 for e in lines if e.get("verdict") == "undo") == 1


def test_export_checks_the_reviewer(tmp_path: Path) -> None:
    with open_project(make_copy(tmp_path / "a")) as project:
        assert [e["kind"] for e in export_events(project, "bob")] == ["header"]
        with pytest.raises(ScreenerError, match="no events of 'bobb'.*alice, bob"):
            export_events(project, "bobb")


def test_write_jsonl_never_leaves_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")

    def events() -> Iterator[dict[str, Any]]:
        yield {"kind": "header"}
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_jsonl(target, events())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]
    with pytest.raises(ScreenerError, match="cannot write"):
        write_jsonl(tmp_path / "missing" / "out.jsonl", [{"kind": "header"}])


# -- malformed files change nothing -----------------------------------------------------------


def _set(line: int, **changes: Any) -> Any:
    def edit(lines: list[str]) -> None:
        event = json.loads(lines[line - 1])
        for name, value in changes.items():
            if value is None:
                del event[name]
            else:
                event[name] = value
        lines[line - 1] = json.dumps(event)

    return edit


def _replace(line: int, text: str) -> Any:
    def edit(lines: list[str]) -> None:
        lines[line - 1] = text

    return edit


def _duplicate(lines: list[str]) -> None:
    lines.append(lines[2])


MALFORMED = [
    (_replace(3, '{"kind": "decision", "uid": '), 3, "not valid JSON"),
    (_set(2, kind="opinion"), 2, "unknown kind 'opinion'"),
    (_set(4, record={"source_sha256": "0" * 64, "position": 1}), 4, "has not imported"),
    (_set(3, record={"source_sha256": None, "position": 9999}), 3, "record"),
    (_set(3, stage="abstract"), 3, "'stage' is 'abstract'"),
    (_set(5, verdict="yes"), 5, "'verdict' is 'yes'"),
    (_set(3, verdict=None), 3, "without 'verdict'"),
    (_set(3, record_id=7), 3, "unknown field"),
    (_set(3, created_at="2026-12-01T10:00:00"), 3, "UTC offset"),
    (_set(3, reasons="design"), 3, "list of strings"),
    (_set(4, reviewer="bob"), 4, "by 'bob' in a file of 'alice'"),
    (_set(1, version=2), 1, "version 2"),
    (_replace(1, '{"kind": "decision"}'), 1, "first line must be the header"),
    (_replace(2, "[1, 2]"), 2, "JSON object"),
    (_duplicate, 7, "also on line 3"),
]


@pytest.fixture
def alice_file(tmp_path: Path, study_plan: list[Key]) -> tuple[Path, Path, list[str]]:
    """Copy a with five decisions of alice (lines 2-6 of her file), copy b with bob's."""
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b")
    with open_project(a) as project:
        for i in range(5):
            review.decide(
                project,
                NewDecision(
                    record_at(project, study_plan[i]), TA, "alice", Verdict.EXCLUDE, ["design"]
                ),
            )
        write_jsonl(tmp_path / "alice.jsonl", export_events(project, "alice"))
    with open_project(b) as project:
        screen(project, "bob", study_plan)
    lines = (tmp_path / "alice.jsonl").read_text(encoding="utf-8").splitlines()
    return a, b, lines


@pytest.mark.parametrize(("edit", "line", "problem"), MALFORMED)
def test_a_bad_line_is_named_and_nothing_changes(
    tmp_path: Path, alice_file: tuple[Path, Path, list[str]], edit: Any, line: int, problem: str
) -> None:
    _, b, lines = alice_file
    edit(lines)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = dump(b)
    with open_project(b) as project, pytest.raises(ScreenerError) as caught:
        import_events(project, bad)
    message = str(caught.value)
    assert message.startswith(f"{bad}, line {line}: "), message
    assert problem in message
    assert dump(b) == before


def test_position_missing_from_the_source(
    tmp_path: Path, alice_file: tuple[Path, Path, list[str]]
) -> None:
    _, b, lines = alice_file
    event = json.loads(lines[2])
    event["record"]["position"] = 9999
    lines[2] = json.dumps(event)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with (
        open_project(b) as project,
        pytest.raises(ScreenerError, match="line 3: no record at position 9999 of pubmed.nbib"),
    ):
        import_events(project, bad)


def test_an_event_already_here_with_other_content_is_refused(
    tmp_path: Path, alice_file: tuple[Path, Path, list[str]]
) -> None:
    a, _, lines = alice_file
    lines[3] = json.dumps({**json.loads(lines[3]), "note": "edited"})
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")
    before = dump(a)
    with open_project(a) as project, pytest.raises(ScreenerError, match="line 4: .*other content"):
        import_events(project, bad)
    assert dump(a) == before


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    with open_project(make_copy(tmp_path / "a")) as project:
        with pytest.raises(ScreenerError, match="cannot read"):
            import_events(project, tmp_path / "missing.jsonl")
        (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
        with pytest.raises(ScreenerError, match="empty file"):
            import_events(project, tmp_path / "empty.jsonl")
        (tmp_path / "latin1.jsonl").write_bytes(b'{"note": "caf\xe9"}\n')
        with pytest.raises(ScreenerError, match="line 1: not UTF-8"):
            import_events(project, tmp_path / "latin1.jsonl")


# -- the command line -------------------------------------------------------------------------


def run(*args: object, reviewer: str | None = None) -> Result:
    runner = CliRunner(env={"SCREENER_REVIEWER": reviewer})  # None: unset
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_help_has_examples() -> None:
    for command in (("sync",), ("sync", "export"), ("sync", "import")):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output and f"screener {' '.join(command)}" in result.output


def test_cli_round_trip(tmp_path: Path, study_plan: list[Key]) -> None:
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b", reverse=True)
    with open_project(a) as project:
        screen(project, "alice", study_plan)
    file = tmp_path / "alice.jsonl"
    result = run("sync", "export", a, "-o", file, reviewer="alice")
    assert result.exit_code == 0, result.output
    assert "Wrote 15 event(s) of alice" in result.output
    assert (
        "13 decisions, 0 resolutions, 0 tag resolutions, 0 retrievals, 2 vocabulary terms"
        in result.output
    )
    result = run("sync", "export", a, "--reviewer", "alice", "-o", file, "--json")
    assert json.loads(result.stdout)["events"] == {
        "decision": 13,
        "resolution": 0,
        "tag_resolution": 0,
        "retrieval": 0,
        "vocabulary_term": 2,
        "extraction": 0,
    }

    result = run("sync", "import", b, file)
    assert result.exit_code == 0, result.output
    assert "Imported alice's events" in result.output
    assert "13 decisions added, 0 already present" in result.output
    result = run("sync", "import", b, file, "--json")
    summary = json.loads(result.stdout)
    assert summary["added"] == {
        "decision": 0,
        "resolution": 0,
        "tag_resolution": 0,
        "retrieval": 0,
        "vocabulary_term": 0,
        "extraction": 0,
    }
    assert summary["already_present"]["decision"] == 13 and summary["reviewer"] == "alice"
    with open_project(a) as pa, open_project(b) as pb:
        assert in_force(pa, "alice") == in_force(pb, "alice")


def test_cli_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    a = make_copy(tmp_path / "a")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "header"}\n', encoding="utf-8")
    before = dump(a)
    result = run("sync", "import", a, bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("error:") == 1 and "line 1: header without" in result.stderr
    assert dump(a) == before
    result = run("sync", "export", a, "-o", tmp_path / "x.jsonl")
    assert result.exit_code == 2 and "SCREENER_REVIEWER" in result.output


def test_random_order_and_second_review_sample_agree_between_copies(tmp_path: Path) -> None:
    """Copies that imported the files in another order have other ids, but the same random
    queue and the same sample of studies for a second review."""
    a, b = make_copy(tmp_path / "a"), make_copy(tmp_path / "b", reverse=True)
    orders, samples = [], []
    for path in (a, b):
        protocol = path / "protocol.toml"
        text = protocol.read_text(encoding="utf-8")
        protocol.write_text(text + "\n[screening]\nsecond_review_percent = 50\n", "utf-8")
        with open_project(path) as project:
            queue = screening_queue(project, "alice", TA, order="random", seed=3)
            orders.append([study_keys(project, s) for s in queue])
            needed = studies.needed_reviews(project, project.store.links.study_ids())
            samples.append({study_keys(project, s): n for s, n in needed.items()})
    assert orders[0] == orders[1]
    assert samples[0] == samples[1] and set(samples[0].values()) == {1, 2}
