"""Single extraction (`[extraction] dual = false`): a study is extracted once, so nothing is
compared: a field is filled or missing, whoever filled it, and never "equal" or "differ"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.demo import make_demo
from screener.extraction import service as extraction
from screener.extraction.service import FieldStatus
from screener.models import NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening.decisions import decide


@pytest.fixture
def single(tmp_path: Path) -> Path:
    """The demo with single extraction; study 1 included, alice fills three fields."""
    path, _ = make_demo(tmp_path / "demo")
    toml = path / "protocol.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("dual = true", "dual = false"), encoding="utf-8")
    with open_project(path) as project:
        for stage in (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT):
            for who in ("alice", "bob"):
                decision = NewDecision(1, stage, who, Verdict.INCLUDE)
                decide(project, decision, mark_retrieved=True)
        values = {"tissue": ["bone"], "fraction": "exosomes", "direction": "benefit"}
        extraction.record_values(project, 1, "alice", values)
    return path


def test_fields_are_filled_or_missing_and_count_for_every_reviewer(single: Path) -> None:
    with open_project(single) as project:
        study = extraction.project_extractions(project)[1]
        assert study.count(FieldStatus.FILLED) == 3 and study.count(FieldStatus.EQUAL) == 0
        assert study.count(FieldStatus.MISSING) == len(study.fields) - 3
        assert study.done("alice") == study.done("bob") == 3  # bob sees the study as filled
        extraction.record_values(project, 1, "bob", {"direction": "harm"})  # a later value
        again = extraction.project_extractions(project)[1]
        state = next(f for f in again.fields if f.field.name == "direction")
        assert (state.status, state.value) == (FieldStatus.FILLED, "harm")
        assert extraction.conflicts(project) == []  # nothing to compare, nothing in conflict


def test_extract_show_says_filled_not_equal(single: Path) -> None:
    result = CliRunner().invoke(main, ["extract", "show", str(single)])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[1]
    assert "filled" in header and "equal" not in header and "extracted by" in header
    row = [cell for cell in result.stdout.splitlines()[3].split() if cell != "│"]
    assert row[:3] == ["1", "alice", "3"]
