"""Export files are replaced only once complete: an unwritable target is one ScreenerError
naming it, and the old file stays, alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import ScreenerError
from screener.exports.files import replacing, write_lines, write_text


def test_a_file_is_written_exactly_and_folders_are_made(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "out.txt"
    write_text(target, "a\r\nb\n", "text")
    assert target.read_bytes() == b"a\r\nb\n"  # no newline translation
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_an_error_while_writing_leaves_the_old_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def pieces() -> list[str]:
        raise ScreenerError("the data went wrong")

    with pytest.raises(ScreenerError, match="the data went wrong"):
        write_lines(target, (piece for piece in pieces()), "text")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("where", ["folder", "parent is a file", "partial is a folder"])
def test_an_unwritable_target_is_one_line_naming_it(tmp_path: Path, where: str) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    if where == "folder":
        target = tmp_path / "a-folder"
        target.mkdir()
    elif where == "parent is a file":
        target = tmp_path / "out.txt" / "inner.txt"
    else:
        (tmp_path / "out.txt.partial").mkdir()
    with pytest.raises(ScreenerError) as raised:
        write_text(target, "new", "text")
    message = str(raised.value)
    assert message.startswith(f"{target}: ") and "\n" not in message
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "old"


def test_files_written_together_are_replaced_together(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "a.jsonl"
    for path in (first, second):
        path.write_text("old", encoding="utf-8")
    (tmp_path / "a.jsonl.partial").mkdir()  # the second cannot be written
    with (
        pytest.raises(ScreenerError, match=f"^{second}: cannot write the log"),
        replacing(first, second, what="log") as (one, two),
    ):
        one.write_text("new", encoding="utf-8")
        two.write_text("new", encoding="utf-8")
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == "old"
    (tmp_path / "a.jsonl.partial").rmdir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.jsonl"]
