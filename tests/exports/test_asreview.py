"""The ASReview CSV: one row per study, title/abstract labels 1/0/empty, read back by our
tabular importer (which reads ASReview's label column) and by the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.errors import ScreenerError
from screener.exports.asreview_csv import ASREVIEW_COLUMNS, asreview_label, write_asreview
from screener.exports.references import references
from screener.exports.study_outcomes import StudySet
from screener.importers import tabular
from screener.project import open_project
from screener.screening.state import StudyStatus
from tests.exports.test_references import screened_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    return screened_demo(tmp_path_factory.mktemp("asreview"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_labels_follow_title_abstract(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, s = demo
    target = tmp_path / "asreview.csv"
    with open_project(path) as project:
        count = write_asreview(project, target)
        total = len(project.store.links.study_ids())
    rows = _rows(target)
    assert count == total == len(rows)
    assert tuple(rows[0]) == ASREVIEW_COLUMNS
    labels = {int(row["record_id"]): row["label_included"] for row in rows}
    # Included at title/abstract, whatever full text said (s[1] excluded, s[3] not
    # retrieved, s[4] waiting); excluded there; undecided (conflict, awaiting, unscreened).
    assert [labels[s[i]] for i in range(9)] == ["1", "1", "0", "1", "1", "", "", "1", ""]
    assert sum(1 for v in labels.values() if v == "") == total - 6


def test_rows_hold_each_study_once_with_its_citation(
    demo: tuple[Path, list[int]], tmp_path: Path
) -> None:
    path, _ = demo
    target = tmp_path / "asreview.csv"
    with open_project(path) as project:
        write_asreview(project, target)
        expected = references(project, StudySet.ALL)
    rows = _rows(target)
    assert [int(r["record_id"]) for r in rows] == [e.study_id for e in expected]
    assert [r["title"] for r in rows] == [e.record.title for e in expected]
    assert [r["doi"] for r in rows] == [e.record.doi for e in expected]
    assert [r["authors"] for r in rows] == ["; ".join(e.record.authors) for e in expected]
    assert target.read_bytes().decode("utf-8")  # UTF-8 throughout


def test_our_importer_reads_the_labels_back(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _ = demo
    target = tmp_path / "asreview.csv"
    with open_project(path) as project:
        write_asreview(project, target)
    back = tabular.parse(target.read_text(encoding="utf-8"))
    rows = _rows(target)
    assert [r.label for r in back] == [
        int(row["label_included"]) if row["label_included"] else None for row in rows
    ]
    assert [r.title for r in back] == [row["title"] for row in rows]


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (StudyStatus.INCLUDED, 1),
        (StudyStatus.EXCLUDED, 0),
        (StudyStatus.CONFLICT, None),
        (StudyStatus.AWAITING, None),
        (StudyStatus.UNSCREENED, None),
    ],
)
def test_label_rules(status: StudyStatus, label: int | None) -> None:
    assert asreview_label(status) == label


def test_cli(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _ = demo
    target = tmp_path / "as.csv"
    result = CliRunner().invoke(main, ["export", "asreview", str(path), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 21 studies to {target}"
    (tmp_path / "asreview.csv").mkdir()  # in a folder given, the file name is taken
    result = CliRunner().invoke(main, ["export", "asreview", str(path), "-o", str(tmp_path)])
    assert result.exit_code == 1
    folder = tmp_path / "asreview.csv"
    assert result.output.strip() == f"error: {folder}: is a folder; give a file name for the CSV"


def test_csv_lines_are_what_csv_writer_writes() -> None:
    import io

    from screener.exports.csv_safe import csv_line, safe_cell

    rows = [
        ("plain", 'a "quoted" word', "comma, inside", "line\nbreak", "cr\rhere", "", None, 7),
        ("=1+2", "-x", "+y", "@z", "\tTab", "\rCR", "naïve µg 中文", -3),
        ('"', ",", "\r\n", " spaced ", "'", ";", "1.5", 0),
    ]
    expected = io.StringIO()
    writer = csv.writer(expected)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    assert "".join(csv_line(row) for row in rows) == expected.getvalue()


def test_the_file_is_what_csv_writer_would_write(
    demo: tuple[Path, list[int]], tmp_path: Path
) -> None:
    import io

    from screener.exports.asreview_csv import asreview_rows
    from screener.exports.csv_safe import safe_cell

    path, _ = demo
    target = tmp_path / "asreview.csv"
    with open_project(path) as project:
        write_asreview(project, target)
        rows = list(asreview_rows(project))
    expected = io.StringIO()
    writer = csv.writer(expected)
    for row in [ASREVIEW_COLUMNS, *rows]:
        writer.writerow([safe_cell(cell) for cell in row])
    assert target.read_bytes().decode("utf-8") == expected.getvalue()


def test_a_new_folder_given_relative_to_the_working_folder_takes_the_file(
    demo: tuple[Path, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = demo
    monkeypatch.chdir(tmp_path)
    with open_project(path) as project:
        count = write_asreview(project, Path("new") / "folder" / "asreview.csv")
        assert count == len(project.store.links.study_ids())
    assert [p.name for p in (tmp_path / "new" / "folder").iterdir()] == ["asreview.csv"]


def test_an_unwritable_target_is_a_one_line_error_and_the_old_file_stays(
    demo: tuple[Path, list[int]], tmp_path: Path
) -> None:
    path, _ = demo
    target = tmp_path / "asreview.csv"
    (tmp_path / "file").write_text("not a folder")
    with open_project(path) as project:
        write_asreview(project, target)
        before = target.read_bytes()
        with pytest.raises(ScreenerError, match="file is a file, not a folder"):
            write_asreview(project, tmp_path / "file" / "asreview.csv")
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["asreview.csv", "file"]
