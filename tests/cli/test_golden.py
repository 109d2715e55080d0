"""Behaviour kept: every command's --json output, and every export's content, on a screened
copy of the demo project, against a golden file. Volatile parts (times, uids, paths,
durations) are replaced by placeholders before comparing.

After a deliberate change of output: SCREENER_UPDATE_GOLDEN=1 python -m pytest THIS_FILE
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.demo import make_demo
from tests.paths import TESTS

GOLDEN = TESTS / "golden" / "cli.json"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")
_UID = re.compile(r"\b[0-9a-f]{32}\b")
_VOLATILE_KEYS = {"seconds", "retrain_ms_per_step"}


def _run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def _screen(demo: Path) -> None:
    """A small review: agreements, conflicts (one resolved), full text, extraction."""

    def decide(verdict: str, study: int, who: str, *extra: object) -> None:
        _run("decide", demo, verdict, "--record", study, "--reviewer", who, *extra)

    decide("include", 1, "alice", "--tag", "tissue=skin/wound", "--tag", "model=mouse")
    decide("include", 1, "bob", "--tag", "tissue=skin/wound", "--note", "=clear")
    decide("include", 2, "alice")
    decide("exclude", 2, "bob", "--reason", "design")
    decide("exclude", 3, "alice", "--reason", "oncology")
    decide("exclude", 3, "bob")
    decide("maybe", 4, "alice", "--tag", "outcome=angiogenesis")
    decide("include", 4, "bob", "--tag", "tissue=bone")
    decide("include", 5, "alice")
    decide("exclude", 5, "bob", "--reason", "not_msc")
    decide("include", 7, "alice")
    decide("include", 8, "alice")
    decide("include", 8, "bob", "--note", "dose unclear")
    decide("exclude", 9, "alice", "--note", "+review")
    _run("resolve", demo, "include", "--record", 2, "--resolver", "carol", "--note", "agreed")
    for study, status, extra in (
        (1, "retrieved", ()),
        (2, "retrieved", ()),
        (4, "not_retrieved", ("--reason", "paywall")),
        (8, "sought", ()),
    ):
        _run("retrieval", demo, status, "--record", study, "--reviewer", "alice", *extra)
    decide("include", 1, "alice", "--stage", "ft")
    decide("include", 1, "bob", "--stage", "ft")
    decide("exclude", 2, "alice", "--stage", "ft", "--reason", "design")
    decide("exclude", 2, "bob", "--stage", "ft", "--reason", "outcome")
    _run(
        "resolve",
        demo,
        "exclude",
        "--record",
        2,
        "--resolver",
        "carol",
        "--stage",
        "ft",
        "--reason",
        "design",
    )
    for who, dose in (("alice", "10"), ("bob", "12")):
        _run("extract", "set", demo, 1, "tissue", "skin/wound", "--reviewer", who)
        _run("extract", "set", demo, 1, "fraction", "exosomes", "--reviewer", who)
        _run("extract", "set", demo, 1, "dose", dose, "--unit", "µg", "--reviewer", who)
    _run("extract", "set", demo, 1, "notes", "@note", "--reviewer", "alice")
    _run("extract", "resolve", demo, 1, "dose", "10", "--unit", "µg", "--reviewer", "alice")


def _labelled(path: Path) -> Path:
    rows = ["title,abstract,label_included"]
    for i in range(24):
        topic = "secretome wound healing" if i % 4 == 0 else "tumour biomarker assay"
        rows.append(f"Study {i} of {topic},An abstract about {topic} number {i},{int(i % 4 == 0)}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _normalise(text: str, tmp: Path) -> str:
    text = text.replace(str(tmp), "<tmp>")
    text = _UID.sub("<uid>", _TIME.sub("<time>", text))
    return text


def _strip_volatile(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_volatile(v) for k, v in data.items() if k not in _VOLATILE_KEYS}
    if isinstance(data, list):
        return [_strip_volatile(v) for v in data]
    return data


def _outputs(tmp: Path) -> Iterator[tuple[str, Any]]:
    demo, _ = make_demo(tmp / "demo")
    _screen(demo)
    commands = {
        "status": ("status", demo, "--json"),
        "sources": ("sources", demo, "--json"),
        "dedup --dry-run": ("dedup", demo, "--dry-run", "--json"),
        "prisma show": ("prisma", "show", demo, "--json"),
        "conflicts": ("conflicts", demo, "--json"),
        "conflicts --stage ft": ("conflicts", demo, "--stage", "ft", "--json"),
        "show 1": ("show", demo, 1, "--reviewer", "alice", "--json"),
        "show 8": ("show", demo, 8, "--reviewer", "bob", "--json"),
        "agreement": ("agreement", demo, "--json"),
        "extract show": ("extract", "show", demo, "--json"),
        "extract show 1": ("extract", "show", demo, "1", "--json"),
        "extract conflicts": ("extract", "conflicts", demo, "--json"),
        "sync export": (
            "sync",
            "export",
            demo,
            "--reviewer",
            "bob",
            "-o",
            tmp / "bob.jsonl",
            "--json",
        ),
        "sync import": ("sync", "import", demo, tmp / "bob.jsonl", "--json"),
        "simulate": ("simulate", _labelled(tmp / "labelled.csv"), "--seeds", "2", "--json"),
    }
    for name, args in commands.items():
        yield name, _strip_volatile(json.loads(_normalise(_run(*args), tmp)))
    yield "file bob.jsonl", _normalise((tmp / "bob.jsonl").read_text(encoding="utf-8"), tmp)
    out = tmp / "out"
    kinds = (
        "dedup-map",
        "prisma-csv",
        "prisma-svg",
        "prisma-md",
        "audit",
        "evidence",
        "evidence-xlsx",
        "evidence-md",
        "evidence-map",
        "ris",
        "bibtex",
        "asreview",
    )
    for kind in kinds:
        _run("export", kind, demo, "-o", f"{out / kind}/")
    _run("export", "ris", demo, "--studies", "all", "-o", out / "all" / "all.ris")
    _run("export", "bibtex", demo, "--studies", "excluded", "-o", out / "excluded" / "ex.bib")
    audit = out / "audit"
    yield (
        "prisma replay",
        json.loads(_run("prisma", "replay", next(audit.glob("*.jsonl")), "--json")),
    )
    yield "dedup", _strip_volatile(json.loads(_run("dedup", demo, "--json")))
    for path in sorted(out.rglob("*")):
        if path.suffix == ".xlsx":
            openpyxl = pytest.importorskip("openpyxl")
            sheet = openpyxl.load_workbook(path).active
            yield f"file {path.relative_to(out)}", [list(row) for row in sheet.values]
        elif path.is_file():
            text = path.read_text(encoding="utf-8")
            yield f"file {path.relative_to(out)}", _normalise(text, tmp)


def test_every_command_and_export_as_before(tmp_path: Path) -> None:
    found = dict(_outputs(tmp_path))
    if os.environ.get("SCREENER_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", "utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected)
    for name, value in expected.items():
        assert found[name] == value, name
