"""Citation and user text is data on the command line too: escapes in a title, a journal, an
author, a file name or a database name never reach the terminal as control characters."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from screener.cli import main
from screener.cli.common import out
from screener.demo import make_demo
from screener.models import Record
from screener.project import open_project
from screener.store import NewSource

HOSTILE = "\x1b]52;c;SGVsbG8=\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\x00"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def add_hostile_source(demo: Path) -> int:
    """A source and a record whose every text holds escapes (as a file read by an older
    screener, or a future format, might bring): the id of the record."""
    x = HOSTILE
    record = Record(
        1,
        1,
        f"id{x}",
        title=f"Secretome{x}",
        abstract=f"Abstract{x}",
        authors=(f"Smith{x}",),
        journal=f"Journal{x}",
        year=2020,
    )
    with open_project(demo) as project:
        source = NewSource(f"Base{x}", "", "", "", f"file{x}.ris", "e" * 64, "ris", "utf-8")
        project.store.records.add_source(source, [record])
        return max(project.store.records.ids())


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def test_no_command_writes_a_control_character(tmp_path: Path) -> None:
    demo = make_demo(tmp_path / "demo")[0]
    source = tmp_path / f"search{HOSTILE.replace(chr(0), '')}.ris"
    source.write_text("TY  - JOUR\nTI  - x\nER  - \n", "utf-8")
    code, output = run("import", demo, source)  # a file name with escapes
    assert code == 0, output
    record = add_hostile_source(demo)
    for who, verdict in (("alice", "include"), ("bob", "exclude")):
        assert run("decide", demo, verdict, "--record", record, "--reviewer", who)[0] == 0
    outputs = [
        output,
        *(
            run(*command)[1]
            for command in (
                ("conflicts", demo),
                ("conflicts", demo, "--json"),
                ("status", demo),
                ("status", demo, "--json"),
                ("sources", demo),
                ("sources", demo, "--json"),
                ("agreement", demo),
                ("import", demo, source),  # refused: the same file again
                ("decide", demo, "include", "--record", record, "--reviewer", "carol"),
                (
                    "decide",
                    demo,
                    "include",
                    "--record",
                    record,
                    "--reviewer",
                    "alice",
                    "--note",
                    "ok\x1b[2J",
                ),  # refused: a control character in the note
            )
        ),
    ]
    for text in outputs:
        assert not RAW.search(text.replace("\n", "").replace("\t", "")), repr(text)
    assert any("\u241b]52;c;" in text for text in outputs)  # shown, as a stand-in
    assert any("\\u001b]52" in text for text in outputs)  # --json: escaped as JSON


def test_markup_and_tables_keep_their_style_while_data_shows_stand_ins() -> None:
    with out.capture() as captured:
        out.print("[bold]note:[/] a\x1b[2Jb \\[not markup]")
    assert captured.get() == "note: a\u241b[2Jb [not markup]\n"
