"""Tag resolutions travel between copies of a project like conflict resolutions, checked as
`screener resolve-tags` checks them; a bad one is named by its line and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener.demo import make_demo
from screener.errors import ImportFormatError
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening.decisions import decide
from screener.screening.tags import TagStatus, resolve_tags, tag_states
from screener.sync.service import export_events, import_events, write_jsonl

TA = Stage.TITLE_ABSTRACT


def _sync(source: Path, reviewer: str, target: Path, file: Path) -> dict[str, int]:
    with open_project(source) as project:
        write_jsonl(file, export_events(project, reviewer))
    with open_project(target) as project:
        return import_events(project, file).added


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies where alice (in a) tagged study 1 skin and bob (in b) bone, synced."""
    a, b = make_demo(tmp_path / "a")[0], make_demo(tmp_path / "b")[0]
    for path in (a, b):  # carol resolves: a reviewer in both copies, as sync requires
        toml = path / "protocol.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace('"alice", "bob"]', '"alice", "bob", "carol"]'), "utf-8")
    for path, who, tissue in ((a, "alice", "skin/wound"), (b, "bob", "bone")):
        with open_project(path) as project:
            decide(project, NewDecision(1, TA, who, Verdict.INCLUDE, tags={"tissue": [tissue]}))
    _sync(a, "alice", b, tmp_path / "alice.jsonl")
    _sync(b, "bob", a, tmp_path / "bob.jsonl")
    return a, b


def test_a_tag_resolution_reaches_the_other_copy(copies: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = copies
    with open_project(a) as project:
        resolve_tags(project, 1, "carol", {"tissue": ["skin/wound", "scalp"]})
    added = _sync(a, "carol", b, tmp_path / "carol.jsonl")
    assert added["tag_resolution"] == 1 and added["vocabulary_term"] == 1  # the new term too
    with open_project(b) as project:
        found = tag_states(project)[1]
        assert found.status is TagStatus.RESOLVED
        assert found.tags == {"tissue": ("skin/wound", "scalp")}
    assert _sync(a, "carol", b, tmp_path / "carol.jsonl")["tag_resolution"] == 0  # once


@pytest.mark.parametrize(
    ("tags", "problem"),
    [
        ({"fraction": ["plasma"]}, "not a term of the closed vocabulary 'fraction'"),
        ({"organ": ["skin"]}, "unknown vocabulary 'organ'"),
        ({"tissue": [" bone"]}, "the tags .* is not as screener stores it"),
        ({"tissue": ["bone", "bone"]}, "the tags .* is not as screener stores it"),
        ({"tissue": []}, "the tags .* is not as screener stores it"),
        ({"tissue": "bone"}, "must be an object of lists of strings"),
    ],
)
def test_a_bad_tag_resolution_is_named_by_its_line(
    copies: tuple[Path, Path], tmp_path: Path, tags: object, problem: str
) -> None:
    a, b = copies
    with open_project(a) as project:
        resolve_tags(project, 1, "carol", {"tissue": ["bone"]})
        lines = export_events(project, "carol")
    lines[1]["tags"] = tags
    file = tmp_path / "carol.jsonl"
    write_jsonl(file, lines)
    with open_project(b) as project:
        before = project.store.dump()
        with pytest.raises(ImportFormatError, match=problem) as caught:
            import_events(project, file)
        assert project.store.dump() == before
    assert "line 2" in str(caught.value)
    assert json.loads(file.read_text(encoding="utf-8").splitlines()[1])["kind"] == "tag_resolution"
