"""The evidence table (CSV, XLSX, Markdown) and the evidence map (CSV, SVG): golden files,
spreadsheet safety, and what counts in the map."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.exports import evidence, evidence_map
from screener.exports.registry import kind_named
from screener.extraction import service as extraction
from screener.extraction.evidence import included_evidence
from screener.importers.service import import_files
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import Project, init_project, open_project
from screener.screening import decisions as review
from screener.screening.tags import resolve_tags
from tests.paths import ROOT, TESTS

GOLDEN = TESTS / "golden"
DEMO_PROTOCOL = ROOT / "projects/secretome-demo/protocol.toml"
UPDATE = bool(os.environ.get("SCREENER_UPDATE_GOLDEN"))  # SCREENER_UPDATE_GOLDEN=1 rewrites them


def include(
    project: Project,
    study: int,
    tags: dict[str, list[str]] | None = None,
    bob_tags: dict[str, list[str]] | None = None,
) -> None:
    """Both reviewers include ``study`` at both stages and tag it at title/abstract: alice
    with ``tags``, bob with ``bob_tags`` (the same tags unless given)."""
    given = {"alice": tags or {}, "bob": tags or {} if bob_tags is None else bob_tags}
    for stage in (Stage.TITLE_ABSTRACT, Stage.FULL_TEXT):
        if stage is Stage.FULL_TEXT:
            review.set_retrieval(project, study, RetrievalStatus.RETRIEVED, "alice")
        for who in ("alice", "bob"):
            tagged = given[who] if stage is Stage.TITLE_ABSTRACT else {}
            review.decide(project, NewDecision(study, stage, who, Verdict.INCLUDE, tags=tagged))


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """Three included studies: one extracted twice and resolved, one extracted by one
    reviewer only, one not extracted; study 4 is excluded at title/abstract."""
    path, _ = make_demo(tmp_path / "demo")
    with open_project(path) as project:
        include(project, 1, {"outcome": ["angiogenesis"], "tissue": ["skin/wound"]})
        include(project, 2)
        include(project, 3, {"outcome": ["wound closure", "angiogenesis"]})
        for who in ("alice", "bob"):
            review.decide(project, NewDecision(4, Stage.TITLE_ABSTRACT, who, Verdict.EXCLUDE))
        both = {
            "tissue": ["skin/wound", "bone"],
            "outcomes": ["wound closure"],
            "dose": {"value": 10, "unit": "µg"},
            "follow_up": {"value": 4, "unit": "weeks"},
            "notes": "Pipes | and\nnew lines",
        }
        extraction.record_values(project, 1, "alice", {**both, "fraction": "exosomes"})
        extraction.record_values(project, 1, "bob", {**both, "fraction": "conditioned medium"})
        extraction.record_values(project, 1, "bob", {"fraction": "exosomes"}, consensus=True)
        extraction.record_values(project, 3, "alice", {"tissue": ["tendon"]})  # not agreed yet
    return path


def csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs from golden"


def test_evidence_files_match_the_golden_files(demo: Path, tmp_path: Path) -> None:
    with open_project(demo) as project:
        paths = evidence.write_evidence(project, tmp_path / "out" / "evidence.csv")
    assert [p.name for p in paths] == ["evidence.csv", "evidence.xlsx", "evidence.md"]
    _golden("evidence.csv", paths[0].read_bytes().decode("utf-8"))
    _golden("evidence.md", paths[2].read_bytes().decode("utf-8"))


def test_evidence_rows_hold_the_values_in_force(demo: Path, tmp_path: Path) -> None:
    with open_project(demo) as project:
        studies = extraction.included_studies(project)
        full = extraction.project_extractions(project, studies)
        light = extraction.values_in_force(project, studies)  # what the writers read
        assert light == {s: (e.in_force(), e.reviewers) for s, e in full.items()}
        (path,) = evidence.write_evidence(project, tmp_path / "e.csv", ["csv"])
    rows = csv_dicts(path)
    assert [r["study"] for r in rows] == ["1", "2", "3"]  # included at full text, not 4
    first = rows[0]
    assert first["Tissue"] == "skin/wound; bone" and first["Dose"] == "10 µg"
    assert first["Secretome fraction"] == "exosomes"  # the consensus
    assert first["Follow-up"] == "4 weeks" and first["extracted by"] == "alice, bob"
    assert first["tags"] == "tissue: skin/wound; outcome: angiogenesis"  # protocol order
    assert rows[2]["Tissue"] == ""  # one reviewer of two: not in force under dual extraction
    assert first["doi"] and first["authors"].count(";") >= 1


def test_a_study_extracted_then_excluded_is_left_out(demo: Path, tmp_path: Path) -> None:
    """A study excluded at full text after its extraction has no row, and an included one
    not extracted yet has its row."""
    with open_project(demo) as project:
        for who in ("alice", "bob"):
            review.decide(
                project, NewDecision(1, Stage.FULL_TEXT, who, Verdict.EXCLUDE, reasons=["design"])
            )
        found = included_evidence(project)
        (path,) = evidence.write_evidence(project, tmp_path / "e.csv", ["csv"])
        chart = evidence_map.evidence_map(project)
    assert found.studies == [2, 3] and set(found.values) == set(found.tags) == {2, 3}
    assert [r["study"] for r in csv_dicts(path)] == ["2", "3"]
    assert chart.studies == 2 and chart.count("skin/wound", "angiogenesis") == 0


def test_an_unwritable_target_is_a_one_line_error_and_the_old_file_stays(
    demo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "evidence.csv"
    with open_project(demo) as project:
        evidence.write_evidence(project, target, ["csv"])
        before = target.read_bytes()
        (tmp_path / "out" / "evidence.csv.partial").mkdir()
        with pytest.raises(ScreenerError, match="evidence.csv"):
            evidence.write_evidence(project, target, ["csv"])
        (tmp_path / "out" / "evidence.csv.partial").rmdir()
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["evidence.csv"]


def test_the_workbook_is_the_same_file_whenever_it_is_written(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No write time inside the workbook: its parts and its created and modified
    properties are dated 1980-01-01."""
    import time
    import zipfile

    with open_project(demo) as project:
        (first,) = evidence.write_evidence(project, tmp_path / "a.xlsx", ["xlsx"])
        later = time.time() + 3 * 86400
        monkeypatch.setattr(time, "time", lambda: later)  # zipfile dates parts by time.time()
        (second,) = evidence.write_evidence(project, tmp_path / "b.xlsx", ["xlsx"])
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        assert {part.date_time for part in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    openpyxl = pytest.importorskip("openpyxl")
    properties = openpyxl.load_workbook(first).properties
    assert properties.created == properties.modified == datetime(1980, 1, 1)


def test_xlsx_has_a_bold_frozen_header_and_reads_back(demo: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pandas = pytest.importorskip("pandas")
    with open_project(demo) as project:
        xlsx, csv_path = evidence.write_evidence(project, tmp_path / "e.xlsx", ["xlsx", "csv"])
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A1"].value == "study" and sheet.cell(2, 4).alignment.wrap_text
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width
    frame = pandas.read_excel(xlsx, dtype=str, keep_default_na=False)
    expected = pandas.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(expected.columns)
    assert frame.values.tolist() == expected.values.tolist()


INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1", "-x", "@SUM(A1:A2)"]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A project whose titles and journals look like spreadsheet formulas."""
    path = init_project(tmp_path / "hostile", "Hostile")
    (path / "protocol.toml").write_text(DEMO_PROTOCOL.read_text(encoding="utf-8"), "utf-8")
    ris = "".join(
        f"TY  - JOUR\nTI  - {title}\nAU  - {title}\nJO  - {title}\nPY  - 2020\nER  - \n\n"
        for title in INJECTIONS
    )
    source = tmp_path / "hostile.ris"
    source.write_text(ris, encoding="utf-8")
    with open_project(path) as project:
        import_files(project, [source])
        for study in project.store.links.study_ids():
            include(project, study)
            for who in ("alice", "bob"):
                extraction.record_values(project, study, who, {"notes": "=1+2 notes"})
    return path


def test_formula_like_text_is_neutralised_in_csv_and_xlsx(hostile: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    with open_project(hostile) as project:
        csv_path, xlsx, md = evidence.write_evidence(project, tmp_path / "h.csv")
    rows = csv_dicts(csv_path)
    assert [r["title"] for r in rows] == ["'" + t for t in INJECTIONS]
    assert {r["Notes"] for r in rows} == {"'=1+2 notes"}
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    titles = [sheet.cell(r, 4).value for r in range(2, sheet.max_row + 1)]
    assert titles == ["'" + t for t in INJECTIONS]
    assert "=HYPERLINK" in md.read_text(encoding="utf-8")  # Markdown is not a spreadsheet


def test_tab_and_carriage_return_starts_in_every_writer(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    table = evidence.EvidenceTable(
        ("study", "title"), [(1, "\tTabbed"), (2, "\rReturned"), (3, "a|b\r\nc <b>*x*</b>")]
    )
    evidence.write_evidence_csv(table, tmp_path / "t.csv")
    evidence.write_evidence_xlsx(table, tmp_path / "t.xlsx")
    evidence.write_evidence_markdown(table, tmp_path / "t.md")
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[1] for r in rows[1:]] == ["'\tTabbed", "'\rReturned", "a|b\r\nc <b>*x*</b>"]
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    # XML turns a stored CR into LF when the workbook is read; the quote is what matters
    assert [sheet.cell(r, 2).value for r in (2, 3)] == ["'\tTabbed", "'\nReturned"]
    lines = (tmp_path / "t.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5  # header, rule, three rows: no line break leaks out of a cell
    assert lines[4] == r"| 3 | a\|b<br>c \<b\>\*x\*\</b\> |"


def test_xlsx_text_is_escaped_and_kept_whole(tmp_path: Path) -> None:
    """Markup, spaces at the ends, numbers and missing cells read back as they were;
    characters XML cannot hold are written as Excel's _xHHHH_ escapes (which openpyxl leaves
    as they are) instead of failing the export."""
    openpyxl = pytest.importorskip("openpyxl")
    rows: list[tuple[evidence.Cell, ...]] = [
        (1, "a < b & c > d", "  spaced  ", 2.5),
        (2, "bell\x07 and \x1f", None, ""),
        (30, "x" * 70, "ünï €", -3),
    ]
    table = evidence.EvidenceTable(("study", "title", "notes", "dose"), rows)
    evidence.write_evidence_xlsx(table, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [
        [1, "a < b & c > d", "  spaced  ", 2.5],
        [2, "bell_x0007_ and _x001F_", None, None],  # Excel's escapes: Excel reads \x07
        [30, "x" * 70, "ünï €", -3],
    ]
    assert sheet.cell(4, 2).alignment.wrap_text and not sheet.cell(2, 2).alignment.wrap_text
    assert not any(cell.font.bold for row in sheet.iter_rows(min_row=2) for cell in row)


def test_evidence_map_counts_extracted_terms_and_tags(demo: Path) -> None:
    with open_project(demo) as project:
        chart = evidence_map.evidence_map(project)
        assert chart.studies == 3
        # study 1: tissue skin/wound + bone (in force) and tag skin/wound; outcomes wound
        # closure (in force) and tag angiogenesis
        assert chart.count("skin/wound", "wound closure") == 1
        assert chart.count("skin/wound", "angiogenesis") == 1
        assert chart.count("bone", "angiogenesis") == 1
        # study 3: tendon by one reviewer only is not in force; its outcome tags alone
        # have no tissue, so it is in no cell
        assert chart.count("tendon", "wound closure") == 0
        assert sum(chart.counts.values()) == 4
        assert chart.row_terms[:2] == ("skin/wound", "bone") and len(chart.column_terms) == 12
        by_model = evidence_map.evidence_map(project, "fraction", "tissue")
        assert by_model.count("exosomes", "bone") == 1
        with pytest.raises(ScreenerError, match="no vocabulary 'organ' in protocol.toml"):
            evidence_map.evidence_map(project, "organ", "outcome")


def test_evidence_map_files_match_the_golden_files(demo: Path, tmp_path: Path) -> None:
    with open_project(demo) as project:
        csv_path, svg = evidence_map.write_evidence_map(project, tmp_path / "map.csv")
    assert svg.name == "map.svg"
    _golden("evidence-map.csv", csv_path.read_bytes().decode("utf-8"))
    text = svg.read_bytes().decode("utf-8")
    _golden("evidence-map.svg", text)
    root = ElementTree.fromstring(text.encode("utf-8"))  # well-formed XML
    assert root.tag.endswith("svg")
    counts = [
        t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if (t.text or "").isdigit()
    ]
    assert len(counts) == 12 * 12 and counts.count("1") == 4


def test_map_labels_are_xml_escaped(demo: Path) -> None:
    with open_project(demo) as project:
        extraction.record_values(project, 2, "alice", {"tissue": ['<b>&amp; "gut"']})
        extraction.record_values(project, 2, "bob", {"tissue": ['<b>&amp; "gut"']})
        chart = evidence_map.evidence_map(project)
    text = evidence_map.map_svg(chart)
    assert "&lt;b&gt;&amp;amp;" in text and "<b>" not in text
    ElementTree.fromstring(text.encode("utf-8"))


def test_svg_renders_to_png_when_cairosvg_is_installed(
    demo: Path,
    tmp_path: Path,
    cairosvg: Any,  # test-only: never a runtime dependency
) -> None:
    with open_project(demo) as project:
        text = evidence_map.map_svg(evidence_map.evidence_map(project))
    png = cairosvg.svg2png(bytestring=text.encode("utf-8"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_writes_every_format_and_reports_errors(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["export", "evidence", str(demo)])
    assert result.exit_code == 0, result.output
    name = demo.name
    for suffix in ("csv", "xlsx", "md"):
        assert f"exports/{name}/evidence.{suffix}" in result.output
        assert Path(f"exports/{name}/evidence.{suffix}").is_file()
    result = runner.invoke(
        main, ["export", "evidence", str(demo), "--format", "md", "-o", "table.md"]
    )
    assert result.exit_code == 0 and Path("table.md").is_file()
    assert not Path("table.csv").exists()
    result = runner.invoke(main, ["export", "evidence-map", str(demo), "--rows", "model"])
    assert result.exit_code == 0, result.output
    assert Path(f"exports/{name}/evidence-map.svg").is_file()
    result = runner.invoke(main, ["export", "evidence-map", str(demo), "--rows", "organ"])
    assert result.exit_code == 1 and "error: no vocabulary 'organ'" in result.output
    assert "Traceback" not in result.output


def test_export_kinds_are_registered(demo: Path, tmp_path: Path) -> None:
    with open_project(demo) as project:
        for name, suffix in (
            ("evidence-xlsx", ".xlsx"),
            ("evidence-md", ".md"),
        ):
            kind = kind_named(name)
            (written,) = kind.write(project, tmp_path / name / kind.file_name(), {}).paths
            assert written.suffix == suffix and written.is_file()
        kind = kind_named("evidence")
        paths = kind.write(project, tmp_path / "all" / kind.file_name(), kind.defaults()).paths
        assert [p.name for p in paths] == ["evidence.csv", "evidence.xlsx", "evidence.md"]
        only = kind.write(project, tmp_path / "one" / "e.md", {"format": ("md",)}).paths
        assert [p.name for p in only] == ["e.md"]
        with pytest.raises(ScreenerError, match="--format: 'pdf' is not one of csv, xlsx, md"):
            kind.write(project, tmp_path / "e.pdf", {"format": ("pdf",)})
        both = kind_named("evidence-map").write(project, tmp_path / "k" / "evidence-map.csv", {})
        assert [p.suffix for p in both.paths] == [".csv", ".svg"]


def test_disagreeing_tags_are_marked_unresolved_never_merged(tmp_path: Path) -> None:
    """bob tags a skin study "bone": the table keeps only what both gave and says the tags
    are unresolved with each reviewer's; the map counts the study by the agreed terms only.
    Once a resolver sets the consensus, the table and the map use it."""
    path, _ = make_demo(tmp_path / "demo")
    with open_project(path) as project:
        include(
            project,
            1,
            {"tissue": ["skin/wound"], "outcome": ["angiogenesis"]},
            {"tissue": ["bone"], "outcome": ["angiogenesis"]},
        )
        include(project, 2, {"tissue": ["tendon"]})
        (first, second) = evidence.evidence_table(project).rows
        chart = evidence_map.evidence_map(project)
        assert chart.unresolved == 1 and "1 study with unresolved tags" in evidence_map.map_svg(
            chart
        )
        assert chart.count("bone", "angiogenesis") == chart.count("skin/wound", "angiogenesis") == 0
        resolve_tags(project, 1, "carol", {"tissue": ["skin/wound"], "outcome": ["angiogenesis"]})
        resolved = evidence.evidence_table(project).rows[0]
        after = evidence_map.evidence_map(project)
    column = evidence.CITATION_COLUMNS.index("tags")
    assert first[column] == "outcome: angiogenesis"  # not "skin/wound, bone"
    assert first[column + 1] == (
        "unresolved (alice: tissue: skin/wound; outcome: angiogenesis"
        " | bob: tissue: bone; outcome: angiogenesis)"
    )
    assert second[column : column + 2] == ("tissue: tendon", "agreed")
    assert resolved[column : column + 2] == (
        "tissue: skin/wound; outcome: angiogenesis",
        "resolved",
    )
    assert after.unresolved == 0 and after.count("skin/wound", "angiogenesis") == 1
    assert after.count("bone", "angiogenesis") == 0


def test_a_single_reviewer_project_uses_that_reviewers_tags(tmp_path: Path) -> None:
    path, _ = make_demo(tmp_path / "demo")
    toml = path / "protocol.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("dual_screening = true", "dual_screening = false"),
        encoding="utf-8",
    )
    with open_project(path) as project:
        review.decide(
            project,
            NewDecision(
                1, Stage.TITLE_ABSTRACT, "alice", Verdict.INCLUDE, tags={"tissue": ["bone"]}
            ),
        )
        review.set_retrieval(project, 1, RetrievalStatus.RETRIEVED, "alice")
        review.decide(project, NewDecision(1, Stage.FULL_TEXT, "alice", Verdict.INCLUDE))
        found = included_evidence(project)
    assert found.tags == {1: {"tissue": ["bone"]}} and found.tag_status(1) == "agreed"


def test_the_map_canvas_is_wide_enough_for_its_own_title() -> None:
    chart = evidence_map.EvidenceMap(
        "tissue", "outcome", ("skin",), ("closure",), {("skin", "closure"): 1}, 1, unresolved=2
    )
    root = ElementTree.fromstring(evidence_map.map_svg(chart).encode("utf-8"))
    width = float(root.get("width") or 0)
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        size = float(text.get("font-size") or 12)
        # a Helvetica character is at most about 0.6 em on average (bold: 0.65)
        needed = float(text.get("x") or 0) + len(text.text or "") * size * 0.6
        if text.get("text-anchor") is None and "rotate" not in (text.get("transform") or ""):
            assert needed <= width, (text.text, needed, width)
