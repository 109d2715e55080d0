"""Sync files checked as the commands check what they make: the defects of issue 19 (tags in
two key orders, times with offsets or far ahead, protocol rules skipped, hostile paths), each
refused with its line and nothing changed, or accepted without breaking a later command."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening import decisions as review
from screener.store.events import after_latest
from screener.sync.service import export_events, import_events, import_files, write_jsonl

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    return make_demo(tmp_path / "a")[0], make_demo(tmp_path / "b")[0]


def dump(path: Path) -> str:
    with open_project(path) as project:
        return project.store.dump()


def export(path: Path, reviewer: str, file: Path) -> list[dict[str, Any]]:
    with open_project(path) as project:
        write_jsonl(file, export_events(project, reviewer))
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]


def write(file: Path, lines: list[dict[str, Any]]) -> Path:
    file.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return file


def refused(path: Path, file: Path, line: int, problem: str) -> None:
    before = dump(path)
    with open_project(path) as project, pytest.raises(ScreenerError) as caught:
        import_events(project, file)
    message = str(caught.value)
    assert message.startswith(f"{file}, line {line}: ") and problem in message, message
    assert "\n" not in message
    assert dump(path) == before


def decide(project: Project, record: int, who: str, verdict: Verdict, *reasons: str, **extra: Any):
    return review.decide(
        project, NewDecision(record, extra.pop("stage", TA), who, verdict, reasons, **extra)
    )


# -- defect 1: tags from two vocabularies --------------------------------------------------


def test_round_trip_with_tags_of_two_vocabularies(
    copies: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = copies
    with open_project(a) as project:
        decide(project, 1, "alice", Verdict.INCLUDE, tags={"tissue": ["bone"], "model": ["mouse"]})
    b = tmp_path / "copy"
    shutil.copytree(a, b)
    with open_project(b) as project:
        decide(project, 2, "alice", Verdict.INCLUDE, tags={"tissue": ["skin"], "model": ["rat"]})
    file = tmp_path / "alice.jsonl"
    export(b, "alice", file)
    with open_project(a) as project:
        report = import_events(project, file)
        assert report.added["decision"] == 1 and report.present["decision"] == 1
        again = import_events(project, file)
        assert again.total_added == 0
    own = dump(b)
    with open_project(b) as project:  # an export back into its own copy adds nothing
        assert import_events(project, file).total_added == 0
    assert dump(b) == own


# -- defect 2: times ------------------------------------------------------------------------


def test_times_are_stored_and_compared_as_utc_instants(
    copies: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = copies
    with open_project(a) as project:
        decide(project, 1, "alice", Verdict.EXCLUDE)
    lines = export(a, "alice", tmp_path / "alice.jsonl")
    made = datetime.fromisoformat(lines[1]["created_at"])
    lines[1]["created_at"] = made.astimezone(timezone_14()).isoformat()  # the same instant
    file = write(tmp_path / "offset.jsonl", lines)
    with open_project(b) as project:
        assert import_events(project, file).added["decision"] == 1
        (stored,) = project.store.events.decisions()
        assert stored.created_at == made and stored.created_at.utcoffset() == timedelta(0)
        later = decide(project, 1, "alice", Verdict.INCLUDE)  # made after: in force
        assert later.created_at > made
        assert review.my_decisions(project, "alice", TA)[1].verdict is Verdict.INCLUDE
    with open_project(a) as project:  # the same instant with another offset is the same event
        assert import_events(project, file).total_added == 0


def timezone_14() -> Any:
    from datetime import timezone

    return timezone(timedelta(hours=14))


@pytest.mark.parametrize(
    ("created_at", "problem"),
    [
        ("9999-12-31T23:59:59.999999+00:00", "more than a day ahead"),
        ("2099-01-01T00:00:00+00:00", "more than a day ahead"),
        ("0001-01-01T00:00:00+14:00", "out of range"),
        ("9999-12-31T23:59:59-05:00", "out of range"),
    ],
)
def test_events_far_ahead_or_out_of_range_are_refused(
    copies: tuple[Path, Path], tmp_path: Path, created_at: str, problem: str
) -> None:
    a, b = copies
    with open_project(a) as project:
        decide(project, 1, "alice", Verdict.EXCLUDE)
    lines = export(a, "alice", tmp_path / "alice.jsonl")
    lines[1]["created_at"] = created_at
    refused(b, write(tmp_path / "future.jsonl", lines), 2, problem)


def test_an_event_a_few_hours_ahead_never_breaks_a_later_command(
    copies: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = copies
    with open_project(a) as project:
        decide(project, 1, "alice", Verdict.EXCLUDE)
    lines = export(a, "alice", tmp_path / "alice.jsonl")
    ahead = datetime.now(UTC) + timedelta(hours=20)
    lines[1]["created_at"] = ahead.isoformat()
    file = write(tmp_path / "ahead.jsonl", lines)
    with open_project(b) as project:
        import_events(project, file)
        made = decide(project, 2, "bob", Verdict.INCLUDE)  # stamped just after: no more
        assert ahead < made.created_at <= ahead + timedelta(seconds=1)


def test_stamping_after_the_latest_never_overflows_nor_follows_past_the_skew(
    copies: tuple[Path, Path],
) -> None:
    a, _ = copies
    with open_project(a) as project:
        db = project.store.db
        now = "2026-05-01T10:00:00.000000+00:00"
        assert after_latest(db, "decisions", now) == now  # an empty table
        db.execute(  # an event an older screener let in from a sync file
            """INSERT INTO decisions (record_id, stage, reviewer, verdict, created_at, uid)
            VALUES (1, 'title_abstract', 'bob', 'include', ?, ?)""",
            ["9999-12-31T23:59:59.999999+00:00", "f" * 32],
        )
        assert after_latest(db, "decisions", now) == now
        made = decide(project, 2, "alice", Verdict.INCLUDE)  # no OverflowError
        assert abs(made.created_at - datetime.now(UTC)) < timedelta(minutes=1)
        # a clock set back by an hour is followed: just after the latest event
        db.execute(
            """INSERT INTO resolutions (record_id, stage, resolver, verdict, created_at, uid)
            VALUES (1, 'title_abstract', 'carol', 'include', ?, ?)""",
            ["2026-05-01T11:00:00.000000+00:00", "e" * 32],
        )
        assert after_latest(db, "resolutions", now) == "2026-05-01T11:00:00.000001+00:00"
        assert after_latest(db, "resolutions", "2026-05-01T10:00:00+02:00") == (
            "2026-05-01T11:00:00.000001+00:00"  # 08:00 UTC: compared as instants
        )


# -- defect 3: the viewer is only ever given a file inside the project ----------------------


@pytest.mark.parametrize(
    "stored",
    [
        "../../../../etc/passwd",
        "/etc/shadow",
        "~/.ssh/id_rsa",
        "--help",
        "-x.pdf",
        "https://example.org/a.pdf",
        "fulltext/../../outside.pdf",
        ".",
    ],
)
def test_pdf_file_never_gives_a_path_outside_the_project_or_an_option(
    copies: tuple[Path, Path], stored: str
) -> None:
    a, _ = copies
    with open_project(a) as project:
        db = project.store.db
        db.execute(  # as an older screener let it in
            """INSERT INTO retrievals (record_id, status, pdf_path, reviewer, created_at, uid)
            VALUES (1, 'retrieved', ?, 'alice', '2026-01-01T00:00:00.000000+00:00', ?)""",
            [stored, "d" * 32],
        )
        (retrieval,) = project.store.events.retrievals()
        assert review.pdf_file(project, retrieval) is None
        with pytest.raises(ScreenerError):
            review.project_pdf_path(project, stored)


def test_pdf_file_is_absolute_and_inside_the_project(copies: tuple[Path, Path]) -> None:
    a, _ = copies
    (a / "fulltext").mkdir()
    (a / "fulltext" / "-dash.pdf").write_bytes(b"%PDF-1.4\n")
    with open_project(a) as project:
        for who in ("alice", "bob"):
            decide(project, 1, who, Verdict.INCLUDE)
        made = review.set_retrieval(
            project, 1, RetrievalStatus.RETRIEVED, "alice", pdf_path="./fulltext/-dash.pdf"
        )
        assert made.pdf_path == "fulltext/-dash.pdf"
        shown = review.pdf_file(project, made)
        assert shown is not None and shown.is_absolute() and not str(shown).startswith("-")
        assert shown == a.resolve() / "fulltext" / "-dash.pdf"


# -- files that need each other -------------------------------------------------------------


def test_files_that_need_each_other_are_imported_together(
    copies: tuple[Path, Path], tmp_path: Path
) -> None:
    """alice's and bob's full-text decisions each need the other's inclusion: a fresh copy
    refuses either file alone (with the hint) and takes both at once."""
    a, fresh = copies
    with open_project(a) as project:
        for who in ("alice", "bob"):
            decide(project, 1, who, Verdict.INCLUDE)
        review.set_retrieval(project, 1, RetrievalStatus.RETRIEVED, "alice")
        for who in ("alice", "bob"):
            decide(project, 1, who, Verdict.INCLUDE, stage=FT)
    files = [tmp_path / "alice.jsonl", tmp_path / "bob.jsonl"]
    for file, who in zip(files, ("alice", "bob"), strict=True):
        export(a, who, file)
    for file in files:
        refused(fresh, file, 3, "import the other reviewers' files with it")
    with open_project(fresh) as project:
        reports = import_files(project, files)
        assert [r.added["decision"] for r in reports] == [2, 2]
        state = review.study_state(project, 1, FT)
        assert state is not None and state.status == "included"
        assert import_files(project, files)[0].total_added == 0
