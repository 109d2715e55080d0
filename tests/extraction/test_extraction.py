"""Extraction: the form in protocol.toml, recording values, dual extraction and consensus."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from screener import protocol
from screener.demo import make_demo
from screener.errors import ProtocolError, ScreenerError
from screener.extraction import service as extraction
from screener.extraction.service import FieldStatus
from screener.models import ExtractionKind, NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.protocol import FieldType
from screener.screening import decisions as review
from screener.screening import studies as study_states
from screener.screening.state import StudyStatus
from tests.paths import ROOT

DEMO_PROTOCOL = ROOT / "projects/secretome-demo/protocol.toml"


def assert_light_read_agrees(project: Project) -> None:
    """The exports' light read gives the values in force that the full states give."""
    studies = extraction.included_studies(project)
    full = extraction.project_extractions(project, studies)
    light = extraction.values_in_force(project, studies)
    assert light == {s: (e.in_force(), e.reviewers) for s, e in full.items()}


def include(project: Project, study: int, full_text: bool = True) -> None:
    """Both demo reviewers include ``study`` at title/abstract (and at full text)."""
    for who in ("alice", "bob"):
        review.decide(project, NewDecision(study, Stage.TITLE_ABSTRACT, who, Verdict.INCLUDE))
    if full_text:
        for who in ("alice", "bob"):
            review.decide(
                project,
                NewDecision(study, Stage.FULL_TEXT, who, Verdict.INCLUDE),
                mark_retrieved=True,
            )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path, _ = make_demo(tmp_path / "demo")
    with open_project(path) as project:
        include(project, 1)
        include(project, 2)
        include(project, 3, full_text=False)  # only at title/abstract: not extracted yet
        include(project, 4, full_text=False)  # 4: excluded at full text
        for who in ("alice", "bob"):
            review.decide(
                project,
                NewDecision(4, Stage.FULL_TEXT, who, Verdict.EXCLUDE, ("design",)),
                mark_retrieved=True,
            )
    return path


# -- the form in protocol.toml ---------------------------------------------------------------


def _demo_data() -> dict:
    return tomllib.loads(DEMO_PROTOCOL.read_text(encoding="utf-8"))


def _problems(data: dict) -> list[str]:
    with pytest.raises(ProtocolError) as caught:
        protocol.parse(data)
    return caught.value.problems


def test_demo_form_lists_the_secretome_fields_in_file_order() -> None:
    form = protocol.parse(_demo_data()).extraction
    assert form.dual is True
    assert [f.name for f in form.fields] == [
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
    dose = form.field_named("dose")
    assert dose is not None and dose.type is FieldType.NUMBER_UNIT and dose.minimum == 0
    assert "µg" in dose.units and dose.help
    assert form.field_named("fraction").vocabulary == "fraction"  # type: ignore[union-attr]


def test_no_extraction_section_means_an_empty_form() -> None:
    data = _demo_data()
    del data["extraction"]
    form = protocol.parse(data).extraction
    assert form.fields == () and form.dual is False


def test_template_example_form_is_valid_once_uncommented() -> None:
    lines = []
    in_form = False
    for line in protocol.template("T").splitlines():
        if line.startswith("# [extraction]"):
            in_form = True
        if in_form and not line.startswith("#"):
            in_form = False
        if in_form and (line.startswith("# [") or "=" in line):
            line = line.removeprefix("# ")
        lines.append(line)
    form = protocol.parse(tomllib.loads("\n".join(lines))).extraction
    assert [f.name for f in form.fields] == ["outcomes", "dose"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda x: x.update(colour=1), "extraction.colour: unknown setting (known: dual, fields)"),
        (lambda x: x.update(dual="yes"), "extraction.dual: must be true or false"),
        (lambda x: x.pop("fields"), "extraction.fields: missing section"),
        (lambda x: x.update(fields={}), "extraction.fields: lists no fields"),
        (
            lambda x: x["fields"].update(Dose={"type": "text", "label": "D"}),
            "extraction.fields.Dose: a field name must be lower-case letters, digits or _",
        ),
        (
            lambda x: x["fields"].update(bad="text"),
            'extraction.fields.bad: must be a section with type = "..." and label = "..."',
        ),
        (
            lambda x: x["fields"]["dose"].update(type="date"),
            "extraction.fields.dose.type: is 'date'; must be one of choice, multi, text, number, "
            "number_unit",
        ),
        (
            lambda x: x["fields"]["dose"].pop("type"),
            "extraction.fields.dose.type: is None; must be one of choice, multi, text, number, "
            "number_unit",
        ),
        (lambda x: x["fields"]["dose"].pop("label"), "extraction.fields.dose.label: missing"),
        (
            lambda x: x["fields"]["dose"].update(label=""),
            "extraction.fields.dose.label: must not be empty",
        ),
        (
            lambda x: x["fields"]["dose"].update(help=3),
            "extraction.fields.dose.help: must be text, not int",
        ),
        (
            lambda x: x["fields"]["dose"].update(colour="red"),
            "extraction.fields.dose.colour: unknown setting (known: help, label, max, min, type, "
            "units, vocabulary)",
        ),
        (
            lambda x: x["fields"]["dose"].update(vocabulary="tissue"),
            "extraction.fields.dose.vocabulary: does not apply to a number_unit field",
        ),
        (
            lambda x: x["fields"]["notes"].update(min=1),
            "extraction.fields.notes.min: does not apply to a text field",
        ),
        (
            lambda x: x["fields"]["dose"].update(min="none"),
            "extraction.fields.dose.min: must be a number",
        ),
        (
            lambda x: x["fields"]["dose"].update(min=10, max=1),
            "extraction.fields.dose.max: is below min (10)",
        ),
        (
            lambda x: x["fields"]["dose"].pop("units"),
            'extraction.fields.dose.units: missing (e.g. units = ["µg", "mg/kg"])',
        ),
        (
            lambda x: x["fields"]["dose"].update(units=[]),
            "extraction.fields.dose.units: a number_unit field needs at least one unit",
        ),
        (
            lambda x: x["fields"]["dose"].update(units=["µg", "µg"]),
            "extraction.fields.dose.units[1]: duplicate 'µg'",
        ),
        (
            lambda x: x["fields"]["tissue"].pop("vocabulary"),
            "extraction.fields.tissue.vocabulary: missing",
        ),
        (
            lambda x: x["fields"]["tissue"].update(vocabulary="organ"),
            "extraction.fields.tissue.vocabulary: no [vocabularies.organ] (known: cell_source, "
            "delivery, direction, fraction, model, outcome, preconditioning, tissue)",
        ),
    ],
)
def test_every_form_problem_is_named_by_its_key_path(change: Any, problem: str) -> None:
    data = _demo_data()
    change(data["extraction"])
    assert _problems(data) == [problem]


# -- values ------------------------------------------------------------------------------------


def test_included_studies_are_those_included_at_full_text(demo: Path) -> None:
    with open_project(demo) as project:
        assert extraction.included_studies(project) == [1, 2]
        with pytest.raises(ScreenerError, match="study 3 is not included at full text"):
            extraction.record_values(project, 3, "alice", {"notes": "x"})


def test_included_studies_follow_the_screening_rules(tmp_path: Path) -> None:
    """The light read gives the same studies as the full review state, whatever happened:
    maybe, conflicts and resolutions, undo, a report not retrieved, a duplicate's id."""
    path, _ = make_demo(tmp_path / "rules")
    ta, ft = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
    inc, exc, maybe = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE
    with open_project(path) as project:
        plan = {
            5: (maybe, inc),
            6: (inc, exc),
            7: (inc, inc),
            8: (inc, inc),
            9: (inc, inc),
            10: (inc, inc),
            12: (exc, exc),
            13: (inc, inc),
            14: (inc, inc),
        }
        for study, (a, b) in plan.items():
            review.decide(project, NewDecision(study, ta, "alice", a))
            review.decide(project, NewDecision(study, ta, "bob", b))
        review.resolve(project, 6, ta, "alice", inc)  # conflict resolved: include
        review.set_retrieval(project, 7, RetrievalStatus.NOT_RETRIEVED, "bob", reason="lost")
        for study in (5, 6, 8, 9, 10, 13, 14):
            review.decide(project, NewDecision(study, ft, "alice", inc), mark_retrieved=True)
        for study in (5, 6, 9, 10, 14):
            review.decide(project, NewDecision(study, ft, "bob", inc), mark_retrieved=True)
        review.decide(project, NewDecision(8, ft, "bob", exc, ("design",)), mark_retrieved=True)
        review.decide(project, NewDecision(13, ft, "bob", exc, ("design",)), mark_retrieved=True)
        review.resolve(project, 13, ft, "bob", inc)  # full-text conflict resolved: include
        project.store.events.add_decision(
            NewDecision(10, ft, "bob", Verdict.UNDO)
        )  # withdrawn: awaiting again
        review.decide(project, NewDecision(9, ft, "alice", exc, ("outcome",)))  # a change of mind
        state = study_states.review_state(project)
        expected = [s for s, st in state.states[ft].items() if st.status is StudyStatus.INCLUDED]
        assert extraction.included_studies(project) == sorted(expected) == [5, 6, 13, 14]
        duplicate = next(r for r, s in project.store.links.study_map().items() if s == 11)
        review.decide(
            project, NewDecision(duplicate, ta, "alice", inc)
        )  # a duplicate's id: study 11
        review.decide(project, NewDecision(11, ta, "bob", inc))
        for who in ("alice", "bob"):
            review.decide(project, NewDecision(11, ft, who, inc), mark_retrieved=True)
        assert 11 in extraction.included_studies(project)


def test_values_are_checked_and_stored_as_json(demo: Path) -> None:
    with open_project(demo) as project:
        events = extraction.record_values(
            project,
            1,
            "alice",
            {
                "tissue": ["Bone", "tendon"],
                "fraction": "exosomes",
                "dose": {"value": "10", "unit": "µg"},
                "follow_up": extraction.parse_text(
                    project.protocol.extraction.field_named("follow_up"), "4 weeks"
                ),  # type: ignore[arg-type]
                "notes": "  rat calvaria  ",
                "cell_source": "Synovial MSC",
            },
        )
        assert len({e.created_at for e in events}) == len(events) == 6
        assert [e.kind for e in events] == [ExtractionKind.VALUE] * 6
        stored = {e.field: e.value for e in project.store.extraction.extractions()}
        assert stored == {
            "tissue": ["bone", "tendon"],
            "fraction": "exosomes",
            "dose": {"value": 10.0, "unit": "µg"},
            "follow_up": {"value": 4.0, "unit": "weeks"},
            "notes": "rat calvaria",
            "cell_source": "Synovial MSC",
        }
        # a new term of the open cell_source vocabulary is a vocabulary event too
        assert "Synovial MSC" in review.vocabulary_terms(project)["cell_source"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "fraction",
            "microvesicles",
            "fraction: 'microvesicles' is not a term of the closed vocabulary 'fraction'",
        ),
        ("direction", ["benefit"], "direction: a term is needed, not ['benefit']"),
        ("tissue", [], "tissue: one or more terms are needed"),
        ("dose", {"value": "ten", "unit": "µg"}, "dose: 'ten' is not a number"),
        ("dose", {"value": "-1", "unit": "µg"}, "dose: -1 is below the minimum 0"),
        ("dose", {"value": "1", "unit": "g"}, "dose: 'g' is not one of its units"),
        ("dose", "10", 'dose: a number and a unit are needed, e.g. "10 µg"'),
        ("dose", {"value": "nan", "unit": "µg"}, "dose: 'nan' is not a finite number"),
        ("notes", 5, "notes: text is needed, not 5"),
        ("colour", "red", "no extraction field 'colour' in protocol.toml"),
    ],
)
def test_bad_values_name_the_field(demo: Path, field: str, value: object, message: str) -> None:
    with open_project(demo) as project:
        with pytest.raises(ScreenerError) as caught:
            extraction.record_values(project, 1, "alice", {"notes": "fine", field: value})
        assert str(caught.value).startswith(message)
        assert project.store.extraction.extractions() == []  # nothing of a rejected batch is kept


def test_parse_text_and_format_value() -> None:
    form = protocol.parse(_demo_data()).extraction
    dose, tissue = form.field_named("dose"), form.field_named("tissue")
    assert dose is not None and tissue is not None
    assert extraction.parse_text(dose, "2.5e9 particles") == {"value": "2.5e9", "unit": "particles"}
    assert extraction.parse_text(dose, "10", unit="µg") == {"value": "10", "unit": "µg"}
    assert extraction.parse_text(tissue, "bone; skin/wound ;") == ["bone", "skin/wound"]
    assert extraction.parse_text(tissue, "  ") is None
    with pytest.raises(ScreenerError, match="not a number and a unit"):
        extraction.parse_text(dose, "ten")
    assert extraction.format_value({"value": 10.0, "unit": "µg"}) == "10 µg"
    assert extraction.format_value({"value": 0.25, "unit": "mL"}) == "0.25 mL"
    assert extraction.format_value(["a", "b"]) == "a; b"
    assert extraction.format_value(None) == ""


def test_dual_extraction_compare_and_consensus(demo: Path) -> None:
    with open_project(demo) as project:
        extraction.record_values(
            project,
            1,
            "alice",
            {"fraction": "exosomes", "tissue": ["bone", "tendon"], "notes": "Rat"},
        )
        first = extraction.project_extractions(project)[1]
        assert {f.field.name: f.status for f in first.fields}["fraction"] is FieldStatus.MISSING
        assert first.in_force()["fraction"] is None  # one of two reviewers: not in force yet
        extraction.record_values(
            project,
            1,
            "bob",
            {"fraction": "conditioned medium", "tissue": ["tendon", "bone"], "notes": "rat "},
        )
        states = {f.field.name: f for f in extraction.project_extractions(project)[1].fields}
        assert states["tissue"].status is FieldStatus.EQUAL  # same terms in another order
        assert states["notes"].status is FieldStatus.EQUAL  # text ignoring case and spaces
        assert states["fraction"].status is FieldStatus.DIFFER
        assert states["fraction"].values == {"alice": "exosomes", "bob": "conditioned medium"}
        assert states["tissue"].value == ["bone", "tendon"]
        assert [(s, f.field.name) for s, f in extraction.conflicts(project)] == [(1, "fraction")]
        assert_light_read_agrees(project)

        extraction.record_values(project, 1, "alice", {"fraction": "exosomes"}, consensus=True)
        resolved = {f.field.name: f for f in extraction.project_extractions(project)[1].fields}
        assert resolved["fraction"].status is FieldStatus.RESOLVED
        assert resolved["fraction"].value == "exosomes"
        assert resolved["fraction"].consensus is not None
        assert extraction.conflicts(project) == []
        # clearing the consensus (a new event) brings the conflict back; nothing is deleted
        assert_light_read_agrees(project)
        extraction.record_values(project, 1, "bob", {"fraction": None}, consensus=True)
        assert len(extraction.conflicts(project)) == 1
        assert_light_read_agrees(project)
        assert len(project.store.extraction.extractions()) == 8


def test_latest_value_per_reviewer_is_in_force_and_none_clears(demo: Path) -> None:
    with open_project(demo) as project:
        for value in ("exosomes", "extracellular vesicles"):
            extraction.record_values(project, 2, "alice", {"fraction": value})
            extraction.record_values(project, 2, "bob", {"fraction": value})
        state = extraction.project_extractions(project)[2]
        assert state.in_force()["fraction"] == "extracellular vesicles"
        assert state.done("alice") == 1 and state.reviewers == ["alice", "bob"]
        extraction.record_values(project, 2, "bob", {"fraction": None})
        assert_light_read_agrees(project)
        state = extraction.project_extractions(project)[2]
        assert state.fields[3].status is FieldStatus.MISSING and state.done("bob") == 0


def test_single_extraction_uses_the_one_value_and_refuses_consensus(tmp_path: Path) -> None:
    path, _ = make_demo(tmp_path / "demo")
    toml = path / "protocol.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("dual = true", "dual = false"), encoding="utf-8"
    )
    with open_project(path) as project:
        include(project, 1)
        extraction.record_values(project, 1, "bob", {"direction": "benefit"})
        assert extraction.project_extractions(project)[1].in_force()["direction"] == "benefit"
        extraction.record_values(project, 1, "alice", {"direction": "harm"})
        extraction.record_values(project, 1, "bob", {"direction": "mixed"})
        extraction.record_values(project, 1, "alice", {"direction": "no difference"})
        # two single extractors: the latest value, whoever's name sorts last
        assert extraction.project_extractions(project)[1].in_force()["direction"] == "no difference"
        assert_light_read_agrees(project)
        # bob (who gave the first value of all) gives one again: his is the last given,
        # however the reviewers' events came before
        extraction.record_values(project, 1, "bob", {"direction": "harm"})
        assert extraction.project_extractions(project)[1].in_force()["direction"] == "harm"
        assert_light_read_agrees(project)
        extraction.record_values(project, 1, "bob", {"direction": None})  # bob clears
        assert extraction.project_extractions(project)[1].in_force()["direction"] == "no difference"
        assert_light_read_agrees(project)
        with pytest.raises(ScreenerError, match="consensus values are for dual extraction"):
            extraction.record_values(project, 1, "bob", {"direction": "harm"}, consensus=True)


def test_reviewer_must_be_listed_and_project_needs_a_form(demo: Path, project: Project) -> None:
    with (
        open_project(demo) as opened,
        pytest.raises(ScreenerError, match="reviewer 'carol' is not in protocol.toml"),
    ):
        extraction.record_values(opened, 1, "carol", {"notes": "x"})
    with pytest.raises(ScreenerError, match="protocol.toml has no extraction form"):
        extraction.form_fields(project)


def test_events_map_to_the_study_of_their_record_after_dedup(demo: Path) -> None:
    with open_project(demo) as project:
        study_map = project.store.links.study_map()
        merged = next(iter(study_map.items()), None)
        if merged is None:
            pytest.skip("the demo has no merged duplicates")
        record, study = merged
        events = [
            project.store.extraction.add_extraction(record, "notes", "from the duplicate", "alice"),
        ]
        found = extraction.study_extractions(
            extraction.form_fields(project), events, study_states.StudyOfMap(study_map), dual=False
        )
        assert found[study].in_force()["notes"] == "from the duplicate"


# -- the command line --------------------------------------------------------------------------


def test_cli_set_show_conflicts_resolve(demo: Path) -> None:
    import json

    from click.testing import CliRunner, Result

    from screener.cli import main

    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, ["extract", *args])

    ok = run("set", str(demo), "1", "dose", "10 µg", "--reviewer", "alice")
    assert ok.exit_code == 0 and "Saved value of study 1, Dose: 10 µg (alice)" in ok.output
    assert (
        run("set", str(demo), "1", "dose", "5", "--unit", "mL", "--reviewer", "bob").exit_code == 0
    )
    bad = run("set", str(demo), "1", "dose", "ten", "--reviewer", "alice")
    assert bad.exit_code == 1 and "error: dose: 'ten' is not a number and a unit" in bad.output
    assert "Traceback" not in bad.output
    missing = run("set", str(demo), "1", "dose", "1 µg")
    assert missing.exit_code == 2 and "give --reviewer NAME" in missing.output
    shown = run("show", str(demo))
    assert "2 included studies" in shown.output and "alice 1/11, bob 1/11" in shown.output
    listed = json.loads(run("conflicts", str(demo), "--json").output)
    assert listed == [
        {
            "study": 1,
            "field": "dose",
            "status": "differ",
            "values": {"alice": {"value": 10.0, "unit": "µg"}, "bob": {"value": 5.0, "unit": "mL"}},
            "consensus": None,
            "in_force": None,
        }
    ]
    resolved = run("resolve", str(demo), "1", "dose", "10 µg", "--reviewer", "bob")
    assert "Saved consensus of study 1, Dose: 10 µg (bob)" in resolved.output
    assert "No differing values" in run("conflicts", str(demo)).output
    one = json.loads(run("show", str(demo), "1", "--json").output)
    assert one[0]["fields"][6]["in_force"] == {"value": 10.0, "unit": "µg"}
    assert "resolved" in run("show", str(demo), "1").output
    assert run("show", str(demo), "3").exit_code == 1
    cleared = run("set", str(demo), "1", "dose", "", "--reviewer", "alice")
    assert "Dose: (cleared)" in cleared.output
    assert "Example:" in runner.invoke(main, ["extract", "set", "--help"]).output


# -- sync between copies -----------------------------------------------------------------------


def test_extraction_events_sync_between_copies(tmp_path: Path) -> None:
    """Each reviewer extracts in their own copy; after syncing both ways the two copies hold
    the same events and agree on every value in force, conflict and consensus."""
    from screener.sync.service import export_events, import_events, import_files, write_jsonl

    a, _ = make_demo(tmp_path / "a")
    b, _ = make_demo(tmp_path / "b")
    with open_project(a) as project:
        include(project, 1)

    def sync(source: Path, reviewer: str, target: Path) -> dict[str, int]:
        file = tmp_path / f"{reviewer}.jsonl"
        with open_project(source) as project:
            write_jsonl(file, export_events(project, reviewer))
        with open_project(target) as project:
            return import_events(project, file).added

    # the screening reaches copy b as both reviewers' files, imported together: each one's
    # full-text decision needs the other's inclusion at title/abstract
    files = [tmp_path / "alice-screening.jsonl", tmp_path / "bob-screening.jsonl"]
    with open_project(a) as project:
        for file, reviewer in zip(files, ("alice", "bob"), strict=True):
            write_jsonl(file, export_events(project, reviewer))
    with open_project(b) as project:
        import_files(project, files)
    with open_project(a) as project:
        extraction.record_values(
            project, 1, "alice", {"fraction": "exosomes", "dose": {"value": 2, "unit": "µg"}}
        )
    with open_project(b) as project:
        extraction.record_values(
            project,
            1,
            "bob",
            {"fraction": "conditioned medium", "dose": {"value": 2, "unit": "µg"}},
        )

    assert sync(a, "alice", b)["extraction"] == 2
    assert sync(b, "bob", a)["extraction"] == 2
    with open_project(a) as project:
        extraction.record_values(project, 1, "alice", {"fraction": "exosomes"}, consensus=True)
    assert sync(a, "alice", b)["extraction"] == 1  # only the consensus is new
    assert sync(a, "alice", b)["extraction"] == 0  # importing again changes nothing

    def state(path: Path) -> list[tuple[str, str, object, object]]:
        with open_project(path) as project:
            found = extraction.project_extractions(project)[1]
        return [(f.field.name, str(f.status), f.values, f.value) for f in found.fields]

    assert state(a) == state(b)
    assert (
        "fraction",
        "resolved",
        {"alice": "exosomes", "bob": "conditioned medium"},
        "exosomes",
    ) in state(b)
    two = {"value": 2.0, "unit": "µg"}
    assert ("dose", "equal", {"alice": two, "bob": two}, two) in state(a)


def test_a_sync_file_with_a_broken_extraction_value_is_refused(tmp_path: Path) -> None:
    import json

    from screener.errors import ImportFormatError
    from screener.sync.service import export_events, import_events, write_jsonl

    path, _ = make_demo(tmp_path / "a")
    with open_project(path) as project:
        include(project, 1)
        extraction.record_values(project, 1, "alice", {"notes": "fine"})
        events = export_events(project, "alice")
    extracted = next(e for e in events if e["kind"] == "extraction")
    assert json.loads(extracted["value"]) == "fine" and extracted["value_kind"] == "value"
    extracted["value"] = "not json {"
    file = tmp_path / "broken.jsonl"
    write_jsonl(file, events)
    other, _ = make_demo(tmp_path / "b")
    with open_project(other) as project, pytest.raises(ImportFormatError) as caught:
        import_events(project, file)
    assert "extraction field 'value' must be JSON text" in str(caught.value)


def test_scanning_the_table_reads_the_same_events(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a few thousand records the store scans the table instead of looking records up
    by id; both ways must give the same events in the same order."""
    from screener.store import extraction as store_extraction

    with open_project(demo) as project:
        for who, fraction in (("alice", "exosomes"), ("bob", "conditioned medium")):
            extraction.record_values(project, 1, who, {"fraction": fraction, "notes": "n"})
            extraction.record_values(project, 2, who, {"tissue": ["bone"]})
        extraction.record_values(project, 1, "alice", {"fraction": "exosomes"}, consensus=True)
        store = project.store
        looked_up = (store.extraction.extractions(record_ids=[1, 2]), store.extraction.rows([1]))
        light = extraction.values_in_force(project, [1, 2])
        monkeypatch.setattr(store_extraction, "_SCAN_ABOVE", 0)
        assert (
            store.extraction.extractions(record_ids=[1, 2]),
            store.extraction.rows([1]),
        ) == looked_up
        assert extraction.values_in_force(project, [1, 2]) == light
        assert light[1][0]["fraction"] == "exosomes" and light[2][0]["tissue"] == ["bone"]
        assert_light_read_agrees(project)
