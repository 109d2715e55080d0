"""The audit export's two files: the CSV (written by a second process) and the JSONL hold
the same events, cell for cell; events saved after the export began are in neither; a
failure of either process leaves the files that were there."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from screener.errors import ScreenerError
from screener.exports.audit import audit_jobs, write_audit
from screener.exports.csv_safe import csv_cell, safe_cell
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.store.audit import fill_cells
from tests.prisma.helpers import screened_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = screened_demo(tmp_path_factory.mktemp("audit-files") / "secretome-demo")
    with open_project(made) as project:
        study = project.store.links.study_ids()[3]
        # the store takes any reviewer name (a copy merged from elsewhere may have one)
        project.store.events.add_decision(
            NewDecision(
                study,
                Stage.FULL_TEXT,
                "=cmd",
                Verdict.EXCLUDE,
                ("design",),
                {"tissue": ["skin, dermis"]},
                'said "no", twice\nreally',
            )
        )
        project.store.extraction.add_extraction(study, "notes", '-5 mg, "free" text', "alice")
        project.store.extraction.add_extraction(study, "sample_size", 12, "alice")
    return made


def _read(csv_path: Path, jsonl: Path) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    events = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    return rows, events[1:]


def _expected_row(event: dict[str, Any]) -> dict[str, str]:
    """The CSV row of a JSONL event, made independently of the SQL that writes it."""
    own = {
        "kind",
        "time",
        "uid",
        "id",
        "record",
        "other_record",
        "reviewer",
        "resolver",
        "stage",
        "verdict",
        "status",
        "reasons",
        "tags",
        "note",
    }
    details = {k: v for k, v in event.items() if k not in own}
    if event["kind"] == "source":
        ids = [record_id for record_id, _ in details.pop("record_positions")]
        details["record_ids"] = f"{min(ids)}-{max(ids)}"
        details = dict(sorted(details.items()))
    tags = event.get("tags")

    def text(value: Any) -> str:
        return "" if value is None else str(safe_cell(value))

    return {
        "kind": event["kind"],
        "time": event["time"],
        "uid": event["uid"],
        "id": str(event["id"]),
        "record_id": text(event.get("record")),
        "other_record_id": text(event.get("other_record")),
        "reviewer": text(event.get("reviewer") or event.get("resolver")),
        "stage": text(event.get("stage")),
        "verdict": text(event.get("verdict")),
        "status": text(event.get("status")),
        "reasons": text("; ".join(event["reasons"])) if "reasons" in event else "",
        "tags": json.dumps(tags, ensure_ascii=False) if tags else "",
        "note": text(event.get("note")),
        "details": json.dumps(details, ensure_ascii=False, separators=(",", ":"))
        if details
        else "",
    }


def _rows_are_their_events(csv_path: Path, jsonl: Path) -> list[dict[str, str]]:
    rows, events = _read(csv_path, jsonl)
    assert len(rows) == len(events) > 80
    for row, event in zip(rows, events, strict=True):
        expected = _expected_row(event)
        # tags: the stored JSON text (json.dumps) in the CSV; compared as JSON
        assert json.loads(row["tags"] or "{}") == json.loads(expected["tags"] or "{}")
        assert {**row, "tags": ""} == {**expected, "tags": ""}, event
    return rows


def test_every_csv_row_is_its_jsonl_event(demo: Path, tmp_path: Path) -> None:
    with open_project(demo) as project:
        csv_path, jsonl = write_audit(project, tmp_path / "audit.csv")
    rows = _rows_are_their_events(csv_path, jsonl)
    odd = next(r for r in rows if r["reviewer"] == "'=cmd")
    assert odd["note"] == 'said "no", twice\nreally' and odd["reasons"] == "design"
    assert json.loads(odd["tags"]) == {"tissue": ["skin, dermis"]}
    notes = next(r for r in rows if '"notes"' in r["details"])
    assert json.loads(notes["details"])["value"] == '-5 mg, "free" text'


def test_columns_with_nothing_to_quote_are_written_as_they_are(tmp_path: Path) -> None:
    """Where every reviewer name and note is its own cell, the CSV takes them as stored,
    without looking their cells up: the same rows as ever. Only the hostile names and
    notes of the demo above are looked up."""
    made = screened_demo(tmp_path / "plain" / "secretome-demo")
    with open_project(made) as project:
        conn = project.store.db.conn
        plain = fill_cells(
            conn, ["decisions", "resolutions", "retrievals", "extractions"], csv_cell
        )
        csv_path, jsonl = write_audit(project, tmp_path / "audit.csv")
    assert {("decisions", "reviewer"), ("decisions", "note"), ("extractions", "reviewer")} <= plain
    assert ("decisions", "reasons") not in plain  # codes become "a; b": never as stored
    _rows_are_their_events(csv_path, jsonl)


def test_hostile_names_and_notes_are_looked_up(demo: Path) -> None:
    with open_project(demo) as project:
        plain = fill_cells(project.store.db.conn, ["decisions", "extractions"], csv_cell)
    assert ("decisions", "reviewer") not in plain and ("decisions", "note") not in plain
    assert ("extractions", "reviewer") in plain


def test_events_saved_after_the_export_began_are_in_neither_file(
    demo: Path, tmp_path: Path
) -> None:
    """The jobs are fixed first (ids up to now): a decision saved meanwhile is left out."""
    with open_project(demo) as project:
        jobs = audit_jobs(project)
        study = project.store.links.study_ids()[5]
        project.store.events.add_decision(
            NewDecision(study, Stage.TITLE_ABSTRACT, "late", Verdict.INCLUDE)
        )
        project.store.audit.write_file(str(tmp_path / "a.csv"), jobs["csv"], csv_cell)
        lines = "".join(project.store.audit.lines(jobs["json"], csv_cell))
        everything = "".join(project.store.audit.lines(audit_jobs(project)["json"], csv_cell))
    assert '"reviewer":"late"' not in lines and '"reviewer":"late"' in everything
    csv_text = (tmp_path / "a.csv").read_text(encoding="utf-8")
    assert ",late," not in csv_text
    rows = list(csv.reader(csv_text.splitlines(keepends=True)))
    assert len(rows) == len(lines.splitlines())  # the CSV's header, the JSONL's


def test_a_failed_write_is_a_one_line_error_and_the_old_files_stay(
    demo: Path, tmp_path: Path
) -> None:
    with open_project(demo) as project:
        csv_path, jsonl = write_audit(project, tmp_path / "audit.csv")
        before = csv_path.read_bytes(), jsonl.read_bytes()
        (tmp_path / "audit.csv.partial").mkdir()  # where the CSV is written first
        with pytest.raises(ScreenerError, match="audit.csv: cannot write the audit log"):
            write_audit(project, tmp_path / "audit.csv")
        (tmp_path / "audit.csv.partial").rmdir()
    assert (csv_path.read_bytes(), jsonl.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.csv", "audit.jsonl"]
