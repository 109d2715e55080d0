"""The screening commands end to end on the demo project: decide, conflicts, resolve,
agreement and retrieval; bad input is one `error:` line and changes nothing; usage errors
exit with 2."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import screener.store.connection
from screener.cli import main
from screener.demo import make_demo
from screener.models import Stage, Verdict
from screener.project import open_project
from screener.store import Store

SCREENING_COMMANDS = (
    "decide",
    "conflicts",
    "resolve",
    "resolve-tags",
    "show",
    "agreement",
    "retrieval",
)


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def dump(project: Path) -> str:
    with Store(project / "screener.db") as store:
        return store.dump()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = make_demo(tmp_path_factory.mktemp("cli-template") / "demo")
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SCREENER_REVIEWER", raising=False)
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


def decide(demo: Path, verdict: str, record: int, reviewer: str, *extra: object) -> Result:
    result = run("decide", demo, verdict, "--record", record, "--reviewer", reviewer, *extra)
    assert result.exit_code == 0, result.output
    return result


def assert_one_error_line(result: Result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr


def test_help_has_examples() -> None:
    for command in SCREENING_COMMANDS:
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output and f"screener {command}" in result.output


# -- decide ---------------------------------------------------------------------------------


def test_decide_records_the_decision(demo: Path) -> None:
    result = decide(
        demo,
        "exclude",
        2,
        "alice",
        "--reason",
        "design",
        "--tag",
        "tissue=bone",
        "--tag",
        " model = rat ",
        "--note",
        "narrative review",
    )
    assert result.stdout == "alice: exclude study 2 at title_abstract\n"
    with open_project(demo) as project:
        (made,) = project.store.events.decisions()
    assert (made.record_id, made.stage, made.reviewer, made.verdict) == (
        2,
        Stage.TITLE_ABSTRACT,
        "alice",
        Verdict.EXCLUDE,
    )
    assert made.reasons == ("design",)
    assert made.tags == {"tissue": ("bone",), "model": ("rat",)}
    assert made.note == "narrative review"


def test_decide_on_a_duplicate_record_names_its_study(demo: Path) -> None:
    assert decide(demo, "maybe", 19, "bob").stdout == "bob: maybe study 1 at title_abstract\n"


def test_names_are_trimmed_and_printed_as_stored(demo: Path) -> None:
    assert decide(demo, "include", 1, " alice ").stdout.startswith("alice: include study 1")
    decide(demo, "exclude", 1, "bob")
    result = run("resolve", demo, "include", "--record", 1, "--resolver", " carol ")
    assert result.stdout == "Resolved study 1 at title_abstract: include (carol)\n"
    with open_project(demo) as project:
        assert [d.reviewer for d in project.store.events.decisions()] == ["alice", "bob"]
        assert [r.resolver for r in project.store.events.resolutions()] == ["carol"]


def test_decide_reviewer_from_the_environment(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_REVIEWER", "bob")
    result = run("decide", demo, "include", "--record", 3)
    assert result.exit_code == 0 and result.stdout.startswith("bob: include study 3")
    # --reviewer wins over the environment
    result = run("decide", demo, "include", "--record", 3, "--reviewer", "alice")
    assert result.stdout.startswith("alice: include study 3")


def test_decide_at_full_text(demo: Path) -> None:
    decide(demo, "include", 1, "alice")
    decide(demo, "include", 1, "bob")
    run("retrieval", demo, "retrieved", "--record", 1, "--reviewer", "alice")
    result = decide(demo, "exclude", 1, "alice", "--stage", "ft", "--reason", "outcome")
    assert result.stdout == "alice: exclude study 1 at full_text\n"
    result = decide(demo, "include", 1, "bob", "--stage", "ft", "--retrieved")
    assert result.stdout == "bob: include study 1 at full_text (report marked retrieved)\n"


def test_reviewer_names_match_in_any_case_and_typos_get_a_suggestion(demo: Path) -> None:
    assert decide(demo, "include", 1, "Alice").stdout.startswith("alice: include study 1")
    before = dump(demo)
    assert_one_error_line(
        run("decide", demo, "include", "--record", 1, "--reviewer", "alcie"),
        "reviewer 'alcie' is not in protocol.toml's reviewers (alice, bob): did you mean 'alice'?",
    )
    assert dump(demo) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("exclude", "--record", 2, "--reviewer", "alice", "--reason", "boring"),
            ["unknown title_abstract exclusion reason 'boring'", "known: design"],
        ),
        (("include", "--record", 999, "--reviewer", "alice"), ["no record 999 in this project"]),
        (
            ("include", "--record", 2, "--reviewer", "alice", "--tag", "fraction=plasma"),
            ["'plasma' is not a term of the closed vocabulary 'fraction'"],
        ),
        (
            ("include", "--record", 2, "--reviewer", "mallory"),
            ["reviewer 'mallory' is not in protocol.toml's reviewers (alice, bob)"],
        ),
        (
            ("include", "--record", 2, "--reviewer", "alice", "--tag", "colour=red"),
            ["unknown vocabulary 'colour'"],
        ),
        (
            ("include", "--record", 2, "--reviewer", "alice", "--reason", "design"),
            ["exclusion reasons go with an exclude decision only"],
        ),
        (
            ("maybe", "--record", 1, "--reviewer", "alice", "--stage", "full_text"),
            ["a full_text decision is one of include, exclude, not maybe"],
        ),
        (
            ("exclude", "--record", 1, "--reviewer", "alice", "--stage", "ft"),
            ["an exclusion at full_text needs a reason"],
        ),
        (
            ("include", "--record", 2, "--reviewer", "alice", "--stage", "ft"),
            ["study 2 is not at the full-text stage"],
        ),
    ],
)
def test_decide_bad_input_is_one_error_line_and_changes_nothing(
    demo: Path, args: tuple[object, ...], expected: list[str]
) -> None:
    decide(demo, "include", 1, "alice")
    decide(demo, "include", 1, "bob")
    before = dump(demo)
    result = run("decide", demo, *args)
    assert_one_error_line(result, *expected)
    assert dump(demo) == before


def test_decide_in_a_folder_that_is_no_project(tmp_path: Path) -> None:
    result = run("decide", tmp_path / "nowhere", "include", "--record", 1, "--reviewer", "a")
    assert_one_error_line(result, "no such project folder")


def test_decide_while_another_program_holds_the_database(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screener.store.connection, "BUSY_TIMEOUT_SECONDS", 0.05)
    holder = sqlite3.connect(demo / "screener.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("decide", demo, "include", "--record", 1, "--reviewer", "alice")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_error_line(result, "cannot write to the project database: database is locked")
    with open_project(demo) as project:
        assert project.store.events.decisions() == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("include", "--record", 1), "give --reviewer NAME or set SCREENER_REVIEWER"),
        (("include", "--record", 1, "--reviewer", "  "), "give --reviewer NAME"),
        (
            ("include", "--record", 1, "--reviewer", "alice", "--tag", "bone"),
            "'bone': write VOCABULARY=TERM, e.g. tissue=bone",
        ),
        (("include", "--record", 1, "--reviewer", "alice", "--tag", "=bone"), "VOCABULARY=TERM"),
        (("include", "--record", 1, "--reviewer", "alice", "--tag", "tissue= "), "VOCABULARY=TERM"),
        (
            ("include", "--record", 1, "--reviewer", "alice", "--stage", "abstract"),
            "unknown stage 'abstract'",
        ),
        (("undo", "--record", 1, "--reviewer", "alice"), "'undo' is not one of"),
        (("include", "--record", "one", "--reviewer", "alice"), "'one' is not a valid integer"),
        (("include", "--reviewer", "alice"), "Missing option '--record'"),
    ],
)
def test_decide_usage_errors_exit_with_2(
    demo: Path, args: tuple[object, ...], expected: str
) -> None:
    before = dump(demo)
    result = run("decide", demo, *args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr, result.stderr
    assert dump(demo) == before


# -- conflicts and resolve ------------------------------------------------------------------


def test_conflicts_listed_and_resolved(demo: Path) -> None:
    assert run("conflicts", demo).stdout == "No conflicts waiting.\n"
    assert json.loads(run("conflicts", demo, "--json").stdout) == []
    decide(demo, "include", 1, "alice", "--tag", "fraction=exosomes", "--note", "MSC-EVs")
    decide(demo, "exclude", 1, "bob", "--reason", "not_msc")
    decide(demo, "include", 2, "alice")
    decide(demo, "include", 2, "bob")

    found = json.loads(run("conflicts", demo, "--json").stdout)
    assert len(found) == 1
    (conflict,) = found
    assert (conflict["study_id"], conflict["stage"]) == (1, "title_abstract")
    first, second = conflict["decisions"]
    assert conflict["kind"] == "verdict"
    assert {k: v for k, v in first.items() if k != "decided_at"} == {
        "reviewer": "alice",
        "verdict": "include",
        "reasons": [],
        "reason_labels": [],
        "tags": {"fraction": ["exosomes"]},
        "note": "MSC-EVs",
    }
    assert (second["reviewer"], second["verdict"], second["reasons"]) == (
        "bob",
        "exclude",
        ["not_msc"],
    )
    assert second["reason_labels"] == ["Source cells are not mesenchymal stem cells"]
    assert first["decided_at"] <= second["decided_at"]
    assert json.loads(run("conflicts", demo, "--stage", "ft", "--json").stdout) == []
    text = run("conflicts", demo).stdout
    assert "alice" in text and "MSC-EVs" in text
    assert "Source cells" in text and "not_msc" not in text  # the label, not the code
    assert "1 conflict(s) waiting (1 of verdicts, 0 of tags)" in text

    result = run(
        "resolve",
        demo,
        "include",
        "--record",
        1,
        "--resolver",
        "carol",
        "--note",
        "EVs from adipose MSC",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "Resolved study 1 at title_abstract: include (carol)\n"
    assert json.loads(run("conflicts", demo, "--json").stdout) == []
    again = run(
        "resolve", demo, "exclude", "--record", 19, "--resolver", "carol", "--reason", "not_msc"
    )
    assert again.stdout == "Resolved study 1 at title_abstract: exclude (carol)\n"
    with open_project(demo) as project:
        resolutions = project.store.events.resolutions()
    assert [(r.record_id, r.verdict, r.reasons, r.note) for r in resolutions] == [
        (1, Verdict.INCLUDE, (), "EVs from adipose MSC"),
        (1, Verdict.EXCLUDE, ("not_msc",), ""),
    ]


def test_resolve_bad_input(demo: Path) -> None:
    decide(demo, "include", 1, "alice")
    decide(demo, "exclude", 1, "bob")
    decide(demo, "include", 2, "alice")
    before = dump(demo)
    no_conflict = run("resolve", demo, "include", "--record", 2, "--resolver", "carol")
    assert_one_error_line(
        no_conflict, "study 2 has no conflict to resolve at title_abstract (awaiting)"
    )
    unknown = run(
        "resolve", demo, "exclude", "--record", 1, "--resolver", "carol", "--reason", "boring"
    )
    assert_one_error_line(unknown, "unknown title_abstract exclusion reason 'boring'")
    missing = run("resolve", demo, "include", "--record", 99, "--resolver", "carol")
    assert_one_error_line(missing, "no record 99")
    for usage in (("include", "--record", 1), ("maybe", "--record", 1, "--resolver", "carol")):
        assert run("resolve", demo, *usage).exit_code == 2
    assert dump(demo) == before


# -- agreement ------------------------------------------------------------------------------


def test_agreement_json_and_table(demo: Path) -> None:
    assert run("agreement", demo).stdout == "No study has been decided by two reviewers yet.\n"
    assert json.loads(run("agreement", demo, "--json").stdout) == []
    # 4 studies: both include 1 and 2, disagree on 3, both exclude 4 (see test_review for a
    # larger example). po = 3/4; include rates 3/4 (alice) and 2/4 (bob):
    # pe = 3/4 * 1/2 + 1/4 * 1/2 = 1/2, kappa = (3/4 - 1/2) / (1/2) = 1/2, PABAK = 1/2.
    for record, alice, bob in (
        (1, "include", "maybe"),
        (2, "maybe", "include"),
        (3, "include", "exclude"),
        (4, "exclude", "exclude"),
    ):
        decide(demo, alice, record, "alice")
        decide(demo, bob, record, "bob")
    (pair,) = json.loads(run("agreement", demo, "--json").stdout)
    assert (pair["stage"], pair["reviewer_a"], pair["reviewer_b"], pair["n"]) == (
        "title_abstract",
        "alice",
        "bob",
        4,
    )
    assert (
        pair["both_include"],
        pair["only_a_include"],
        pair["only_b_include"],
        pair["both_exclude"],
    ) == (2, 1, 0, 1)
    assert pair["percent_agreement"] == pytest.approx(75.0)
    assert pair["kappa"] == pytest.approx(0.5)
    assert pair["pabak"] == pytest.approx(0.5)
    text = run("agreement", demo).stdout
    assert text.startswith("Title/abstract\n") and "Full text" not in text
    assert "alice / bob" in text and "75.0" in text and "0.500" in text
    # the confidence interval is printed in full in an 80-column terminal
    ci = f"{pair['kappa_ci_low']:.3f}–{pair['kappa_ci_high']:.3f}"
    assert ci in text, text
    assert max(len(line) for line in text.splitlines()) <= 80


# -- retrieval ------------------------------------------------------------------------------


def test_retrieval(demo: Path) -> None:
    decide(demo, "include", 1, "alice")
    decide(demo, "include", 1, "bob")
    before = dump(demo)
    not_included = run("retrieval", demo, "sought", "--record", 2, "--reviewer", "alice")
    assert_one_error_line(not_included, "study 2 was not included at title/abstract")
    no_reason = run("retrieval", demo, "not_retrieved", "--record", 1, "--reviewer", "alice")
    assert_one_error_line(no_reason, "say why the report could not be retrieved (--reason TEXT)")
    no_file = run(
        "retrieval",
        demo,
        "retrieved",
        "--record",
        1,
        "--reviewer",
        "alice",
        "--pdf",
        "fulltext/a.pdf",
    )
    assert_one_error_line(no_file, "fulltext/a.pdf: no such file")
    assert run("retrieval", demo, "lost", "--record", 1, "--reviewer", "alice").exit_code == 2
    assert run("retrieval", demo, "sought", "--record", 1).exit_code == 2  # no reviewer
    assert dump(demo) == before

    sought = run("retrieval", demo, "sought", "--record", 19, "--reviewer", "alice")
    assert sought.exit_code == 0 and sought.stdout == "Study 1: sought\n"
    (demo / "fulltext").mkdir()
    (demo / "fulltext" / "a.pdf").write_bytes(b"%PDF-1.4\n")
    got = run(
        "retrieval",
        demo,
        "retrieved",
        "--record",
        1,
        "--reviewer",
        "bob",
        "--pdf",
        "fulltext/a.pdf",
    )
    assert got.exit_code == 0 and got.stdout == "Study 1: retrieved\n"
    gone = run(
        "retrieval",
        demo,
        "not_retrieved",
        "--record",
        1,
        "--reviewer",
        "bob",
        "--reason",
        "paywalled, no reply",
    )
    assert gone.stdout == "Study 1: not_retrieved\n"
    with open_project(demo) as project:
        events = project.store.events.retrievals()
    assert [(r.status, r.reviewer, r.pdf_path, r.reason) for r in events] == [
        ("sought", "alice", "", ""),
        ("retrieved", "bob", "fulltext/a.pdf", ""),
        ("not_retrieved", "bob", "", "paywalled, no reply"),
    ]
    refused = run("decide", demo, "include", "--record", 1, "--reviewer", "alice", "--stage", "ft")
    assert_one_error_line(refused, "study 1 is not at the full-text stage")
