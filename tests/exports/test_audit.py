"""The audit log export (CSV and JSONL) and its replay into the PRISMA counts."""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from screener.cli import main
from screener.dedup.service import run_dedup
from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.exports.audit import write_audit
from screener.exports.csv_safe import safe_cell
from screener.importers.service import Search, import_files
from screener.models import NewDecision, RetrievalStatus, SourceMethod, Stage, Verdict
from screener.prisma.inputs import project_prisma
from screener.prisma.replay import replay_file, replay_lines
from screener.project import Project, open_project
from screener.screening.decisions import decide, resolve, set_retrieval, undo_last
from tests.paths import TESTS
from tests.prisma.helpers import screened_demo

CITATIONS = """TY  - JOUR
TI  - Stem cell-derived exosomes as a cell free therapy against spinal cord injury
AU  - Khalatbary, A.R.
PY  - 2021
DO  - 10.1016/j.tice.2021.101559
ER  -

TY  - JOUR
TI  - Adipose stromal cell secretome heals diabetic ulcers in mice
AU  - Rossi, M.
PY  - 2022
DO  - 10.1111/wrr.99901
ER  -

TY  - JOUR
AU  - Nobody, N.
ER  -
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = screened_demo(tmp_path_factory.mktemp("audit") / "secretome-demo")
    with open_project(made) as project:
        tissue = project.protocol.vocabularies["tissue"]
        study = project.store.links.study_ids()[2]
        tags = {"tissue": [tissue.terms[0], "a new tissue"]}
        decide(
            project,
            NewDecision(
                study, Stage.FULL_TEXT, "bob", Verdict.INCLUDE, tags=tags, note="=1+1 looks fine"
            ),
        )
        project.store.extraction.add_extraction(study, "sample_size", 12, "alice")
    return made


def _export(project_dir: Path, folder: Path) -> tuple[Path, Path]:
    with open_project(project_dir) as project:
        csv_path, jsonl = write_audit(project, folder / "audit.csv")
    return csv_path, jsonl


def test_replaying_the_audit_log_gives_every_count_of_the_diagram(
    demo: Path, tmp_path: Path
) -> None:
    _, jsonl = _export(demo, tmp_path)
    with open_project(demo) as project:
        expected = project_prisma(project)
    assert replay_file(jsonl) == expected
    assert replay_file(jsonl).main.reports_included == 5


def test_the_log_has_every_kind_of_event_oldest_first(demo: Path, tmp_path: Path) -> None:
    csv_path, jsonl = _export(demo, tmp_path)
    events = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    header, rest = events[0], events[1:]
    assert header["kind"] == "audit" and header["protocol"]["dual_screening"] is True
    kinds = {e["kind"] for e in rest}
    assert kinds == {
        "source",
        "dedup_run",
        "link",
        "decision",
        "resolution",
        "retrieval",
        "vocabulary_term",
        "extraction",
    }
    times = [datetime.fromisoformat(e["time"]) for e in rest]
    assert times == sorted(times)
    decision = next(e for e in rest if e["kind"] == "decision" and e["tags"])
    assert decision["tags"]["tissue"][1] == "a new tissue"
    assert isinstance(decision["record"], int)
    extraction = next(e for e in rest if e["kind"] == "extraction")
    assert extraction["value"] == 12 and extraction["field"] == "sample_size"
    sources = [e for e in rest if e["kind"] == "source"]
    assert sum(len(s["record_positions"]) for s in sources) == 30
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(rest)
    assert [r["kind"] for r in rows] == [e["kind"] for e in rest]
    noted = next(r for r in rows if r["note"].endswith("looks fine"))
    assert noted["note"] == "'=1+1 looks fine"  # no live formula in a spreadsheet
    link = next(r for r in rows if r["kind"] == "link")
    assert int(link["record_id"]) < int(link["other_record_id"])
    source = next(r for r in rows if r["kind"] == "source")
    assert json.loads(source["details"])["record_ids"] == "1-15"


def test_cli_replay_prints_the_status_numbers(demo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "log.csv"
    result = runner.invoke(main, ["export", "audit", str(demo), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "log.jsonl" in result.output
    replayed = json.loads(
        runner.invoke(
            main, ["prisma", "replay", str(target.with_suffix(".jsonl")), "--json"]
        ).output
    )
    status = json.loads(runner.invoke(main, ["status", str(demo), "--json"]).output)
    assert replayed == status["prisma"]
    shown = runner.invoke(main, ["prisma", "replay", str(target.with_suffix(".jsonl"))]).output
    assert "Studies included: 5 (5 reports)" in shown


def test_a_broken_log_is_a_one_line_error(tmp_path: Path, demo: Path) -> None:
    _, jsonl = _export(demo, tmp_path)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text(
        "\n".join([lines[0], lines[1], '{"kind": "decision"', *lines[2:]]), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["prisma", "replay", str(broken)])
    assert result.exit_code == 1
    assert "broken.jsonl, line 3: not JSON" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ScreenerError, match="line 2: not an audit event"):
        replay_lines([lines[0], '{"kind": "decision", "id": 1}'])
    with pytest.raises(ScreenerError, match="not a screener audit header"):
        replay_lines(lines[1:])
    with pytest.raises(ScreenerError, match="empty"):
        replay_lines([])
    missing = CliRunner().invoke(main, ["prisma", "replay", str(tmp_path / "none.jsonl")])
    assert missing.exit_code != 0 and "Traceback" not in missing.output


# -- hypothesis: any screening history replays to the same counts ---------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a citation-searching file (one duplicate, one new record, one empty)."""
    made, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    extra = made / "citations.ris"
    extra.write_text(CITATIONS, encoding="utf-8")
    with open_project(made) as project:
        import_files(project, [extra], Search("Citation searching", method=SourceMethod.CITATION))
        run_dedup(project)
    return made


OPTIONAL_VERDICT = st.sampled_from([None, Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE])
# One study's path: title/abstract verdicts of alice and bob, a resolution, a retrieval
# mark, full-text verdicts and a resolution, and whether alice then undoes her latest.
PLANS = st.lists(
    st.tuples(
        st.integers(0, 30),
        OPTIONAL_VERDICT,
        OPTIONAL_VERDICT,
        OPTIONAL_VERDICT,
        st.sampled_from([None, *RetrievalStatus]),
        OPTIONAL_VERDICT,
        OPTIONAL_VERDICT,
        OPTIONAL_VERDICT,
        st.booleans(),
    ),
    min_size=3,
    max_size=20,
)
Plan = tuple[
    int,
    Verdict | None,
    Verdict | None,
    Verdict | None,
    RetrievalStatus | None,
    Verdict | None,
    Verdict | None,
    Verdict | None,
    bool,
]


def _attempt(action: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
    try:
        action(*args, **kwargs)
    except ScreenerError:
        return False  # not allowed in this state (e.g. no conflict to resolve): skipped
    return True


def _follow(project: Project, studies: list[int], plan: Plan) -> int:
    """Carry out one study's plan through the review API; returns how many steps held."""
    index, ta_a, ta_b, ta_res, mark, ft_a, ft_b, ft_res, undo = plan
    study = studies[index % len(studies)]
    done = 0
    for stage, verdicts, resolution in (
        (Stage.TITLE_ABSTRACT, (ta_a, ta_b), ta_res),
        (Stage.FULL_TEXT, (ft_a, ft_b), ft_res),
    ):
        if stage is Stage.FULL_TEXT and mark is not None:
            why = "no access" if mark is RetrievalStatus.NOT_RETRIEVED else ""
            done += _attempt(set_retrieval, project, study, mark, "alice", reason=why)
        for who, verdict in zip(("alice", "bob"), verdicts, strict=True):
            if verdict is None:
                continue
            if stage is Stage.FULL_TEXT and verdict is Verdict.MAYBE:
                verdict = Verdict.INCLUDE
            reasons = ("design",) if verdict is Verdict.EXCLUDE and stage is Stage.FULL_TEXT else ()
            done += _attempt(decide, project, NewDecision(study, stage, who, verdict, reasons))
        if resolution is not None:
            final = Verdict.EXCLUDE if resolution is Verdict.EXCLUDE else Verdict.INCLUDE
            reasons = ("outcome",) if final is Verdict.EXCLUDE and stage is Stage.FULL_TEXT else ()
            done += _attempt(resolve, project, study, stage, "carol", final, reasons)
    if undo:
        done += _attempt(undo_last, project, "alice", Stage.TITLE_ABSTRACT)
    return done


@given(plans=PLANS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_any_screening_history_replays_to_the_same_counts(
    template: Path, tmp_path_factory: pytest.TempPathFactory, plans: list[Plan]
) -> None:
    work = tmp_path_factory.mktemp("history")
    project_dir = work / "demo"
    shutil.copytree(template, project_dir)
    with open_project(project_dir) as project:
        studies = project.store.links.study_ids()
        assert project.store.records.sources()[-1].method is SourceMethod.CITATION
        steps = sum(_follow(project, studies, plan) for plan in plans)
        expected = project_prisma(project)
        _, jsonl = write_audit(project, work / "audit.csv")
    target(float(steps))  # steer the search towards histories where many steps hold
    assert replay_file(jsonl) == expected
    assert expected.citations == 3 and expected.other_records == 3


def _normalised(jsonl: Path) -> str:
    """The log with what differs between runs (times, uids) replaced by placeholders."""
    lines = []
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        event["time"] = "<time>"
        if event.get("uid"):
            event["uid"] = "<uid>"
        lines.append(json.dumps(event, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + "\n"


def test_the_log_of_the_screened_demo_equals_the_golden_file(demo: Path, tmp_path: Path) -> None:
    _, jsonl = _export(demo, tmp_path)
    ours = _normalised(jsonl)
    path = TESTS / "golden" / "audit.jsonl"
    if os.environ.get("SCREENER_UPDATE_GOLDEN"):  # rewrites the golden file (review it)
        path.write_text(ours, encoding="utf-8")
    golden = path.read_text(encoding="utf-8")
    # Events of two tables written in the same microsecond (a new vocabulary term and its
    # decision) may be listed either way round; the order by time is tested above.
    assert ours.splitlines()[0] == golden.splitlines()[0]
    assert sorted(ours.splitlines()) == sorted(golden.splitlines())


def test_reason_cells_are_the_codes_joined_and_made_safe(tmp_path: Path) -> None:
    """The CSV's reasons cell, whatever the first code starts with (SQLite tests the JSON
    text for a formula start, falling back to the joined text for escaped characters)."""
    made = screened_demo(tmp_path / "secretome-demo")
    lists = [
        ["=1+1", "b"],
        ["\tx"],
        ["-x", "y"],
        ['a"b', "c"],
        ["", "x"],
        ["\\x"],
        ["@a"],
        ["plain", "=later"],
        [],
    ]
    with open_project(made) as project:
        study = project.store.links.study_ids()[0]
        for codes in lists:
            project.store.events.add_decision(
                NewDecision(study, Stage.FULL_TEXT, "zoe", Verdict.EXCLUDE, codes)
            )
        csv_path, _ = write_audit(project, tmp_path / "audit.csv")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        cells = [r["reasons"] for r in csv.DictReader(handle) if r["reviewer"] == "zoe"]
    assert cells == [safe_cell("; ".join(codes)) for codes in lists]
