"""Tag conflicts, `screener resolve-tags` and `screener show` end to end on the demo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screener.cli import main
from screener.demo import make_demo
from tests.cli.test_cli_screening import assert_one_error_line, dump


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """alice tags study 1 skin/wound and mouse, bob bone and mouse; both include it."""
    path, _ = make_demo(tmp_path_factory.mktemp("tags") / "demo")
    for who, tissue in (("alice", "skin/wound"), ("bob", "bone")):
        tags = ("--tag", f"tissue={tissue}", "--tag", "model=mouse")
        note = ("--note", f"{who}'s [b]note[/b]")
        result = run("decide", path, "include", "--record", 1, "--reviewer", who, *tags, *note)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SCREENER_REVIEWER", raising=False)
    return Path(shutil.copytree(template, tmp_path / "demo"))


def test_conflicts_list_the_tags_side_by_side(demo: Path) -> None:
    (found,) = json.loads(run("conflicts", demo, "--json").stdout)
    assert found == {
        "kind": "tags",
        "study_id": 1,
        "stage": "title_abstract",
        "status": "conflict",
        "by_reviewer": {
            "alice": {"tissue": ["skin/wound"], "model": ["mouse"]},
            "bob": {"tissue": ["bone"], "model": ["mouse"]},
        },
        "tags": {"model": ["mouse"]},
        "resolution": None,
    }
    text = run("conflicts", demo).stdout
    assert "tissue: skin/wound; model: mouse" in text and "tissue: bone; model: mouse" in text
    assert "1 conflict(s) waiting (0 of verdicts, 1 of tags)" in text


def test_resolve_tags_sets_the_consensus(demo: Path) -> None:
    tags = ("--tag", "tissue=skin/wound", "--tag", "model=mouse")
    who = ("--record", 1, "--resolver", "carol", "--note", "bone was a slip")
    result = run("resolve-tags", demo, *who, *tags)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Study 1 at title_abstract: tags tissue: skin/wound; model: mouse (carol)\n"
    )
    assert json.loads(run("conflicts", demo, "--json").stdout) == []
    shown = json.loads(run("show", demo, 1, "--json").stdout)
    assert shown["tags"] == {
        "status": "resolved",
        "stage": "title_abstract",
        "tags": {"tissue": ["skin/wound"], "model": ["mouse"]},
    }
    assert shown["stages"][0]["tags"]["resolution"]["note"] == "bone was a slip"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--record", 2, "--tag", "tissue=bone"), "study 2 has no tag conflict to resolve"),
        (("--record", 1, "--tag", "fraction=plasma"), "closed vocabulary 'fraction'"),
        (("--record", 1, "--tag", "tissue=bone", "--stage", "ft"), "at full_text"),
        (("--record", 99, "--tag", "tissue=bone"), "no record 99"),
    ],
)
def test_resolve_tags_bad_input(demo: Path, args: tuple[object, ...], expected: str) -> None:
    before = dump(demo)
    result = run("resolve-tags", demo, "--resolver", "carol", *args)
    assert_one_error_line(result, expected)
    assert dump(demo) == before


def test_resolve_tags_needs_tags_or_no_tags(demo: Path) -> None:
    for extra in ((), ("--tag", "tissue=bone", "--no-tags")):
        result = run("resolve-tags", demo, "--record", 1, "--resolver", "carol", *extra)
        assert result.exit_code == 2 and "--no-tags" in result.stderr
    result = run("resolve-tags", demo, "--record", 1, "--resolver", "carol", "--no-tags")
    assert result.stdout == "Study 1 at title_abstract: tags no tags (carol)\n"


def test_show_unblinds_a_complete_review(demo: Path) -> None:
    shown = json.loads(run("show", demo, 19, "--json").stdout)  # a duplicate names its study
    assert shown["study_id"] == 1 and shown["viewer"] is None
    assert [r["file"] for r in shown["records"]] == ["pubmed.nbib", "sciencedirect.ris"]
    first, second = shown["stages"]
    assert (first["status"], first["blind"], first["reviewers_decided"]) == ("included", False, 2)
    assert [d["reviewer"] for d in first["decisions"]] == ["alice", "bob"]
    assert first["tags"]["status"] == "conflict" and second["stage"] == "full_text"
    text = run("show", demo, 1).stdout
    assert "PubMed" in text and "sciencedirect.ris" in text
    assert "alice's [b]note[/b]" in text  # literal, never markup
    assert "tags: in conflict; agreed part: model: mouse" in text


def test_show_keeps_a_blind_stage_blind(demo: Path) -> None:
    assert run("decide", demo, "exclude", "--record", 3, "--reviewer", "alice").exit_code == 0
    as_bob = json.loads(run("show", demo, 3, "--reviewer", "bob", "--json").stdout)
    (stage,) = as_bob["stages"]
    assert (stage["blind"], stage["decisions"], stage["reviewers_decided"]) == (True, [], 1)
    as_alice = run("show", demo, 3, "--reviewer", "alice").stdout
    assert "still blind: only your own decision is shown" in as_alice and "exclude" in as_alice
    assert "exclude" not in run("show", demo, 3).stdout
    assert_one_error_line(run("show", demo, 3, "--reviewer", "mallory"), "'mallory'")
    assert_one_error_line(run("show", demo, 999), "no record 999")
