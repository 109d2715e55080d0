"""prisma-csv, prisma-svg and prisma-md: golden files of the demo after a scripted
screening, the CSV against the PRISMA2020 template, the SVG rendered and looked at."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy
import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

from screener.cli import main
from screener.exports.prisma_csv import prisma_csv_text
from screener.exports.prisma_md import mermaid_label, prisma_md_text
from screener.exports.prisma_svg import FONT, MM_PER_UNIT, PAD, layout, prisma_svg_text
from screener.exports.registry import all_kinds
from screener.models import SourceMethod
from screener.prisma.counts import ColumnCounts, PrismaCounts
from screener.prisma.inputs import project_prisma
from screener.project import open_project
from tests.paths import TESTS
from tests.prisma.helpers import screened_demo

GOLDEN = TESTS / "golden"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screened_demo(tmp_path_factory.mktemp("prisma") / "secretome-demo")


@pytest.fixture(scope="module")
def counts(demo: Path) -> PrismaCounts:
    with open_project(demo) as project:
        return project_prisma(project)


def _other_methods_counts() -> PrismaCounts:
    column = ColumnCounts(3, 0, 1, 3, 1, 0, 2, 0, (('A "quoted" <reason> & more', 1),), 1)
    return PrismaCounts(
        databases=(("PubMed", 10), ("Web of Science; Core, Collection", 5)),
        registers=(("ClinicalTrials.gov", 2),),
        websites=1,
        organisations=2,
        citations=4,
        duplicates=4,
        excluded_automatic=0,
        excluded_other=1,
        main=ColumnCounts(12, 6, 0, 6, 1, 1, 4, 0, (("=HYPERLINK(1)", 1), ("Design", 2)), 1),
        other=column,
        other_records=7,
        other_duplicates=2,
        other_skipped=1,
        studies_included=2,
        reports_of_included_studies=2,
        methods=frozenset(SourceMethod),
    )


@pytest.mark.parametrize(
    ("command", "golden"),
    [("prisma-csv", "prisma.csv"), ("prisma-svg", "prisma.svg"), ("prisma-md", "prisma.md")],
)
def test_exports_of_the_screened_demo_equal_the_golden_files(
    demo: Path, tmp_path: Path, command: str, golden: str
) -> None:
    target = tmp_path / golden
    result = CliRunner().invoke(main, ["export", command, str(demo), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (GOLDEN / golden).read_bytes()


def test_default_target_is_under_exports(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export", "prisma-csv", str(demo)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "exports" / "secretome-demo" / "prisma.csv").is_file()
    names = {kind.name for kind in all_kinds()}
    assert {"prisma-csv", "prisma-svg", "prisma-md", "audit"} <= names


@pytest.mark.parametrize(
    ("command", "written"),
    [
        ("prisma-svg", ["prisma.svg"]),
        ("audit", ["audit.csv", "audit.jsonl"]),
        ("evidence", ["evidence.csv", "evidence.md", "evidence.xlsx"]),
        ("evidence-map", ["evidence-map.csv", "evidence-map.svg"]),
        ("ris", ["included.ris"]),
        ("dedup-map", ["dedup-map.csv"]),
    ],
)
def test_a_folder_given_gets_the_kinds_own_file_names(
    demo: Path, tmp_path: Path, command: str, written: list[str]
) -> None:
    """-o with a folder that exists, or with a path ending in / (made as needed)."""
    for folder, given in (
        (tmp_path / "there", str(tmp_path / "there")),
        (tmp_path / "new", f"{tmp_path / 'new'}/"),
    ):
        if not given.endswith("/"):
            folder.mkdir()
        result = CliRunner().invoke(main, ["export", command, str(demo), "-o", given])
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in folder.iterdir()) == written


def test_status_json_carries_the_same_numbers_as_the_csv(demo: Path, counts: PrismaCounts) -> None:
    result = CliRunner().invoke(main, ["status", str(demo), "--json"])
    figures = json.loads(result.output)["prisma"]
    assert figures == counts.as_dict()
    rows = {row["data"]: row["n"] for row in csv.DictReader(io.StringIO(prisma_csv_text(counts)))}
    main_column = figures["databases_and_registers"]
    assert rows["database_results"] == str(figures["identification"]["database_results"])
    assert rows["duplicates"] == str(figures["removed_before_screening"]["duplicates"])
    for data, key in (
        ("records_screened", "records_screened"),
        ("records_excluded", "records_excluded"),
        ("dbr_sought_reports", "reports_sought"),
        ("dbr_notretrieved_reports", "reports_not_retrieved"),
        ("dbr_assessed", "reports_assessed"),
    ):
        assert rows[data] == str(main_column[key])
    assert rows["new_studies"] == str(figures["studies_included"])
    text = CliRunner().invoke(main, ["status", str(demo)]).output
    assert "Records screened: 17, excluded: 4; awaiting screening: 4" in text


# -- the CSV is the template -----------------------------------------------------------------


def _prefix(line: str) -> str:
    """A template line without its n cell (quoted when it holds a comma)."""
    return line[: line.rindex(',"') + 1] if line.endswith('"') else line[: line.rindex(",") + 1]


def _parse_reasons(cell: str) -> list[tuple[str, int]]:
    """PRISMA2020's PRISMA_parse_reasons_: split on '; ', the name before the first comma,
    the number after it."""
    parsed = []
    for part in re.split(r";( )?", cell):
        if part and part.strip():
            name = re.sub(r",.*$", "", part)
            number = re.sub(r"[^0-9.]", "", re.sub(r"^.*?,([ 0-9,]*)$|.*()", r"\1", part))
            parsed.append((name, int(number)))
    return parsed


@pytest.mark.parametrize("which", ["demo", "other methods"])
def test_csv_has_the_template_bytes_apart_from_n(
    shared_data: Path, counts: PrismaCounts, which: str
) -> None:
    template = (shared_data / "prisma" / "PRISMA.csv").read_bytes()
    ours = prisma_csv_text(counts if which == "demo" else _other_methods_counts()).encode()
    assert not ours.startswith(b"\xef\xbb\xbf") and not ours.endswith(b"\n")
    assert ours.count(b"\r\n") == template.count(b"\r\n")
    assert b"\n" not in ours.replace(b"\r\n", b"")
    our_lines, template_lines = ours.decode().split("\r\n"), template.decode().split("\r\n")
    assert our_lines[0] == template_lines[0]
    assert [_prefix(x) for x in our_lines[1:]] == [_prefix(x) for x in template_lines[1:]]


def test_every_n_parses_in_the_r_package() -> None:
    counts = _other_methods_counts()
    rows = {row["data"]: row["n"] for row in csv.DictReader(io.StringIO(prisma_csv_text(counts)))}
    for data, n in rows.items():
        assert n == "NA" or n.isdigit() or _parse_reasons(n), (data, n)
    assert _parse_reasons(rows["database_specific_results"]) == [
        ("PubMed", 10),
        ("Web of Science Core Collection", 5),
    ]
    # A name that a spreadsheet would run as a formula is neutralised.
    assert _parse_reasons(rows["dbr_excluded"]) == [("'=HYPERLINK(1)", 1), ("Design", 2)]
    assert _parse_reasons(rows["other_excluded"]) == [('A "quoted" <reason> & more', 1)]
    assert rows["register_results"] == "2" and rows["previous_studies"] == "NA"
    assert (rows["website_results"], rows["organisation_results"]) == ("1", "2")


def test_without_other_methods_their_rows_are_na(counts: PrismaCounts) -> None:
    rows = {row["data"]: row["n"] for row in csv.DictReader(io.StringIO(prisma_csv_text(counts)))}
    for data in (
        "website_results",
        "organisation_results",
        "citations_results",
        "other_sought_reports",
        "other_assessed",
        "register_results",
    ):
        assert rows[data] == "NA"
    assert rows["dbr_excluded"].startswith("Not primary research, 2; ")


# -- the SVG ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo", "other methods"])
def test_svg_boxes_hold_their_text_and_ink(
    counts: PrismaCounts, tmp_path: Path, which: str, cairosvg: Any
) -> None:
    image_module = pytest.importorskip("PIL.Image")
    chosen = counts if which == "demo" else _other_methods_counts()
    svg = prisma_svg_text(chosen)
    tree = ElementTree.fromstring(svg.encode())  # well-formed: every text escaped
    texts = [el.text or "" for el in tree.iter("{http://www.w3.org/2000/svg}text")]
    boxes, width, height = layout(chosen)
    assert FONT * MM_PER_UNIT >= 9 * 25.4 / 72  # 9 pt on A4
    png = tmp_path / "prisma.png"
    scale = 2.0
    cairosvg.svg2png(bytestring=svg.encode(), write_to=str(png), output_width=int(width * scale))
    image = image_module.open(png).convert("L")
    for box in boxes:
        for line in box.lines:
            assert line in texts, (box.key, line)
        left, top = int((box.x + 4) * scale), int((box.y + 4) * scale)
        right, bottom = int((box.x + box.width - 4) * scale), int((box.y + box.height - 4) * scale)
        inner = (left, top, right, bottom)
        dark = int((numpy.asarray(image.crop(inner)) < 100).sum())
        assert dark > 50, box.key
        # Each line fits: the wrap width is conservative for Helvetica/Arial.
        assert all(len(line) * FONT * 0.56 <= box.width - 2 * PAD + 1 for line in box.lines)
    for a in boxes:  # no two boxes overlap
        for b in boxes:
            if a is not b:
                apart = (
                    a.x + a.width <= b.x
                    or b.x + b.width <= a.x
                    or a.y + a.height <= b.y
                    or b.y + b.height <= a.y
                )
                assert apart, (a.key, b.key)
    assert all(b.y + b.height <= height for b in boxes)


def test_svg_shows_awaiting_lines_only_when_something_awaits(counts: PrismaCounts) -> None:
    svg = prisma_svg_text(counts)
    assert "Records awaiting screening (n\u00a0=\u00a04)" in svg
    assert "other methods" not in svg
    landscape = prisma_svg_text(_other_methods_counts())
    assert "Identification of new studies via other methods" in landscape
    assert "awaiting screening" not in landscape.split("Citation searching")[0]
    assert 'A "quoted" &lt;reason&gt; &amp;' in landscape


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_table_and_mermaid_have_the_same_numbers(counts: PrismaCounts) -> None:
    text = prisma_md_text(counts)
    assert "| Records screened (databases and registers) | 17 |" in text
    assert "```mermaid\nflowchart TD\n" in text
    assert 'screened["Records screened (n = 17)<br/>Records awaiting screening (n = 4)"]' in text
    assert "assessed --> included" in text and "other_" not in text


def test_mermaid_labels_cannot_break_out() -> None:
    assert mermaid_label('a "b" [c] {d} |e| <f> & #g') == (
        "a #quot;b#quot; #91;c#93; #123;d#125; #124;e#124; #lt;f#gt; #amp; #35;g"
    )
    text = prisma_md_text(_other_methods_counts())
    for line in text.split("```mermaid")[1].splitlines():
        if '["' in line:
            label = line.split('["', 1)[1].rsplit('"]', 1)[0]
            assert '"' not in label and "[" not in label and "]" not in label
    assert "other_assessed --> included" in text


def test_import_method_puts_a_file_in_the_other_methods_column(tmp_path: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "review"
    assert runner.invoke(main, ["init", str(project)]).exit_code == 0
    found = tmp_path / "snowball.ris"
    found.write_text("TY  - JOUR\nTI  - A paper found in a reference list\nER  -\n", "utf-8")
    result = runner.invoke(
        main,
        [
            "import",
            str(project),
            str(found),
            "--method",
            "citation",
            "--database",
            "Citation searching",
        ],
    )
    assert result.exit_code == 0, result.output
    status = json.loads(runner.invoke(main, ["status", str(project), "--json"]).output)
    assert status["sources"][0]["method"] == "citation"
    assert status["prisma"]["identification"]["citations"] == 1
    assert status["prisma"]["other_methods"]["records_awaiting_screening"] == 1
    bad = runner.invoke(main, ["import", str(project), str(found), "--method", "telepathy"])
    assert bad.exit_code == 2 and "telepathy" in bad.output
    assert "--method" in runner.invoke(main, ["import", "--help"]).output
