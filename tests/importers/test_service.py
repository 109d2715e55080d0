"""The import pipeline: big files parsed in parallel pieces give what one piece gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import ScreenerError
from screener.importers import pieces
from screener.importers import service as importing
from screener.importers.reading import parse_file
from screener.importers.service import ImportBatchError, guess_database, import_files
from screener.project import Project
from tests.paths import TESTS


def _ris(count: int, empty_every: int = 7) -> str:
    blocks = []
    for i in range(1, count + 1):
        if i % empty_every == 0:
            blocks.append("TY  - JOUR\nPY  - 2001\nER  - \n")  # nothing to screen
        else:
            blocks.append(
                f"TY  - JOUR\nID  - r{i}\nTI  - Secretome study {i}\n"
                f"AB  - Conditioned medium\n  continued {i}\nDO  - 10.1000/s{i}\nER  - \n"
            )
    return "\n".join(blocks)


def _stored(project: Project) -> list[tuple[int, int, str, str]]:
    return [(r.record.position, r.record.line, r.record.source_record_id, r.record.title)
            for r in project.store.records()]  # fmt: skip


@pytest.mark.parametrize("fmt_text", ["ris", "medline"])
def test_parallel_pieces_match_a_single_pass(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt_text: str
) -> None:
    if fmt_text == "ris":
        text = _ris(120)
    else:
        text = "\n\n".join(
            f"PMID- {1000 + i}\nTI  - Exosomes in tendon healing {i}\n      part two\n"
            f"DP  - 2019 Mar"
            for i in range(1, 121)
        )
    path = tmp_path / f"big.{fmt_text}"
    path.write_text(text)
    expected = parse_file(path, path.read_bytes())
    monkeypatch.setattr(pieces, "PIECE_SIZE", 500)  # dozens of pieces, two workers
    (result,) = import_files(project, [path])
    stored = _stored(project)
    assert [(r.position, r.line, r.source_record_id, r.title) for r in expected.records] == stored
    assert result.skipped_positions == tuple(r.position for r in expected.skipped)
    assert result.source.record_count == len(expected.records)
    assert result.source.skipped_count == len(expected.skipped)


def test_error_in_a_later_piece_names_the_files_line_and_record(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _ris(60, empty_every=1000) + "\nTY  - JOUR\nTI  - cut off here\n"
    path = tmp_path / "cut.ris"
    path.write_text(text)
    start_line = text.count("\n", 0, text.rindex("TY  - JOUR")) + 1
    before = project.store.dump()
    monkeypatch.setattr(pieces, "PIECE_SIZE", 400)
    with pytest.raises(ImportBatchError) as caught:
        import_files(project, [path])
    assert f"cut.ris, line {start_line}: record 61 has no end tag" in str(caught.value)
    assert project.store.dump() == before


def test_strict_in_a_later_piece(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "empty.ris"
    path.write_text(_ris(40, empty_every=35))
    monkeypatch.setattr(pieces, "PIECE_SIZE", 300)
    with pytest.raises(ScreenerError, match=r"record 35\b.*--strict"):
        import_files(project, [path], strict=True)
    assert project.store.sources() == []


def test_guess_database() -> None:
    assert guess_database(Path("x.ris"), "ris", ["Embase"]) == "Embase"
    assert guess_database(Path("scopus_2026.csv"), "csv", []) == "Scopus"
    assert guess_database(Path("export.nbib"), "medline", []) == "PubMed"
    assert guess_database(Path("savedrecs.txt"), "wos", []) == "Web of Science"
    assert guess_database(Path("my-search.ris"), "ris", []) == "my-search"


def test_search_details_are_kept_and_dates_checked(project: Project) -> None:
    fixture = TESTS / "fixtures" / "cli" / "one.nbib"
    search = importing.Search("MEDLINE", "Ovid", "secretome.mp.", "2026-10-31")
    (result,) = import_files(project, [fixture], search)
    source = result.source
    assert (source.database, source.platform, source.query, source.searched_on) == (
        "MEDLINE", "Ovid", "secretome.mp.", "2026-10-31")  # fmt: skip
    with pytest.raises(ScreenerError, match="YYYY-MM-DD"):
        importing.Search(searched_on="31/10/2026")
