"""Hostile sync files, made at test time from a valid export: every one is refused through the
command line in one line naming the file, the line and the problem, with exit status 1 and
the copy unchanged; the valid file itself imports."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from screener.demo import make_demo
from screener.extraction.service import record_values
from screener.models import NewDecision, RetrievalStatus, Stage, Verdict
from screener.project import open_project
from screener.screening import decisions as review
from screener.sync.service import export_events, import_events, write_jsonl
from tests.hostile.conftest import dump, one_line_refusal, run

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
Lines = list[Any]  # a header and events as dicts, or raw text / bytes for a broken line


@dataclass(frozen=True, slots=True)
class Scene:
    target: Path  # bob's copy: every case is imported here
    lines: list[dict[str, Any]]  # alice's valid export


def _sync(source: Path, who: str, target: Path, file: Path) -> None:
    with open_project(source) as project:
        write_jsonl(file, export_events(project, who))
    with open_project(target) as project:
        import_events(project, file)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """Alice's copy with every kind of event, and bob's copy holding bob's side of them."""
    root = tmp_path_factory.mktemp("sync-corpus")
    a, b = make_demo(root / "a")[0], make_demo(root / "b")[0]

    def decide(
        path: Path, study: int, who: str, verdict: Verdict, *reasons: str, **extra: Any
    ) -> None:
        stage = extra.pop("stage", TA)
        with open_project(path) as project:  # a full-text decision marks its report retrieved
            made = NewDecision(study, stage, who, verdict, reasons, **extra)
            review.decide(project, made, mark_retrieved=stage is FT)

    decide(a, 1, "alice", Verdict.INCLUDE, tags={"tissue": ["bone", "femur"], "model": ["rat"]})
    decide(a, 2, "alice", Verdict.EXCLUDE, "design", note="a narrative review")
    decide(a, 3, "alice", Verdict.INCLUDE)
    for study in (1, 2, 3):
        decide(b, study, "bob", Verdict.INCLUDE)
    target = make_demo(root / "c")[0]  # bob's title/abstract decisions, none of alice's
    _sync(b, "bob", target, root / "bob-ta.jsonl")
    _sync(b, "bob", a, root / "bob.jsonl")
    _sync(a, "alice", b, root / "alice-ta.jsonl")
    (a / "fulltext").mkdir()
    (a / "fulltext" / "s1.pdf").write_bytes(b"%PDF-1.4\n")
    with open_project(a) as project:
        review.resolve(project, 2, TA, "alice", Verdict.INCLUDE, note="agreed")
        review.set_retrieval(
            project, 1, RetrievalStatus.RETRIEVED, "alice", pdf_path="fulltext/s1.pdf"
        )
        review.set_retrieval(project, 3, RetrievalStatus.SOUGHT, "alice")
    decide(a, 1, "alice", Verdict.INCLUDE, stage=FT)
    decide(a, 3, "alice", Verdict.EXCLUDE, "design", stage=FT)
    decide(b, 1, "bob", Verdict.INCLUDE, stage=FT)
    _sync(b, "bob", a, root / "bob.jsonl")
    with open_project(a) as project:
        record_values(
            project, 1, "alice", {"dose": {"value": 10, "unit": "µg"}, "tissue": ["bone"]}
        )
    file = root / "alice.jsonl"
    with open_project(a) as project:
        write_jsonl(file, export_events(project, "alice"))
    lines = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
    return Scene(target, lines)


def first(lines: Lines, **match: Any) -> int:
    """The index of the first event whose fields have these values."""
    return next(
        i
        for i, e in enumerate(lines)
        if isinstance(e, dict) and all(e.get(k) == v for k, v in match.items())
    )


Edit = Callable[[Lines], int]  # changes the lines; returns the 1-based line that is wrong


def setting(match: dict[str, Any], **changes: Any) -> Edit:
    def edit(lines: Lines) -> int:
        i = first(lines, **match)
        for name, value in changes.items():
            if value is None:
                del lines[i][name]
            else:
                lines[i][name] = value
        return i + 1

    return edit


def replacing(match: dict[str, Any], text: str | bytes) -> Edit:
    def edit(lines: Lines) -> int:
        i = first(lines, **match)
        lines[i] = text
        return i + 1

    return edit


def every_line(**changes: Any) -> Edit:
    def edit(lines: Lines) -> int:
        for event in lines:
            for name, value in changes.items():
                if name in event:
                    event[name] = value
        return 2 if "reviewer" not in changes or "resolver" in lines[1] else 2

    return edit


def duplicated_uid(lines: Lines) -> int:
    lines.append(dict(lines[1]))
    return len(lines)


def by_bob(lines: Lines) -> int:
    i = first(lines, kind="decision", verdict="exclude")
    lines[i]["reviewer"] = "bob"
    return i + 1


def on_record(match: dict[str, Any], of: dict[str, Any] | None = None, position: int = 0) -> Edit:
    """The event moved to the record of another event (``of``), or to another position."""

    def edit(lines: Lines) -> int:
        i = first(lines, **match)
        record = dict(lines[first(lines, **of)]["record"] if of else lines[i]["record"])
        if position:
            record["position"] = position
        lines[i]["record"] = record
        return i + 1

    return edit


def before_inclusion(lines: Lines) -> int:
    """alice's full-text decision moved before bob's inclusion at title/abstract."""
    i = first(lines, kind="decision", stage="full_text", verdict="include")
    lines[i]["created_at"] = "2000-01-01T00:00:00+00:00"
    return i + 1


TA_EXCLUDE = {"kind": "decision", "stage": "title_abstract", "verdict": "exclude"}
TA_INCLUDE = {"kind": "decision", "stage": "title_abstract", "verdict": "include"}
FT_INCLUDE = {"kind": "decision", "stage": "full_text", "verdict": "include"}
FT_EXCLUDE = {"kind": "decision", "stage": "full_text", "verdict": "exclude"}
RETRIEVED = {"kind": "retrieval", "status": "retrieved"}
SOUGHT = {"kind": "retrieval", "status": "sought"}
RESOLUTION = {"kind": "resolution"}
TERM = {"kind": "vocabulary_term"}
EXTRACTION = {"kind": "extraction"}
HEADER = {"kind": "header"}
DEEP = "[" * 100_000 + "]" * 100_000

CASES: dict[str, tuple[Edit, str]] = {
    "unknown reason": (setting(TA_EXCLUDE, reasons=["nonsense"]), "exclusion reason 'nonsense'"),
    "reason on an include": (
        setting(TA_INCLUDE, reasons=["design"]),
        "with an exclude decision only",
    ),
    "unknown vocabulary": (
        setting(TA_INCLUDE, tags={"species": ["rat"]}),
        "unknown vocabulary 'species'",
    ),
    "100 kB term in a tag": (
        setting(TA_INCLUDE, tags={"tissue": ["x" * 100_000]}),
        "characters long",
    ),
    "100 kB vocabulary term": (setting(TERM, term="y" * 100_000), "characters long"),
    "term nobody added": (
        setting(TA_INCLUDE, tags={"tissue": ["spleen"]}),
        "in neither this copy nor",
    ),
    "term in a closed vocabulary": (setting(TERM, vocabulary="fraction"), "closed vocabulary"),
    "repeated tag term": (
        setting(TA_INCLUDE, tags={"tissue": ["bone", "bone"]}),
        "not as screener stores",
    ),
    "tag term with spaces": (
        setting(TA_INCLUDE, tags={"tissue": [" bone"]}),
        "not as screener stores",
    ),
    "full text not reached": (on_record(FT_INCLUDE, position=10), "not at full text then"),
    "retrieval not included": (on_record(SOUGHT, position=10), "not included at title/abstract"),
    "full text before inclusion": (before_inclusion, "not at full text then"),
    "full-text exclusion without reason": (setting(FT_EXCLUDE, reasons=[]), "needs a reason"),
    "two full-text reasons": (setting(FT_EXCLUDE, reasons=["design", "outcome"]), "one reason"),
    "maybe at full text": (setting(FT_INCLUDE, verdict="maybe"), "is one of include, exclude"),
    "resolution without conflict": (on_record(RESOLUTION, of=FT_INCLUDE), "had no conflict then"),
    "resolution undo": (setting(RESOLUTION, verdict="undo"), "not one of include, exclude"),
    "field not in the protocol": (setting(EXTRACTION, field="blood_type"), "no extraction field"),
    "value with a unit not allowed": (
        setting({"kind": "extraction", "field": "dose"}, value='{"value": 10.0, "unit": "kg"}'),
        "not one of its units",
    ),
    "value not as stored": (
        setting({"kind": "extraction", "field": "dose"}, value='{"unit": "µg", "value": 10}'),
        "not as screener stores",
    ),
    "value not JSON": (setting(EXTRACTION, value="{nope"), "must be JSON text"),
    "reviewer not in protocol": (
        every_line(reviewer="mallory"),
        "not in protocol.toml's reviewers",
    ),
    "reviewer with a trailing space": (every_line(reviewer="alice "), "not as screener stores"),
    "reviewer with an escape": (every_line(reviewer="ali\x1bce"), "control character U+001B"),
    "2 MB note": (setting(TA_EXCLUDE, note="n" * 2_000_000), "characters long"),
    "NUL in a note": (setting(TA_EXCLUDE, note="a\x00b"), "control character U+0000"),
    "OSC 52 in a note": (
        setting(TA_EXCLUDE, note="\x1b]52;c;SGVsbG8=\x07"),
        "control character U+001B",
    ),
    "escape in a resolution note": (setting(RESOLUTION, note="\x1b[2J"), "control character"),
    "undo with a note": (setting(TA_EXCLUDE, verdict="undo", reasons=[]), "an undo has no"),
    "path to /etc/passwd": (
        setting(RETRIEVED, pdf_path="../../../../etc/passwd"),
        "outside the project",
    ),
    "path /etc/shadow": (setting(RETRIEVED, pdf_path="/etc/shadow"), "outside the project"),
    "path ~/.ssh/id_rsa": (setting(RETRIEVED, pdf_path="~/.ssh/id_rsa"), "outside the project"),
    "path --help": (setting(RETRIEVED, pdf_path="--help"), "not a path inside the project"),
    "path -rf.pdf": (setting(RETRIEVED, pdf_path="-rf.pdf"), "not a path inside the project"),
    "URL as path": (setting(RETRIEVED, pdf_path="https://example.org/a.pdf"), "not a path inside"),
    "file URL as path": (setting(RETRIEVED, pdf_path="file:///etc/passwd"), "not a path inside"),
    "path not as stored": (
        setting(RETRIEVED, pdf_path="fulltext/../fulltext/s1.pdf"),
        "not as screener",
    ),
    "NUL in a path": (setting(RETRIEVED, pdf_path="a\x00.pdf"), "control character U+0000"),
    "path on sought": (setting(SOUGHT, pdf_path="fulltext/s1.pdf"), "goes with retrieved only"),
    "not retrieved without reason": (setting(SOUGHT, status="not_retrieved"), "say why"),
    "reason on sought": (setting(SOUGHT, reason="paywall"), "goes with not_retrieved only"),
    "year 9999": (
        setting(TA_INCLUDE, created_at="9999-12-31T23:59:59.999999+00:00"),
        "a day ahead",
    ),
    "time out of range": (
        setting(TA_INCLUDE, created_at="0001-01-01T00:00:00+14:00"),
        "out of range",
    ),
    "time without offset": (setting(TA_INCLUDE, created_at="2026-01-01T00:00:00"), "UTC offset"),
    "deeply nested JSON": (replacing(TA_INCLUDE, DEEP), "nested too deeply"),
    "deep value in a field": (setting(TA_EXCLUDE, note=None), "without 'note'"),
    "broken JSON": (replacing(TA_INCLUDE, '{"kind": "decision", '), "not valid JSON"),
    "not UTF-8": (replacing(TA_INCLUDE, b'{"note": "caf\xe9"}'), "not UTF-8"),
    "a JSON array": (replacing(TA_INCLUDE, "[1, 2]"), "JSON object"),
    "uid not hex": (setting(TA_INCLUDE, uid="../../x"), "32 hexadecimal"),
    "50 kB uid": (setting(TA_INCLUDE, uid="a" * 50_000), "32 hexadecimal"),
    "uid twice": (duplicated_uid, "is also on line"),
    "unknown kind": (setting(TA_INCLUDE, kind="opinion"), "unknown kind 'opinion'"),
    "unknown field": (setting(TA_INCLUDE, record_id=7), "unknown field"),
    "position as NaN": (
        setting(TA_INCLUDE, record={"source_sha256": "0" * 64, "position": float("nan")}),
        "record",
    ),
    "unknown source": (
        setting(TA_INCLUDE, record={"source_sha256": "0" * 64, "position": 1}),
        "has not imported",
    ),
    "no such position": (
        lambda lines: setting(
            TA_INCLUDE, record={**lines[first(lines, **TA_INCLUDE)]["record"], "position": 10**9}
        )(lines),
        "no record at position",
    ),
    "event of another reviewer": (by_bob, "in a file of 'alice'"),
    "header of another format": (setting(HEADER, format="other"), "this screener reads"),
    "header without reviewer": (setting(HEADER, reviewer=" "), "non-empty string"),
    "no header": (replacing(HEADER, '{"kind": "decision"}'), "first line must be the header"),
}


def _write(path: Path, lines: Lines) -> None:
    parts = []
    for line in lines:
        if isinstance(line, bytes):
            parts.append(line)
        elif isinstance(line, str):
            parts.append(line.encode())
        else:
            parts.append(json.dumps(line, ensure_ascii=False).encode())
    path.write_bytes(b"\n".join(parts) + b"\n")


def test_the_valid_file_imports(scene: Scene, tmp_path: Path) -> None:
    copy = tmp_path / "b"
    shutil.copytree(scene.target, copy)
    file = tmp_path / "alice.jsonl"
    _write(file, scene.lines)
    result = run("sync", "import", copy, file, "--json")
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)["added"]
    assert added == {
        "decision": 5,
        "resolution": 1,
        "tag_resolution": 0,
        "retrieval": 3,  # study 3's report: sought, then retrieved with its full-text decision
        "vocabulary_term": 1,
        "extraction": 2,
    }
    again = run("sync", "import", copy, file, "--json")
    assert sum(json.loads(again.stdout)["added"].values()) == 0


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_sync_file_is_refused_in_one_line(
    scene: Scene, tmp_path: Path, case: str
) -> None:
    edit, problem = CASES[case]
    lines = json.loads(json.dumps(scene.lines))
    line = edit(lines)
    file = tmp_path / "hostile.jsonl"
    _write(file, lines)
    target = tmp_path / "b"
    shutil.copytree(scene.target, target)
    before = dump(target)
    result = run("sync", "import", target, file)
    one_line_refusal(result, f"{file}, line {line}: ", problem)
    assert dump(target) == before
