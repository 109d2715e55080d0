"""Finding and listing studies: the search index kept up to date, search results as studies
(a duplicate's match names its study, once), one-line summaries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from screener.demo import make_demo
from screener.lookup import find_studies, study_summaries, update_search_index
from screener.project import Project, open_project


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Project]:
    path, _ = make_demo(tmp_path / "demo")  # 30 records, 9 of them duplicates: 21 studies
    with open_project(path) as project:
        yield project


def test_the_index_takes_in_new_records_once_and_reports_progress(demo: Project) -> None:
    assert find_studies(demo, "exosomes") == []  # imported, not yet indexed
    seen: list[tuple[int, int]] = []
    assert update_search_index(demo, lambda done, total: seen.append((done, total))) == 30
    assert seen and seen[-1] == (30, 30)
    assert all(total == 30 and 0 < done <= 30 for done, total in seen)
    seen.clear()
    assert update_search_index(demo, lambda done, total: seen.append((done, total))) == 0
    assert seen == []
    assert find_studies(demo, "exosomes")


def test_a_duplicate_record_found_names_its_study_once(demo: Project) -> None:
    update_search_index(demo)
    duplicates = demo.store.links.study_map()
    record, study = next(iter(sorted(duplicates.items())))
    words = demo.store.records.summaries([record])[record].title
    found = find_studies(demo, f'"{words}"')
    assert study in found and record not in found
    assert len(found) == len(set(found))
    # A record that is a study of its own is found under its own id.
    alone = next(i for i in demo.store.records.ids() if i not in duplicates.values())
    alone_title = demo.store.records.summaries([alone])[alone].title
    assert alone not in duplicates and find_studies(demo, f'"{alone_title}"')[0] == alone


def test_search_words_are_taken_literally(demo: Project) -> None:
    update_search_index(demo)
    assert find_studies(demo, "zzzunknownword") == []
    assert find_studies(demo, 'exosomes AND OR NOT ( "') == find_studies(
        demo, "exosomes and or not"
    )
    assert find_studies(demo, "exosom") == find_studies(demo, "exosom*")  # the last word: a prefix


def test_summaries_of_studies_leave_out_unknown_ids(demo: Project) -> None:
    summaries = study_summaries(demo, [1, 2, 99_999])
    assert set(summaries) == {1, 2}
    first = summaries[1]
    assert first.id == 1 and first.title and first.first_author and first.year
