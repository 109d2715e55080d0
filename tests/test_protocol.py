"""protocol.toml: the template, validation with key paths, and opening projects."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from screener import protocol
from screener.errors import ProtocolError, ScreenerError
from screener.models import Stage
from screener.project import PROTOCOL_FILE, init_project, open_project


def _template_data() -> dict:
    return tomllib.loads(protocol.template("T"))


def test_template_is_valid_and_commented() -> None:
    text = protocol.template('Stem cells "secretome" review')
    assert text.count("#") > 10
    parsed = protocol.parse(tomllib.loads(text))
    assert parsed.title == 'Stem cells "secretome" review'
    assert parsed.dual_screening is True
    assert set(parsed.vocabularies) >= {"tissue", "model", "outcome"}
    assert parsed.stages[Stage.FULL_TEXT].reason_required is True
    assert parsed.merge_preprints is False
    assert "[dedup]" in text and "merge_preprints = false" in text


def _problems(data: dict) -> list[str]:
    with pytest.raises(ProtocolError) as caught:
        protocol.parse(data)
    return caught.value.problems


def test_reports_every_problem_with_its_key_path() -> None:
    data = _template_data()
    data["stages"]["full_text"]["reasons"][2]["label"] = "No outcome; no data"
    data["stages"]["full_text"]["reasons"][3]["code"] = "Bad Code"
    data["vocabularies"]["tissue"]["terms"] = ["bone", "Bone"]
    del data["vocabularies"]["outcome"]
    data["dual_screening"] = "yes"
    data["highlights"]["include"] = ["exosom*", "(regex)+"]
    data["colour"] = "blue"
    problems = _problems(data)
    assert (
        "stages.full_text.reasons[2]: label contains ';' (PRISMA2020 files split on it)" in problems
    )
    assert any(p.startswith("stages.full_text.reasons[3]: code 'Bad Code'") for p in problems)
    assert "vocabularies.tissue.terms[1]: duplicate 'Bone'" in problems
    assert any(p.startswith("vocabularies.outcome: missing vocabulary") for p in problems)
    assert "dual_screening: must be true or false" in problems
    assert any(p.startswith("highlights.include[1]:") for p in problems)
    assert any(p.startswith("colour: unknown setting") for p in problems)
    assert len(problems) == 7


def test_reason_codes_unique_and_closed_vocabulary_needs_terms() -> None:
    data = _template_data()
    data["stages"]["title_abstract"]["reasons"].append({"code": "design", "label": "Again"})
    data["vocabularies"]["species"] = {"open": False, "terms": []}
    problems = _problems(data)
    assert any("code 'design' is used twice" in p for p in problems)
    assert "vocabularies.species.terms: a closed vocabulary needs at least one term" in problems


def test_init_writes_template_and_open_validates(tmp_path: Path) -> None:
    path = init_project(tmp_path / "p", "My review")
    assert (path / "screener.db").exists()
    with open_project(path) as project:
        assert project.protocol.title == "My review"
    with pytest.raises(ScreenerError, match="already a screener project"):
        init_project(path)
    text = (path / PROTOCOL_FILE).read_text()
    (path / PROTOCOL_FILE).write_text(
        text.replace('label = "Wrong population"', 'label = "a, b"', 1)
    )
    with pytest.raises(ProtocolError) as caught:
        open_project(path)
    assert caught.value.problems == [
        "stages.title_abstract.reasons[0]: label contains ',' (PRISMA2020 files split on it)"
    ]


def test_broken_toml_and_missing_project(tmp_path: Path) -> None:
    path = init_project(tmp_path / "p")
    (path / PROTOCOL_FILE).write_text("title = \n")
    with pytest.raises(ProtocolError, match="not valid TOML"):
        open_project(path)
    with pytest.raises(ScreenerError, match="no such project folder"):
        open_project(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScreenerError, match="not a screener project"):
        open_project(tmp_path / "empty")


def test_dedup_section_is_optional_and_checked() -> None:
    data = _template_data()
    del data["dedup"]
    assert protocol.parse(data).merge_preprints is False  # protocols written before [dedup]
    data["dedup"] = {"merge_preprints": True}
    assert protocol.parse(data).merge_preprints is True
    data["dedup"] = {"merge_preprints": "yes", "threshold": 0.9}
    assert _problems(data) == [
        "dedup.threshold: unknown setting (known: merge_preprints)",
        "dedup.merge_preprints: must be true or false",
    ]
    data["dedup"] = 3
    assert _problems(data) == ["dedup: must be a section (table)"]


def test_screening_and_keys_sections() -> None:
    data = _template_data()
    parsed = protocol.parse(data)
    assert (parsed.second_review_percent, parsed.queue_order, parsed.seed) == (100, "import", 1)
    assert parsed.keys == {}  # the template's [keys] has only comments
    del data["screening"], data["keys"]
    parsed = protocol.parse(data)  # both sections are optional
    assert (parsed.second_review_percent, parsed.queue_order, parsed.seed) == (100, "import", 1)
    data["screening"] = {"second_review_percent": 20, "order": "random", "seed": -7}
    data["keys"] = {"include": "y, right", "exclude": "ctrl+x", "next": "j,down"}
    parsed = protocol.parse(data)
    assert (parsed.second_review_percent, parsed.queue_order, parsed.seed) == (20, "random", -7)
    assert parsed.keys == {"include": "y,right", "exclude": "ctrl+x", "next": "j,down"}
    for percent in (0, 100):
        data["screening"] = {"second_review_percent": percent}
        assert protocol.parse(data).second_review_percent == percent


@pytest.mark.parametrize(
    ("section", "value", "problem"),
    [
        (
            "screening",
            {"second_review_percent": 101},
            "screening.second_review_percent: must be a whole number from 0 to 100",
        ),
        ("screening", {"second_review_percent": -1}, "screening.second_review_percent:"),
        ("screening", {"second_review_percent": True}, "screening.second_review_percent:"),
        ("screening", {"second_review_percent": 12.5}, "screening.second_review_percent:"),
        ("screening", {"second_review_percent": "20"}, "screening.second_review_percent:"),
        (
            "screening",
            {"order": "newest"},
            "screening.order: must be one of import, random, ranked",
        ),
        ("screening", {"seed": "x"}, "screening.seed: must be a whole number"),
        ("screening", {"seed": False}, "screening.seed: must be a whole number"),
        (
            "screening",
            {"speed": 3},
            "screening.speed: unknown setting; did you mean 'seed'? "
            "(known: order, second_review_percent, seed)",
        ),
        ("screening", 3, "screening: must be a section (table)"),
        ("keys", {"include": 5}, 'keys.include: must be a key name such as "y", "ctrl+y"'),
        ("keys", {"include": "y,,z"}, "keys.include: must be a key name"),
        ("keys", {"include": ""}, "keys.include: must be a key name"),
        ("keys", "y", "keys: must be a section (table)"),
    ],
)
def test_screening_and_keys_problems(section: str, value: object, problem: str) -> None:
    data = _template_data()
    data[section] = value
    problems = _problems(data)
    assert len(problems) == 1 and problems[0].startswith(problem), problems


# -- typos, bounds, size --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["stages"]["full_text"].update(reason_requird=True),
            "stages.full_text.reason_requird: unknown setting; did you mean 'reason_required'?",
        ),
        (
            lambda d: d["criteria"].update(exclusions=[]),
            "criteria.exclusions: unknown setting; did you mean 'exclusion'?",
        ),
        (
            lambda d: d["highlights"].update(exlcude=[]),
            "highlights.exlcude: unknown setting; did you mean 'exclude'?",
        ),
        (
            lambda d: d.update(keys={"launch_missiles": "y"}),
            "keys.launch_missiles: unknown binding id",
        ),
        (lambda d: d.update(keys={"inclde": "y"}), "keys.inclde: unknown binding id; did you mean"),
    ],
)
def test_unknown_keys_are_errors_with_the_closest_known_key(edit: Any, expected: str) -> None:
    data = _template_data()
    edit(data)
    (problem,) = _problems(data)
    assert problem.startswith(expected), problem


def test_a_known_key_is_not_reported() -> None:
    data = _template_data()
    data["keys"] = {"include": "y", "open-pdf": "ctrl+o"}
    assert protocol.parse(data).keys == {"include": "y", "open-pdf": "ctrl+o"}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_bounds_must_be_finite(value: float) -> None:
    data = _template_data()
    data["extraction"] = {"fields": {"n": {"type": "number", "label": "N", "min": value}}}
    assert _problems(data) == [f"extraction.fields.n.min: must be a finite number, not {value}"]
    data["extraction"]["fields"]["n"]["min"] = -1.5  # a finite number is kept
    assert protocol.parse(data).extraction.fields[0].minimum == -1.5


def test_a_hundred_thousand_reasons_are_validated_with_every_duplicate_found() -> None:
    """Validation is linear in the number of reasons (bench/hostile_bench.py times it)."""
    data = _template_data()
    reasons = [{"code": f"r{i}", "label": f"Reason {i}"} for i in range(100_000)]
    data["stages"]["title_abstract"]["reasons"] = reasons
    assert len(protocol.parse(data).stages[Stage.TITLE_ABSTRACT].reasons) == 100_000
    reasons[99_999] = {"code": "r5", "label": "Again"}
    assert _problems(data) == ["stages.title_abstract.reasons[99999]: code 'r5' is used twice"]


def test_the_binding_ids_are_those_of_the_terminal_ui() -> None:
    """[keys] may remap exactly the bindings the TUI defines."""
    import importlib
    import pkgutil

    from textual.binding import Binding

    import screener.tui

    found = set()
    for module in pkgutil.walk_packages(screener.tui.__path__, "screener.tui."):
        for value in vars(importlib.import_module(module.name)).values():
            for binding in getattr(value, "BINDINGS", []) if isinstance(value, type) else []:
                if isinstance(binding, Binding) and binding.id:
                    found.add(binding.id)
    assert found == protocol.BINDING_IDS


def test_a_folder_a_bom_and_deep_nesting_are_one_line_each(tmp_path: Path) -> None:
    path = init_project(tmp_path / "p")
    target = path / PROTOCOL_FILE
    text = target.read_bytes()
    target.write_bytes(b"\xef\xbb\xbf" + text)
    with pytest.raises(ProtocolError, match="byte order mark") as caught:
        open_project(path)
    assert "\n" not in str(caught.value)
    target.write_bytes(text + b"\nx = " + b"[" * 10_000 + b"]" * 10_000 + b"\n")
    with pytest.raises(ProtocolError, match="nested too deeply"):
        open_project(path)
    target.unlink()
    target.mkdir()
    with pytest.raises(ProtocolError, match="cannot read") as caught:
        open_project(path)
    assert "\n" not in str(caught.value)
