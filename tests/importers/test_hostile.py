"""Hostile and careless input to `import`: pipes, devices, binaries, odd encodings, files
with nothing to screen. Each is one clear line naming the file, exit status 1, and the
project exactly as it was; nothing hangs and nothing is read without end."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.project import open_project

RIS = "TY  - JOUR\nTI  - Secretome in tendon healing\nAU  - Chen, Wei\nPY  - 2021\nER  - \n"
CSV = 'Title,Authors,Year\nSecretome in tendon healing,"Chen, Wei",2021\n'


def _import(project_path: Path, *args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["import", str(project_path), *map(str, args)])
    return result.exit_code, result.output


def _refused(project_path: Path, path: Path, expected: str) -> str:
    with open_project(project_path) as project:
        before = project.store.dump()
    code, output = _import(project_path, path)
    assert code == 1, output
    assert output.startswith(f"error: {path.name}") or output.startswith(f"error: {path}")
    assert "Traceback" not in output and expected in output, output
    first = output.splitlines()[0]
    assert first.count(path.name) == 1  # one line that names the file once
    with open_project(project_path) as project:
        assert project.store.dump() == before
    return first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_being_opened(project_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "search.ris"
    os.mkfifo(fifo)  # opening it would block until a writer came
    _refused(project_path, fifo, "is a pipe (FIFO), not a file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_refused(project_path: Path, tmp_path: Path) -> None:
    _refused(project_path, Path("/dev/zero"), "is a device, not a file")
    link = tmp_path / "zero.ris"
    link.symlink_to("/dev/zero")  # a link is followed to what it names
    _refused(project_path, link, "is a device, not a file")


def test_a_folder_is_refused(project_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    _refused(project_path, folder, "is a folder, not a file")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [RIS, CSV], ids=["ris", "csv"])
def test_utf16_without_bom_is_read(
    project_path: Path, tmp_path: Path, codec: str, text: str
) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(text.replace("Chen, Wei", "Chén, Wéi").encode(codec))
    code, output = _import(project_path, path, "--database", "Embase")
    assert code == 0, output
    assert f"read as {codec.upper()} (the file has no byte-order mark)" in output
    with open_project(project_path) as project:
        (stored,) = project.store.records.all()
    assert stored.record.title == "Secretome in tendon healing"
    assert stored.record.authors == ("Chén, Wéi",)
    assert project_sources_encoding(project_path) == codec


def project_sources_encoding(project_path: Path) -> str:
    with open_project(project_path) as project:
        return project.store.records.sources()[0].encoding


@pytest.mark.parametrize(
    "content",
    [
        "TY  - JOUR\nPY  - 2001\nER  - \n\nTY  - JOUR\nKW  - x\nER  - \n",
        "Title,Abstract,Year\n,,2001\n,,2002\n",
        "PMID- \nDP  - 2001\n\nPMID- \nDP  - 2002\n",
    ],
    ids=["ris", "csv", "medline"],
)
def test_a_file_with_only_empty_records_is_refused(
    project_path: Path, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "empty-records.txt"
    path.write_text(content)
    _refused(path=path, project_path=project_path, expected="nothing to screen")


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


# Hostile files: (name, content maker, what the one-line message says).
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty.ris": (lambda: b"", "the file is empty"),
    "blank.ris": (lambda: b" \n\r\n\t\n" * 1000, "the file is empty"),
    "bom-only.ris": (lambda: codecs.BOM_UTF8 + b"\n", "the file is empty"),
    "nul.ris": (lambda: b"TY  - JOUR\x00\x00\x00\x00" * 50, "binary file"),
    "random.bin": (lambda: random.Random(1).randbytes(5000), "binary file"),
    "paper.pdf": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
    "export.ris.gz": (lambda: gzip.compress(RIS.encode()), "gzip-compressed"),
    "export.zip": (lambda: _zip({"export.ris": RIS.encode()}), "a ZIP archive"),
    "bad-utf16.txt": (lambda: codecs.BOM_UTF16_LE + b"T\x00Y\x00\x00\xd8", "not valid UTF-16"),
    "prose.txt": (lambda: b"Dear colleague, here are the results.\n", "unknown format"),
    "old.xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "save it as .xlsx"),
    "cut.ris": (lambda: (RIS + "TY  - JOUR\nTI  - cut here\n").encode(), "no end tag"),
    "quote.csv": (lambda: b'Title,Year\n"A title,2001\n', "never closed"),
    "wide.csv": (lambda: b"Title,Year\nA,2001,x,y\n", "4 cells but the header"),
    "no-title.csv": (lambda: b"Authors,Year\nSmith,2001\n", "no title column"),
    "header-only.csv": (lambda: b"Title,Abstract\n", "no records found"),
    "not-a-book.xlsx": (lambda: _zip({"xl/workbook.xml": b"<nope"}), "cannot read this workbook"),
    "xml-bomb.xml": (
        lambda: (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><records><record>'
            b"<titles><title>&b;</title></titles></record></records></xml>"
        ),
        "",
    ),
    "deep.bib": (lambda: b"@article{k, title = " + b"{" * 5000 + b"}" * 5000 + b"}\n", ""),
    "long-line.ris": (lambda: b"TY  - JOUR\nTI  - " + b"a" * 5_000_000 + b"\n", "no end tag"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_one_line_project_unchanged(
    project_path: Path, tmp_path: Path, name: str
) -> None:
    make, expected = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    with open_project(project_path) as project:
        before = project.store.dump()
    code, output = _import(project_path, path)
    assert "Traceback" not in output
    if code == 0:  # some hostile files are still citations: they import, with no traceback
        assert not expected, output
        return
    assert code == 1 and output.startswith(f"error: {name}"), output
    assert expected in output.splitlines()[0], output
    with open_project(project_path) as project:
        assert project.store.dump() == before


def test_zip_bomb_is_refused(project_path: Path, tmp_path: Path) -> None:
    """A workbook whose parts unpack to more than 2 GB is refused before openpyxl reads it.
    The sizes are those the zip's directory gives: here one member's is set to 4 GB."""
    data = bytearray(_zip({"xl/workbook.xml": b"<workbook/>", "xl/sheet.xml": b"<x/>"}))
    entry = data.rindex(b"PK\x01\x02")  # the last member's central directory entry
    data[entry + 24 : entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # uncompressed size
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bytes(data))
    first = _refused(project_path, path, "unpacks to")
    assert "at most 2048 MB" in first
