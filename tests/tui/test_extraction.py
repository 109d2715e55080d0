"""Pilot tests of the Extraction screen: every binding, values saved before they are shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from screener.extraction import service as extraction
from screener.models import ExtractionKind, NewDecision, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.terms import TermsModal
from screener.tui.screens.dashboard import DashboardScreen
from screener.tui.screens.extraction import ExtractionScreen
from tests.tui.helpers import demo_copy, make_app, plain, shown

SIZE = (100, 32)
FIELDS = [
    "tissue",
    "model",
    "cell_source",
    "fraction",
    "preconditioning",
    "delivery",
    "dose",
    "outcomes",
    "direction",
    "follow_up",
    "notes",
]


def include(path: Path, *studies: int) -> None:
    with open_project(path) as project:
        for study in studies:
            for stage in (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT):
                for who in ("alice", "bob"):
                    review.decide(
                        project,
                        NewDecision(study, stage, who, Verdict.INCLUDE),
                        mark_retrieved=True,
                    )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = demo_copy(tmp_path)
    include(path, 1, 2)
    return path


def mine(path: Path, study: int, reviewer: str = "alice") -> dict[str, object]:
    with open_project(path) as project:
        found = extraction.project_extractions(project)[study]
    return {f.field.name: f.values.get(reviewer) for f in found.fields if reviewer in f.values}


def field_prompts(app) -> list[str]:  # type: ignore[no-untyped-def]
    options = app.screen.query_one("#extract-fields")
    return [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def to_field(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    options = pilot.app.screen.query_one("#extract-fields")
    options.highlighted = FIELDS.index(name)
    await pilot.pause()


async def test_dashboard_key_opens_the_screen_and_escape_goes_back(demo: Path) -> None:
    app = make_app(demo, start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExtractionScreen)
        assert app.screen.studies == [1, 2]
        assert "study 1/2 · 0/11 filled · 0 differ" in shown(app, "#extract-status")
        assert "Tissue or organ the secretome is meant to regenerate" in field_prompts(app)[0]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_choice_and_multi_fields_use_the_term_picker(demo: Path) -> None:
    app = make_app(demo, start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # tissue: multi
        assert isinstance(app.screen, TermsModal)
        await pilot.press(*"bone", "enter", *"tendon", "enter", "escape")
        await pilot.pause()
        assert mine(demo, 1) == {"tissue": ["bone", "tendon"]}
        assert "Saved: Tissue = bone; tendon" in shown(app, "#extract-status")
        await to_field(pilot, "cell_source")  # choice in an open vocabulary: a new term
        await pilot.press("e")
        assert isinstance(app.screen, TermsModal) and app.screen.single  # one term, no boxes
        assert "Choose one: cell_source" in shown(app, ".dialog-title")
        assert "[ ]" not in plain(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        await pilot.press(*"synovial MSC", "ctrl+n")  # added and chosen: the picker closes
        await pilot.pause()
        assert mine(demo, 1)["cell_source"] == "synovial MSC"
        with open_project(demo) as project:
            assert "synovial MSC" in review.vocabulary_terms(project)["cell_source"]
        await to_field(pilot, "fraction")  # a second pick replaces the first: one term
        await pilot.press("e", *"exosomes", "enter")
        await pilot.pause()
        await pilot.press("e", *"conditioned", "enter")
        await pilot.pause()
        assert mine(demo, 1)["fraction"] == "conditioned medium"
        assert "conditioned medium" in field_prompts(app)[3]


async def test_number_unit_text_and_bad_input(demo: Path) -> None:
    app = make_app(demo, start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        await to_field(pilot, "dose")
        await pilot.press("e")
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*"10 µg", "enter")
        await pilot.pause()
        assert mine(demo, 1) == {"dose": {"value": 10.0, "unit": "µg"}}
        await pilot.press("e", "ctrl+u", *"5 g", "enter")  # not one of the units
        await pilot.pause()
        assert mine(demo, 1)["dose"] == {"value": 10.0, "unit": "µg"}
        assert isinstance(app.screen, PromptModal)  # kept open, with the text and why
        assert app.screen.query_one(Input).value == "5 g"
        assert "'g' is not one of its units" in shown(app, "#prompt-error")
        await pilot.press("escape")
        await to_field(pilot, "notes")
        await pilot.press("e", *"[bold]rat[/] calvaria", "enter")
        await pilot.pause()
        assert mine(demo, 1)["notes"] == "[bold]rat[/] calvaria"
        assert "[bold]rat[/] calvaria" in field_prompts(app)[10]  # literal, never markup
        await pilot.press("e", "escape")  # Escape cancels: nothing new is recorded
        await pilot.pause()
        with open_project(demo) as project:
            assert len(project.store.extraction.extractions()) == 2


async def test_clear_is_a_new_event(demo: Path) -> None:
    with open_project(demo) as project:
        extraction.record_values(project, 1, "alice", {"notes": "to be cleared"})
    app = make_app(demo, start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        await to_field(pilot, "notes")
        await pilot.press("x")
        await pilot.pause()
        assert "notes" not in mine(demo, 1)
        assert "Saved: Notes = cleared" in shown(app, "#extract-status")
    with open_project(demo) as project:
        assert [e.value for e in project.store.extraction.extractions()] == ["to be cleared", None]


async def test_next_and_previous_study(demo: Path) -> None:
    app = make_app(demo, start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ExtractionScreen)
        citation = shown(app, "#extract-citation")
        await pilot.press("n")
        assert screen.studies[screen.index] == 2
        assert shown(app, "#extract-citation") != citation
        await pilot.press("right")  # wraps round to the first
        assert screen.index == 0
        await pilot.press("p")
        assert screen.index == 1
        await pilot.press("left")
        assert screen.index == 0 and shown(app, "#extract-citation") == citation


async def test_compare_marks_disagreements_and_consensus_picks_a_value(demo: Path) -> None:
    with open_project(demo) as project:
        extraction.record_values(project, 1, "alice", {"fraction": "exosomes", "tissue": "bone"})
        extraction.record_values(
            project, 1, "bob", {"fraction": "conditioned medium", "tissue": "bone"}
        )
    app = make_app(demo, "bob", start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        assert "1 differ" in shown(app, "#extract-status")
        assert "alice" not in field_prompts(app)[3]  # the form shows only your own values
        await pilot.press("v")
        prompts = field_prompts(app)
        assert "= agree" in prompts[0] and "≠ differ" in prompts[3]
        assert "alice      exosomes" in prompts[3] and "bob        conditioned medium" in prompts[3]
        await to_field(pilot, "fraction")
        await pilot.press("c")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("1")  # alice's value
        await pilot.pause()
        assert "✓ consensus" in field_prompts(app)[3]
        assert "Saved consensus: Secretome fraction = exosomes" in shown(app, "#extract-status")
        await pilot.press("c", "3")  # another value, typed
        await pilot.press(*"extracellular", "enter")  # a single choice: Enter picks it
        await pilot.pause()
        await pilot.press("c", "4")  # withdraw it
        await pilot.pause()
        assert "≠ differ" in field_prompts(app)[3]
        await pilot.press("v")
        assert "Extraction" in shown(app, "#extract-status")
    with open_project(demo) as project:
        agreed = [
            e for e in project.store.extraction.extractions() if e.kind is ExtractionKind.CONSENSUS
        ]
        assert [(e.value, e.reviewer) for e in agreed] == [
            ("exosomes", "bob"),
            ("extracellular vesicles", "bob"),
            (None, "bob"),
        ]


async def test_single_extraction_hides_compare_and_consensus(tmp_path: Path) -> None:
    path = demo_copy(tmp_path)
    toml = path / "protocol.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("dual = true", "dual = false"), encoding="utf-8"
    )
    include(path, 1)
    app = make_app(path, start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v", "c")
        await pilot.pause()
        assert isinstance(app.screen, ExtractionScreen) and not app.screen.comparing
        assert "differ" not in shown(app, "#extract-status")


async def test_no_included_study_says_so(tmp_path: Path) -> None:
    app = make_app(demo_copy(tmp_path), start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "x", "n")
        assert "No study is included at full text yet" in shown(app, "#extract-citation")


async def test_keys_can_be_remapped_by_binding_id(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nextract-next-study = "j"\n', encoding="utf-8")
    monkeypatch.setenv("SCREENER_CONFIG", str(config))
    app = make_app(demo, start="extraction")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        assert app.screen.index == 1  # type: ignore[attr-defined]
