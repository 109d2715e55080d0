"""Hostile import files, made at test time and given to `screener import` in a child process
(so that a hang is caught: 10 s a file): no traceback, no hang, a refusal is one line naming
the file (and its line or record where it has one) with exit status 1 and the project
unchanged (Store.dump() before and after)."""

from __future__ import annotations

import json
import os
import random
import select
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from screener.project import init_project
from tests.paths import ROOT

HANG_SECONDS = 10
UNCHANGED = "Nothing was imported; the project is unchanged."
RIS = "TY  - JOUR\nTI  - {title}\nAU  - Smith, J\nPY  - 2020\nER  - \n"
MEDLINE = "PMID- 1\nTI  - {title}\nAU  - Smith J\nDP  - 2020\n"
BIB = "@article{{k1,\n  title = {{{title}}},\n  author = {{Smith, J}},\n  year = {{2020}}\n}}\n"
CSV = "title,authors,year\n{title},Smith J,2020\n"
XML = (
    '<?xml version="1.0" encoding="UTF-8"?><xml><records><record><ref-type name="Journal'
    ' Article">17</ref-type><titles><title>{title}</title></titles></record></records></xml>'
)
WOS = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI {title}\nPY 2020\nER\nEF\n"


@dataclass(frozen=True, slots=True)
class Case:
    make: Callable[[Path], Path]  # writes the file into a folder, returns its path
    outcome: str  # "refused", "imported" or "either"
    where: str = ""  # "line" or "record": what a refusal must name besides the file


def text(name: str, content: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode(encoding))
        return path

    return make


def data(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return make


def fifo(folder: Path) -> Path:
    path = folder / "pipe.ris"
    os.mkfifo(path)
    return path


def directory(folder: Path) -> Path:
    path = folder / "folder.ris"
    path.mkdir()
    return path


def link(name: str, target: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.symlink_to(target)
        return path

    return make


def loop(folder: Path) -> Path:
    path = folder / "loop.ris"
    path.symlink_to(folder / "loop.ris")
    return path


def missing(folder: Path) -> Path:
    return folder / "missing.ris"


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    "<xml><records><record><titles><title>&c;</title></titles></record></records></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    "<xml><records><record><titles><title>&e;</title></titles></record></records></xml>"
)
NOISE = bytes(random.Random(19).randrange(256) for _ in range(4096))
ONE_RIS = RIS.format(title="Secretome and bone")

CASES: dict[str, Case] = {
    "empty": Case(text("empty.ris", ""), "refused"),
    "whitespace": Case(text("blank.ris", " \n\n\t\n"), "refused"),
    "only a BOM": Case(data("bom.ris", b"\xef\xbb\xbf"), "refused"),
    "random bytes": Case(data("noise.ris", NOISE), "refused"),
    "NUL bytes": Case(data("nul.ris", b"\x00" * 4096), "refused"),
    "/dev/zero": Case(link("zero.ris", "/dev/zero"), "refused"),
    "/dev/null": Case(link("null.ris", "/dev/null"), "refused"),
    "FIFO": Case(fifo, "refused"),
    "folder": Case(directory, "refused"),
    "missing": Case(missing, "refused"),
    "symlink loop": Case(loop, "refused"),
    "UTF-16 without BOM": Case(text("utf16.ris", ONE_RIS, "utf-16-le"), "imported"),
    "UTF-16 with BOM": Case(text("utf16bom.ris", ONE_RIS, "utf-16"), "imported"),
    "UTF-32": Case(text("utf32.ris", ONE_RIS, "utf-32"), "either"),
    "Latin-1": Case(text("latin1.ris", RIS.format(title="Café société"), "latin-1"), "imported"),
    "invalid UTF-8 inside": Case(
        data("badutf8.ris", ONE_RIS.encode() + b"TI  - \xff\xfe\n"), "either"
    ),
    "only empty records": Case(text("empties.ris", "TY  - JOUR\nER  - \n" * 3), "refused"),
    "10,000 empty records": Case(
        text("many-empties.ris", "TY  - JOUR\nER  - \n" * 10_000), "refused"
    ),
    "RIS without ER": Case(text("noer.ris", "TY  - JOUR\nTI  - A title\n"), "either", "line"),
    "RIS truncated": Case(text("trunc.ris", ONE_RIS + "TY  - JOUR\nTI  - Half"), "either", "line"),
    "RIS empty TY": Case(text("emptyty.ris", "TY  - \nTI  - x\nER  - \n"), "either", "line"),
    "RIS unknown type": Case(text("type.ris", ONE_RIS.replace("JOUR", "ZZZZ")), "imported"),
    "RIS 1 MB title": Case(text("long.ris", RIS.format(title="x" * 1_000_000)), "either"),
    "RIS escapes in title": Case(
        text("esc.ris", RIS.format(title="\x1b]52;c;SGk=\x07\x1b[2J")), "either"
    ),
    "RIS NUL in title": Case(text("nultitle.ris", RIS.format(title="a\x00b")), "either"),
    "RIS year 99999999999": Case(
        text("year.ris", ONE_RIS.replace("2020", "99999999999")), "either"
    ),
    "RIS 100 kB DOI": Case(
        text("doi.ris", ONE_RIS.replace("ER", "DO  - 10." + "1" * 100_000 + "\nER")), "either"
    ),
    "RIS CR line ends": Case(text("cr.ris", ONE_RIS.replace("\n", "\r")), "either"),
    "RIS mixed line ends": Case(text("mixed.ris", ONE_RIS.replace("\n", "\r\n", 2)), "imported"),
    "RIS formula titles": Case(
        text("formula.ris", RIS.format(title="=cmd|'/c calc'!A1")), "imported"
    ),
    "one 5 MB line": Case(text("oneline.ris", "x" * 5_000_000), "refused"),
    "MEDLINE PMID only": Case(text("pmid.nbib", "PMID- 12345\n"), "either"),
    "MEDLINE garbage continuation": Case(
        text("cont.nbib", MEDLINE.format(title="A") + "      stray\n\x01\x02\n"), "either"
    ),
    "MEDLINE 100,000 authors": Case(
        text("authors.nbib", MEDLINE.format(title="A") + "AU  - X Y\n" * 100_000), "either"
    ),
    "BibTeX unbalanced": Case(
        text("unbal.bib", "@article{k,\n title = {A {b}\n"), "either", "line"
    ),
    "BibTeX comment only": Case(text("comment.bib", "@comment{nothing here}\n"), "refused"),
    "BibTeX 10,000 braces": Case(
        text("braces.bib", BIB.format(title="{" * 10_000 + "x" + "}" * 10_000)), "either"
    ),
    "BibTeX NUL": Case(text("nul.bib", BIB.format(title="a\x00b")), "either"),
    "BibTeX duplicate keys": Case(
        text("dupkeys.bib", BIB.format(title="A") + BIB.format(title="B")), "either"
    ),
    "CSV no header": Case(text("nohead.csv", "Secretome,Smith,2020\n"), "either"),
    "CSV header only": Case(text("headonly.csv", "title,authors,year\n"), "refused"),
    "CSV 10,000 columns": Case(
        text("wide.csv", ",".join(f"c{i}" for i in range(10_000)) + "\n" + "," * 9_999 + "\n"),
        "either",
    ),
    "CSV 2 MB cell": Case(text("cell.csv", CSV.format(title="y" * 2_000_000)), "either"),
    "CSV open quote": Case(text("quote.csv", 'title,year\n"never closed,2020\n'), "either"),
    "CSV ragged rows": Case(text("ragged.csv", "title,year\nA\nB,2020,extra,more\n"), "either"),
    "CSV formulas": Case(
        text("formula.csv", CSV.format(title='=HYPERLINK("http://x")')), "imported"
    ),
    "CSV semicolons with BOM": Case(
        text("semi.csv", "\ufefftitle;authors;year\nA;Smith;2020\n"), "either"
    ),
    "TSV mixed tabs": Case(text("mixed.tsv", "title\tyear\nA\t2020\t\t\nB\n"), "either"),
    "XML billion laughs": Case(text("laughs.xml", LAUGHS), "refused"),
    "XML external entity": Case(text("xxe.xml", XXE), "refused"),
    "XML truncated": Case(text("trunc.xml", XML.format(title="A")[:-20]), "refused"),
    "XML 100,000 deep": Case(
        text("deep.xml", "<xml>" + "<a>" * 100_000 + "</a>" * 100_000 + "</xml>"), "refused"
    ),
    "XML of another kind": Case(
        text("other.xml", '<?xml version="1.0"?><html><body>hi</body></html>'), "refused"
    ),
    "XML escapes in title": Case(text("esc.xml", XML.format(title="&#x1b;[2J")), "either"),
    "WoS header only": Case(
        text("head.txt", "FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n"), "refused"
    ),
    "WoS without ER": Case(text("noer.txt", WOS.replace("ER\n", "")), "either"),
    "gzip": Case(data("a.ris.gz", b"\x1f\x8b\x08\x00" + NOISE[:200]), "refused"),
    "zip (xlsx)": Case(data("a.xlsx", b"PK\x03\x04" + NOISE[:200]), "refused"),
    "PDF": Case(data("a.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + NOISE[:200]), "refused"),
    "PNG": Case(data("a.png", b"\x89PNG\r\n\x1a\n" + NOISE[:200]), "refused"),
    "JSON": Case(text("a.json", '{"title": "A"}'), "refused"),
    "HTML": Case(
        text("a.html", "<!doctype html><html><body><p>TY  - JOUR</p></body></html>"), "either"
    ),
    "escape in the file name": Case(text("name\x1b[2J.ris", "garbage"), "refused"),
    "newline in the file name": Case(text("two\nlines.ris", "garbage"), "refused"),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case run once through the command line in a child process."""
    root = tmp_path_factory.mktemp("import-corpus")
    template = init_project(root / "template", "Hostile imports")
    (root / "files").mkdir()
    paths = {name: str(case.make(root / "files")) for name, case in CASES.items()}
    found = _run_all(template, list(paths.values()))
    return {name: found[path] for name, path in paths.items()}


def _run_all(template: Path, files: list[str]) -> dict[str, dict[str, Any]]:
    """Run the worker over the files; a file that takes longer than HANG_SECONDS is a hang:
    the worker is stopped and started again on the files after it."""
    found: dict[str, dict[str, Any]] = {}
    while len(found) < len(files):
        rest = files[len(found) :]
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.import_worker", str(template), *rest],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert worker.stdout is not None
        for file in rest:
            ready, _, _ = select.select([worker.stdout], [], [], HANG_SECONDS)
            line = worker.stdout.readline() if ready else b""
            if not line:
                worker.kill()
                worker.wait()
                found[file] = {"file": file, "hang": not ready, "crashed": bool(ready)}
                break
            found[file] = json.loads(line)
        else:
            worker.wait()
    return found


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_import_file(results: dict[str, dict[str, Any]], name: str) -> None:
    case, result = CASES[name], results[name]
    assert not result.get("hang"), f"no answer within {HANG_SECONDS} s"
    assert not result.get("crashed"), "the worker died (memory?)"
    assert result["traceback"] == "", result["traceback"]
    if case.outcome != "either":
        assert (result["exit"] == 0) == (case.outcome == "imported"), result
    if result["exit"] == 0:
        return
    assert result["exit"] == 1 and not result["changed"], result
    # one error line; the command adds that nothing changed (a notice, not a second error)
    lines = [line for line in result["stderr"].splitlines() if line != UNCHANGED]
    assert len(lines) == 1 and lines[0].startswith("error: "), result["stderr"]
    shown = Path(result["file"]).name.replace("\x1b", "\u241b").replace("\n", "\u2424")
    assert shown.split("\u2424")[-1] in lines[0], lines[0]  # the file, shown literally
    assert "\x1b" not in lines[0]
    if case.where:
        assert f"{case.where} " in lines[0], lines[0]
