"""The import service: what a file gives is stored whole, with its skipped records and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import ScreenerError
from screener.importers import service as importing
from screener.importers.reading import parse_file
from screener.importers.service import (
    DatabaseFrom,
    ImportBatchError,
    guess_database,
    import_files,
)
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
    return [
        (r.record.position, r.record.line, r.record.source_record_id, r.record.title)
        for r in project.store.records.all()
    ]


@pytest.mark.parametrize("fmt_text", ["ris", "medline"])
def test_stored_records_match_the_parsed_file(
    project: Project, tmp_path: Path, fmt_text: str
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
    (result,) = import_files(project, [path])
    stored = _stored(project)
    assert [(r.position, r.line, r.source_record_id, r.title) for r in expected.records] == stored
    assert result.skipped_positions == tuple(r.position for r in expected.skipped)
    assert result.source.record_count == len(expected.records)
    assert result.source.skipped_count == len(expected.skipped)


def test_an_error_late_in_the_file_names_its_line_and_record(
    project: Project, tmp_path: Path
) -> None:
    text = _ris(60, empty_every=1000) + "\nTY  - JOUR\nTI  - cut off here\n"
    path = tmp_path / "cut.ris"
    path.write_text(text)
    start_line = text.count("\n", 0, text.rindex("TY  - JOUR")) + 1
    before = project.store.dump()
    with pytest.raises(ImportBatchError) as caught:
        import_files(project, [path])
    assert f"cut.ris, line {start_line}: record 61 has no end tag" in str(caught.value)
    assert project.store.dump() == before


def test_strict_refuses_a_file_with_an_empty_record(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "empty.ris"
    path.write_text(_ris(40, empty_every=35))
    with pytest.raises(ScreenerError, match=r"record 35\b.*--strict"):
        import_files(project, [path], strict=True)
    assert project.store.records.sources() == []


def test_guess_database_says_where_the_name_came_from() -> None:
    assert guess_database(Path("x.ris"), "ris", ["Embase"]) == ("Embase", DatabaseFrom.RECORDS)
    assert guess_database(Path("scopus_2026.csv"), "csv", []) == ("Scopus", DatabaseFrom.FILE_NAME)
    assert guess_database(Path("export.nbib"), "medline", []) == ("PubMed", DatabaseFrom.FORMAT)
    assert guess_database(Path("savedrecs.txt"), "wos", []) == (
        "Web of Science",
        DatabaseFrom.FORMAT,
    )
    # A file name that names no database never becomes one (it would head a PRISMA box).
    assert guess_database(Path("faulty_year.ris"), "ris", ["not a database"]) == (
        "Unknown database (faulty_year.ris)",
        DatabaseFrom.UNKNOWN,
    )


def test_search_details_are_kept_and_dates_checked(project: Project) -> None:
    fixture = TESTS / "fixtures" / "cli" / "one.nbib"
    search = importing.Search("MEDLINE", "Ovid", "secretome.mp.", "2026-10-31")
    (result,) = import_files(project, [fixture], search)
    source = result.source
    assert (source.database, source.platform, source.query, source.searched_on) == (
        "MEDLINE",
        "Ovid",
        "secretome.mp.",
        "2026-10-31",
    )
    with pytest.raises(ScreenerError, match="YYYY-MM-DD"):
        importing.Search(searched_on="31/10/2026")
