"""The command line, end to end: init, import, status, sources, dedup, export, demo; bad input
changes nothing."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screener.cli import main
from screener.errors import ScreenerError
from screener.exports.csv_safe import safe_cell, write_csv
from screener.store import Store
from tests.paths import TESTS

CLI_FIXTURES = TESTS / "fixtures" / "cli"


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    path = tmp_path / "p"
    assert run("init", path, "--title", "Secretome review").exit_code == 0
    return path


def dump(project: Path) -> str:
    with Store(project / "screener.db") as store:
        return store.dump()


def test_help_has_examples() -> None:
    for command in ("init", "import", "status", "sources", "dedup", "export", "demo"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output and f"screener {command}" in result.output
    result = run("export", "dedup-map", "--help")
    assert "Example:" in result.output and "screener export dedup-map" in result.output


def test_import_status_and_sources(proj: Path) -> None:
    result = run(
        "import",
        proj,
        CLI_FIXTURES / "two.ris",
        "--database",
        "Embase",
        "--query",
        "secretome AND wound",
        "--searched-on",
        "2026-11-01",
    )
    assert result.exit_code == 0, result.output
    assert "Imported two.ris: 2 records" in result.output
    assert run("import", proj, CLI_FIXTURES / "one.nbib").exit_code == 0
    status = json.loads(run("status", proj, "--json").output)
    assert status["records"] == 3
    assert [(s["file"], s["database"], s["format"], s["records"]) for s in status["sources"]] == [
        ("two.ris", "Embase", "ris", 2),
        ("one.nbib", "PubMed", "medline", 1),
    ]
    assert status["sources"][0]["query"] == "secretome AND wound"
    assert status["sources"][0]["searched_on"] == "2026-11-01"
    assert status["stages"]["title_abstract"]["records_with_decisions"] == 0
    sources = json.loads(run("sources", proj, "--json").output)
    assert [s["sha256"] for s in sources] == [s["sha256"] for s in status["sources"]]
    text = run("status", proj).output
    assert "Records: 3 from 2 source(s)" in text and "Embase" in text


def test_records_are_normalised(proj: Path) -> None:
    run("import", proj, CLI_FIXTURES / "two.ris")
    with Store(proj / "screener.db") as store:
        first = next(store.records.all()).record
    assert first.doi == "10.1186/s13287-016-0001-x"
    assert (first.year, first.start_page, first.end_page) == (2016, "1535", "1541")
    assert first.authors == ("Smith, John A.", "Doe, B.")
    assert first.source_record_id == "r1"
    assert first.raw["DO"] == ["https://doi.org/10.1186/S13287-016-0001-X"]


def test_reimport_is_refused_and_changes_nothing(proj: Path) -> None:
    run("import", proj, CLI_FIXTURES / "two.ris")
    before = dump(proj)
    copy = proj.parent / "renamed.txt"
    shutil.copy(CLI_FIXTURES / "two.ris", copy)
    result = run("import", proj, copy)
    assert result.exit_code == 1
    assert "renamed.txt: already imported" in result.output and "two.ris" in result.output
    assert dump(proj) == before


def test_empty_records_skipped_with_warning_or_refused_with_strict(proj: Path) -> None:
    path = CLI_FIXTURES / "empty_records.ris"
    before = dump(proj)
    strict = run("import", proj, path, "--strict")
    assert strict.exit_code == 1 and "record 2" in strict.output
    assert dump(proj) == before
    result = run("import", proj, path)
    assert result.exit_code == 0
    assert "skipped 1 record(s) with no title, abstract, DOI or PMID: record 2 (line 5)" in (
        result.output
    )
    status = json.loads(run("status", proj, "--json").output)
    assert (status["records"], status["skipped_records"]) == (1, 1)


MALFORMED: dict[str, tuple[bytes, str]] = {
    "empty.ris": (b"", "the file is empty"),
    "blank.txt": (b"  \n\n \r\n", "the file is empty"),
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "prose.txt": (b"Dear colleague,\nplease find the references attached.\n", "unknown format"),
    "cut.ris": (b"TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\nAU  - X, Y\n", "line 5"),
    "notitle.csv": (b"author,year,journal\nSmith,2020,Nature\n", "no title column"),
    "quote.csv": (b'title,abstract\nok,fine\n"Unclosed, quote\nmore text\n', "line 3"),
    "cut.ciw": (
        b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI One\nER\n\nPT J\nTI Two\n",
        "line 7",
    ),
    "cut.bib": (b"@article{a, title={One}}\n\n@article{b,\n  title={Two\n", "line 3"),
    "cut.xml": (
        b"<xml><records><record><titles><title>One</title></titles></record><record>",
        "line 1",
    ),
    "bomb.xml": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]><xml><records><record><titles><title>&lol2;'
        b"</title></titles></record></records></xml>",
        "entit",
    ),
    "utf16.txt": (b"\xff\xfeT\x00Y\x00\x00\xd8", "UTF-16"),
    "folder": (b"", "is a folder"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_one_clear_message_project_unchanged(proj: Path, name: str) -> None:
    content, expected = MALFORMED[name]
    path = proj.parent / name
    if name == "folder":
        path.mkdir()
    else:
        path.write_bytes(content)
    run("import", proj, CLI_FIXTURES / "two.ris")
    before = dump(proj)
    result = run("import", proj, path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")  # the message comes first, no stray lines
    assert name in result.output and expected in result.output, result.output
    assert "Nothing was imported; the project is unchanged." in result.output
    assert dump(proj) == before


def test_one_bad_file_stops_the_whole_batch(proj: Path) -> None:
    bad = proj.parent / "cut.ris"
    bad.write_bytes(MALFORMED["cut.ris"][0])
    before = dump(proj)
    result = run("import", proj, CLI_FIXTURES / "two.ris", bad, CLI_FIXTURES / "one.nbib")
    assert result.exit_code == 1 and "cut.ris" in result.output
    assert dump(proj) == before


def test_bad_options_and_projects(tmp_path: Path, proj: Path) -> None:
    result = run("import", proj, CLI_FIXTURES / "two.ris", "--searched-on", "1/11/2026")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = run("status", tmp_path / "missing")
    assert result.exit_code == 1 and "no such project folder" in result.output
    (proj / "protocol.toml").write_text('title = "x"\ncriteria = 3\n')
    result = run("status", proj)
    assert result.exit_code == 1 and "criteria: must be a section" in result.output


def test_cp1252_file_imports_with_warning(proj: Path) -> None:
    path = proj.parent / "latin.csv"
    path.write_bytes("title,abstract\nEffet du sécrétome,Résumé\n".encode("cp1252"))
    result = run("import", proj, path)
    assert result.exit_code == 0 and "not valid UTF-8; read as cp1252" in result.output
    with Store(proj / "screener.db") as store:
        assert next(store.records.all()).record.title == "Effet du sécrétome"


def test_demo_makes_a_fresh_copy(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = run("demo", target)
    assert result.exit_code == 0, result.output
    status = json.loads(run("status", target, "--json").output)
    assert {s["format"] for s in status["sources"]} == {"medline", "ris"}
    assert {s["database"] for s in status["sources"]} == {"PubMed", "ScienceDirect"}
    assert all(s["records"] >= 10 for s in status["sources"])
    assert (status["records"], status["studies"]) == (30, 21)  # deduplicated, ready to screen
    again = run("demo", target)
    assert again.exit_code == 1 and "not empty" in again.output


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-16", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")]
)
def test_unicode_encodings_import_without_warning(proj: Path, encoding: str, prefix: bytes) -> None:
    path = proj.parent / f"{encoding}.ris"
    text = "TY  - JOUR\r\nTI  - Секретом and Müller’s α-exosomes\r\nER  - \r\n"
    path.write_bytes(prefix + text.encode(encoding))  # Python's utf-16 writes a BOM
    result = run("import", proj, path, "--database", "Embase")
    assert result.exit_code == 0 and "warning" not in result.output
    with Store(proj / "screener.db") as store:
        assert next(store.records.all()).record.title == "Секретом and Müller’s α-exosomes"


# A second export of two.ris's first record (same DOI and title, another database's id,
# one a spreadsheet would run as a formula) and a record found nowhere else.
EMBASE_RIS = """TY  - JOUR
ID  - =HYPERLINK("http://example.com")
TI  - Conditioned medium from adipose-derived stem cells accelerates wound closure in rats
AU  - Smith, J. A.
AU  - Doe, B.
PY  - 2016
T2  - Stem Cell Res Ther
VL  - 7
SP  - 1535
DO  - 10.1186/s13287-016-0001-x
ER  -

TY  - JOUR
ID  - e2
TI  - Platelet lysate for cartilage repair in sheep
AU  - Poe, Edgar
PY  - 2022
ER  -
"""


@pytest.fixture
def linked(proj: Path) -> Path:
    """A project with two imports sharing one study (records 1 and 4)."""
    embase = proj.parent / "embase.ris"
    embase.write_text(EMBASE_RIS, encoding="utf-8")
    assert run("import", proj, CLI_FIXTURES / "two.ris", embase).exit_code == 0
    return proj


def test_dedup_text_json_and_dry_run(linked: Path) -> None:
    before = dump(linked)
    dry = run("dedup", linked, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Studies: 3" in dry.output and "Dry run: nothing was written." in dry.output
    assert dump(linked) == before
    result = run("dedup", linked, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["records"], data["studies"], data["dry_run"]) == (4, 3, False)
    assert data["duplicates_removed"] == {"total": 1, "automatic": 1, "by_reviewer": 0}
    assert (data["new_records_compared"], data["pairs_awaiting_review"]) == (4, 0)
    assert set(data) == {
        "records",
        "studies",
        "duplicates_removed",
        "related_links",
        "related_links_by_kind",
        "pairs_awaiting_review",
        "blocked_links",
        "records_not_compared",
        "new_records_compared",
        "candidates_found",
        "dry_run",
        "studies_outdated",
    }
    assert data["related_links_by_kind"]["correction"] == 0
    again = run("dedup", linked)
    assert "No records imported since the last run" in again.output
    assert "Duplicates removed: 1 (1 automatic, 0 by reviewer)" in again.output
    assert "Pairs awaiting review: 0" in again.output


def test_status_shows_studies(linked: Path) -> None:
    status = json.loads(run("status", linked, "--json").output)
    assert (status["studies"], status["records_not_compared"]) == (4, 4)
    text = run("status", linked).output
    assert "4 records not yet checked for duplicates" in text
    run("dedup", linked)
    status = json.loads(run("status", linked, "--json").output)
    assert (status["studies"], status["pairs_awaiting_review"]) == (3, 0)
    assert status["duplicates_removed"] == {"total": 1, "automatic": 1, "by_reviewer": 0}
    text = run("status", linked).output
    assert "Studies: 3 (1 duplicates removed: 1 automatic, 0 by reviewer)" in text
    assert "not yet checked" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_dedup_explain_shows_weights_and_the_rule(linked: Path) -> None:
    run("dedup", linked)
    before = dump(linked)
    text = run("dedup", linked, "--explain", "3", "1")
    assert text.exit_code == 0, text.output
    assert "Rule: same_identifier -> same" in text.output
    assert "In force now: same (rule same_identifier)" in text.output
    data = json.loads(run("dedup", linked, "--explain", "1", "3", "--json").output)
    assert (data["records"], data["verdict"], data["rule"]) == ([1, 3], "same", "same_identifier")
    fields = {f["field"]: f for f in data["fields"]}
    assert fields["doi"]["level"] == "equal" and fields["doi"]["weight"] > 0
    assert data["posterior_bits"] == pytest.approx(
        data["prior_bits"] + data["score_bits"], abs=0.02
    )
    apart = json.loads(run("dedup", linked, "--explain", "1", "2", "--json").output)
    assert (apart["verdict"], apart["in_force"]) == ("different", None)
    assert dump(linked) == before  # an explanation changes nothing
    missing = run("dedup", linked, "--explain", "1", "99")
    assert missing.exit_code == 1 and "no record 99" in missing.output
    assert run("dedup", linked, "--explain", "1").exit_code == 2


def test_export_dedup_map(linked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("dedup", linked)
    monkeypatch.chdir(tmp_path)
    result = run("export", "dedup-map", linked)
    assert result.exit_code == 0, result.output
    default = tmp_path / "exports" / "p" / "dedup-map.csv"
    assert "Wrote 4 records to exports/p/dedup-map.csv" in result.output
    assert _read_csv(default) == [
        [
            "source_file",
            "source_id",
            "source_record_id",
            "record_id",
            "study_id",
            "link_method",
            "link_rule",
        ],
        ["two.ris", "1", "r1", "1", "1", "exact_id", "same_identifier"],
        ["two.ris", "1", "r2", "2", "2", "", ""],
        [
            "embase.ris",
            "2",
            '\'=HYPERLINK("http://example.com")',
            "3",
            "1",
            "exact_id",
            "same_identifier",
        ],
        ["embase.ris", "2", "e2", "4", "4", "", ""],
    ]
    chosen = tmp_path / "new" / "folder" / "map.csv"
    assert run("export", "dedup-map", linked, "-o", chosen).exit_code == 0
    assert _read_csv(chosen) == _read_csv(default)
    # A folder (one that exists, or a path ending in /) gets the kind's own file name.
    assert run("export", "dedup-map", linked, "-o", tmp_path).exit_code == 0
    assert _read_csv(tmp_path / "dedup-map.csv") == _read_csv(default)
    assert run("export", "dedup-map", linked, "-o", f"{tmp_path / 'made'}/").exit_code == 0
    assert _read_csv(tmp_path / "made" / "dedup-map.csv") == _read_csv(default)
    missing = run("export", "dedup-map", tmp_path / "nowhere")
    assert missing.exit_code == 1 and "no such project folder" in missing.output


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    for risky in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    for plain in ("Smith, J", "10.1/x", "'quoted", "", "a=b"):
        assert safe_cell(plain) == plain
    assert safe_cell(-5) == -5 and safe_cell(3.5) == 3.5 and safe_cell(None) is None
    path = tmp_path / "out" / "t.csv"
    count = write_csv(path, ["name", "n"], [["Müller =x", 1], ["=cmd", -2], ["line\nbreak", 3]])
    assert count == 3
    assert path.read_bytes().startswith(b"name,n\r\n")  # UTF-8, no BOM, header first
    assert _read_csv(path) == [
        ["name", "n"],
        ["Müller =x", "1"],
        ["'=cmd", "-2"],
        ["line\nbreak", "3"],
    ]
    assert not list(path.parent.glob("*.partial"))
    with pytest.raises(ScreenerError, match="is a folder"):
        write_csv(tmp_path, ["a"], [])
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(ScreenerError, match="cannot write the CSV"):  # its parent is a file
        write_csv(tmp_path / "a-file" / "t.csv", ["a"], [])
