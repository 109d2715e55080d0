"""A full-text decision assesses the report, so the report must be marked retrieved first;
`--retrieved` (mark_retrieved) records the mark with the decision. PRISMA then never counts
a report as assessed while its retrieval is not yet sought or still sought."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.prisma.inputs import project_prisma
from screener.project import Project, open_project
from screener.screening.decisions import ReportNotRetrievedError, decide, set_retrieval
from screener.screening.studies import current_retrievals

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
EXCLUDE = NewDecision(1, FT, "alice", Verdict.EXCLUDE, ["design"])


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = make_demo(tmp_path_factory.mktemp("template") / "demo")
    with open_project(path) as project:
        for who in ("alice", "bob"):
            decide(project, NewDecision(1, TA, who, Verdict.INCLUDE))
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Project]:
    with open_project(demo_path) as project:
        yield project


def test_a_report_not_sought_yet_cannot_be_excluded(demo: Project) -> None:
    before = project_prisma(demo).main
    with pytest.raises(ReportNotRetrievedError, match="study 1 is not sought yet: mark it"):
        decide(demo, EXCLUDE)  # a face can tell this refusal from others, to offer the mark
    set_retrieval(demo, 1, RetrievalStatus.SOUGHT, "alice")
    with pytest.raises(ScreenerError, match="study 1 is marked sought"):
        decide(demo, NewDecision(1, FT, "bob", Verdict.INCLUDE))
    assert demo.store.events.decisions(stage=FT) == []
    after = project_prisma(demo).main
    assert (before.reports_assessed, after.reports_assessed) == (0, 0)
    assert after.reports_awaiting_retrieval == 1  # sought: awaiting retrieval, not assessed


def test_a_retrieved_report_can_be_decided(demo: Project) -> None:
    set_retrieval(demo, 1, RetrievalStatus.RETRIEVED, "alice")
    assert decide(demo, EXCLUDE).stage is FT


def test_mark_retrieved_records_the_mark_with_the_decision(demo: Project) -> None:
    made = decide(demo, EXCLUDE, mark_retrieved=True)
    mark = current_retrievals(demo)[1]
    assert (mark.status, mark.reviewer) == (RetrievalStatus.RETRIEVED, "alice")
    decide(demo, NewDecision(1, FT, "bob", Verdict.EXCLUDE, ["design"]))  # retrieved already
    assert len(demo.store.events.retrievals()) == 1 and made.reasons == ("design",)
    counts = project_prisma(demo).main
    assert (counts.reports_sought, counts.reports_assessed, counts.reports_awaiting_retrieval) == (
        1,
        1,
        0,
    )
    assert counts.reports_excluded == (("Not primary research", 1),)


def test_a_refused_decision_leaves_no_mark(demo: Project) -> None:
    """The mark and the decision are one transaction: a tag refused after the mark was
    written takes the mark back too."""
    wrong = NewDecision(1, FT, "alice", Verdict.INCLUDE, tags={"fraction": ["plasma"]})
    with pytest.raises(ScreenerError, match="closed vocabulary 'fraction'"):
        decide(demo, wrong, mark_retrieved=True)
    assert demo.store.events.retrievals() == [] and demo.store.events.decisions(stage=FT) == []


def test_the_cli_refuses_and_takes_retrieved(demo_path: Path) -> None:
    args = ["decide", str(demo_path), "exclude", "--record", "1", "--stage", "ft"]
    args += ["--reviewer", "alice", "--reason", "design"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1 and "--retrieved" in refused.stderr
    done = CliRunner().invoke(main, [*args, "--retrieved"])
    assert done.exit_code == 0, done.output
    assert "report marked retrieved" in done.stdout
