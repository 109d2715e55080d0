"""The synthetic dedup benchmark data: deterministic, gold groups sound, realistic, importable."""

from __future__ import annotations

import csv
import hashlib
import html
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rapidfuzz import fuzz

from screener.importers.fields import clean_text, fold, normalise_author, normalise_doi
from screener.importers.reading import parse_file
from screener.importers.service import import_files
from screener.project import Project
from tests.paths import ROOT

SCRIPT = ROOT / "bench" / "dedup_synthetic.py"
KEYS = [
    "id",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "abstract",
    "type",
]


def _load() -> ModuleType:
    # bench/ is a folder of scripts, not a package; dataclasses need the module registered.
    spec = importlib.util.spec_from_file_location("dedup_synthetic", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synthetic = _load()


@pytest.fixture(scope="module")
def export() -> Any:  # a SyntheticExport of the module loaded above
    return synthetic.build(2000, seed=11)


@pytest.fixture(scope="module")
def by_id(export: Any) -> dict[str, dict]:
    return {record["id"]: record for record in export.records}


@pytest.fixture(scope="module")
def paper_of(export: Any) -> dict[str, str]:
    """Each record's paper: its gold group's first id, or its own id."""
    owner = {record["id"]: record["id"] for record in export.records}
    for group in export.groups:
        for record_id in group:
            owner[record_id] = group[0]
    return owner


def _digest(records: list[dict], groups: list[list[str]]) -> str:
    text = json.dumps([records, groups], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(title: str) -> str:
    """A title as a person reads it: no markup, case, brackets or punctuation."""
    text = clean_text(html.unescape(title)).casefold()
    return " ".join(re.sub(r"[^\w ]+", " ", text).split())


# ---------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_records_and_groups() -> None:
    first = synthetic.generate(300, seed=4)
    assert synthetic.generate(300, seed=4) == first
    assert synthetic.generate(300, seed=5) != first


def test_output_does_not_depend_on_string_hashing() -> None:
    # Set iteration order changes with PYTHONHASHSEED: nothing may depend on it.
    code = (
        "import sys, importlib.util, json, hashlib\n"
        f"spec = importlib.util.spec_from_file_location('s', {str(SCRIPT)!r})\n"
        "m = importlib.util.module_from_spec(spec); sys.modules['s'] = m\n"
        "spec.loader.exec_module(m)\n"
        "r, g = m.generate(200, seed=9)\n"
        "t = json.dumps([r, g], ensure_ascii=False, sort_keys=True)\n"
        "print(hashlib.sha256(t.encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed},
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {_digest(*synthetic.generate(200, seed=9))}


# ---------------------------------------------------------------------------- records and groups


def test_records_have_the_documented_fields(export: Any) -> None:
    records = export.records
    assert len(records) == 2000
    assert len({record["id"] for record in records}) == 2000
    assert records[0]["id"] == "id_0000001"
    for record in records:
        assert list(record) == KEYS
        assert isinstance(record["authors"], list)
        assert isinstance(record["year"], int) and 1990 <= record["year"] <= 2025
        assert all(isinstance(record[key], str) for key in KEYS if key not in {"authors", "year"})


def test_groups_hold_two_to_four_records_each_in_one_group(
    export: Any, by_id: dict[str, dict]
) -> None:
    groups = export.groups
    assert groups == sorted(groups)
    assert all(2 <= len(group) <= 4 and group == sorted(group) for group in groups)
    members = [record_id for group in groups for record_id in group]
    assert len(members) == len(set(members))
    assert set(members) <= set(by_id)
    assert len(members) - len(groups) == round(0.3 * 2000)  # extra copies = duplicate_share * n
    assert set(Counter(len(group) for group in groups)) == {2, 3, 4}


@pytest.mark.parametrize("share", [0.0, 0.1, 0.7])
def test_duplicate_share_sets_the_number_of_extra_copies(share: float) -> None:
    records, groups = synthetic.generate(500, seed=2, duplicate_share=share)
    assert len(records) == 500
    assert sum(len(group) - 1 for group in groups) == round(share * 500)
    assert all(2 <= len(group) <= 4 for group in groups)


@pytest.mark.parametrize(("n", "share"), [(10, -0.1), (10, 0.8), (-1, 0.3)])
def test_impossible_arguments_are_refused(n: int, share: float) -> None:
    with pytest.raises(ValueError):
        synthetic.generate(n, duplicate_share=share)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_tiny_exports(n: int) -> None:
    records, groups = synthetic.generate(n)
    assert len(records) == n
    assert sum(len(group) - 1 for group in groups) == round(0.3 * n)


def test_identifiers_are_shared_by_copies_and_never_by_unrelated_papers(
    export: Any, paper_of: dict[str, str]
) -> None:
    papers_by_doi: dict[str, set[str]] = defaultdict(set)
    papers_by_pmid: dict[str, set[str]] = defaultdict(set)
    for record in export.records:
        if record["doi"]:
            papers_by_doi[normalise_doi(record["doi"])].add(paper_of[record["id"]])
        if record["pmid"]:
            papers_by_pmid[record["pmid"]].add(paper_of[record["id"]])
    assert all(len(papers) == 1 for papers in papers_by_doi.values())
    assert all(len(papers) == 1 for papers in papers_by_pmid.values())
    dois_of_paper: dict[str, set[str]] = defaultdict(set)
    for doi, papers in papers_by_doi.items():
        dois_of_paper[next(iter(papers))].add(doi)
    assert all(len(dois) == 1 for dois in dois_of_paper.values())  # copies never disagree


# ---------------------------------------------------------------------------- realism


def test_copies_differ_as_database_exports_do(export: Any, by_id: dict[str, dict]) -> None:
    seen: Counter[str] = Counter()
    for group in export.groups:
        copies = [by_id[record_id] for record_id in group]
        titles = {copy["title"] for copy in copies}
        if len(titles) > 1:
            seen["title differs"] += 1
        if any(t.endswith(".") for t in titles) and any(not t.endswith(".") for t in titles):
            seen["trailing period"] += 1
        if any("<i>" in t or "&" in t for t in titles):
            seen["markup"] += 1
        if any(t.startswith("[") for t in titles) and any(not t.startswith("[") for t in titles):
            seen["bracketed translation"] += 1
        if len({t.casefold() for t in titles}) < len(titles):
            seen["case"] += 1
        if len({_plain(t) for t in titles}) > 1:
            seen["words differ (typo, subtitle)"] += 1
        if len({len(copy["authors"]) for copy in copies}) > 1:
            seen["author missing or et al."] += 1
        if any("et al." in copy["authors"] for copy in copies):
            seen["et al."] += 1
        if len({tuple(copy["authors"]) for copy in copies}) > 1:
            seen["author format"] += 1
        if len({copy["journal"] for copy in copies}) > 1:
            seen["journal form"] += 1
        if len({copy["pages"] for copy in copies}) > 1:
            seen["page form"] += 1
        dois = [copy["doi"] for copy in copies]
        if any(dois) and not all(dois):
            seen["DOI missing in one"] += 1
        if any(doi.startswith("https://doi.org/") for doi in dois):
            seen["DOI as URL"] += 1
        if len({doi for doi in dois if doi}) > len({doi.lower() for doi in dois if doi}):
            seen["DOI upper case"] += 1
        pmids = [copy["pmid"] for copy in copies]
        if any(pmids) and not all(pmids):
            seen["PMID missing in one"] += 1
        if len({copy["year"] for copy in copies}) > 1:
            seen["year off"] += 1
            assert max(c["year"] for c in copies) - min(c["year"] for c in copies) <= 2
        abstracts = [copy["abstract"] for copy in copies]
        if any(abstracts) and not all(abstracts):
            seen["abstract missing in one"] += 1
    assert set(seen) == {
        "title differs",
        "trailing period",
        "markup",
        "bracketed translation",
        "case",
        "words differ (typo, subtitle)",
        "author missing or et al.",
        "et al.",
        "author format",
        "journal form",
        "page form",
        "DOI missing in one",
        "DOI as URL",
        "DOI upper case",
        "PMID missing in one",
        "year off",
        "abstract missing in one",
    }, seen
    groups = len(export.groups)
    assert seen["year off"] < 0.1 * groups  # ~3% of copies
    assert seen["title differs"] > 0.5 * groups  # most copies come from different databases


def test_short_and_long_page_ranges_both_occur(export: Any) -> None:
    shortened = 0
    for record in export.records:
        start, _, end = record["pages"].partition("-")
        if start.isdigit() and end.isdigit():
            assert int(end) >= int(start) or len(end) < len(start)
            shortened += len(end) < len(start)
    assert 0 < shortened < len(export.records) / 2


def test_near_misses_are_kept_apart_from_their_papers(
    export: Any, by_id: dict[str, dict], paper_of: dict[str, str]
) -> None:
    kinds = export.near_misses
    assert sum(kinds.values()) == round(0.02 * 2000)
    assert set(kinds) == {str(kind) for kind in synthetic.NEAR_MISS_KINDS}
    titles = [(_plain(record["title"]), paper_of[record["id"]]) for record in export.records]
    errata = preprints = conferences = parts = 0
    for record in export.records:
        paper, title = paper_of[record["id"]], record["title"]
        correction = re.match(
            r"\[?(?:correction|erratum)(?: to)?:? \"?(.*?)\"?\.?\]?$", title, re.I
        )
        if correction:
            errata += 1
            # the corrected paper, found even when one of the two titles carries a typo
            corrected = _plain(correction[1])
            # (were it in the erratum's gold group, none would be left once that is excluded)
            assert any(p != paper and fuzz.ratio(t, corrected) > 95 for t, p in titles)
        if record["doi"].lower().removeprefix("https://doi.org/").startswith("10.1101/"):
            preprints += 1
            assert record["journal"].lower() in {"biorxiv", "medrxiv"}
            assert not record["pmid"] and not record["volume"]
            mates = [by_id[i] for i in by_id if paper_of[i] == paper]
            assert all(mate["journal"].lower() in {"biorxiv", "medrxiv"} for mate in mates)
        if record["type"] == "CONF":
            conferences += 1
            assert re.search(r"\bAbstr(acts)?$", record["journal"], re.I)  # or abbreviated
            assert "Suppl" in record["volume"]
        if re.search(r"\bpart (2|ii)\b", title, re.I):
            parts += 1
            # Part 1 has the same title up to "part" (either may carry a typo)
            before_part = _plain(title).partition(" part ")[0]
            part_one = [
                other
                for other in export.records
                if re.search(r"\bpart (1|i)\b", other["title"], re.I)
                and fuzz.ratio(_plain(other["title"]).partition(" part ")[0], before_part) > 95
            ]
            assert part_one and all(paper_of[other["id"]] != paper for other in part_one)
    assert errata >= 8 and preprints >= 8 and conferences >= 8 and parts >= 8


def test_titles_abstracts_and_identifiers_look_like_search_results(export: Any) -> None:
    hard = {str(kind) for kind in synthetic.HARD_NEGATIVE_KINDS}
    records = [r for r in export.records if export.kinds[export.paper_of[r["id"]]] not in hard]
    words = [len(record["title"].split()) for record in records]
    assert min(words) >= 6
    assert sum(count <= 25 for count in words) / len(words) > 0.98  # errata and parts add a few
    abstracts = [
        len(r["abstract"].split()) for r in records if r["abstract"] and r["type"] != "CONF"
    ]
    assert min(abstracts) >= 100 and max(abstracts) <= 250
    assert 0.8 < len(abstracts) / len(records) < 0.97
    with_doi = sum(bool(record["doi"]) for record in records) / len(records)
    with_pmid = sum(bool(record["pmid"]) for record in records) / len(records)
    assert 0.62 < with_doi < 0.75 and 0.42 < with_pmid < 0.55
    title_words = Counter(
        word for record in records for word in set(_plain(record["title"]).split())
    )
    for common in ("patients", "effect", "randomized", "cell"):
        assert title_words[common] > 0.05 * len(records)
    assert len(title_words) > 600


def test_common_family_names_make_large_author_year_blocks(export: Any) -> None:
    first_authors = Counter(
        fold(normalise_author(record["authors"][0]).partition(",")[0])
        for record in export.records
        if record["authors"]
    )
    (top, count), *_ = first_authors.most_common(1)
    assert top in {"wang", "li", "zhang"}
    assert count > 0.02 * len(export.records)
    assert len(first_authors) > 200
    assert any(
        "ü" in name or "í" in name for record in export.records for name in record["authors"]
    )


def test_the_journal_catalogue_has_about_3000_journals_with_abbreviations() -> None:
    journals = {journal.full: journal for journal in synthetic.world().journals.pool}
    assert len(journals) == 3000
    abbreviated = [j for j in journals.values() if len(j.abbrev) < len(j.full)]
    assert len(abbreviated) > 2500
    assert journals["The New England Journal of Medicine"].abbrev == "N Engl J Med"


# ---------------------------------------------------------------------------- files


def test_ris_round_trips_through_the_importer_with_ids(tmp_path: Path) -> None:
    records, _ = synthetic.generate(300, seed=6)
    path = tmp_path / "records.ris"
    synthetic.write_ris(records, path)
    parsed = parse_file(path, path.read_bytes())
    assert parsed.format == "ris" and not parsed.skipped and not parsed.warnings
    assert [r.source_record_id for r in parsed.records] == [r["id"] for r in records]
    for record, imported in zip(records, parsed.records, strict=True):
        assert imported.title == clean_text(record["title"])
        assert imported.doi == normalise_doi(record["doi"])
        assert imported.pmid == record["pmid"]
        assert imported.year == record["year"]
        assert imported.journal == record["journal"]
        assert imported.volume == record["volume"]
        assert imported.abstract == record["abstract"]
        assert imported.type == record["type"]
        assert len(imported.authors) == len(record["authors"])
        assert imported.pages.replace("-", "") == record["pages"].replace("-", "")


def test_imported_records_keep_the_generated_ids(project: Project, tmp_path: Path) -> None:
    records, _ = synthetic.generate(120, seed=8)
    path = tmp_path / "records.ris"
    synthetic.write_ris(records, path)
    import_files(project, [path])
    stored = sorted(r.record.source_record_id for r in project.store.records.all())
    assert stored == [record["id"] for record in records]


def test_gold_file_has_the_bib_dedupe_layout(tmp_path: Path) -> None:
    groups = [["id_0000001", "id_0000004"], ["id_0000002", "id_0000003", "id_0000009"]]
    path = tmp_path / "gold.csv"
    synthetic.write_gold(groups, path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "merged_ids",
        '"id_0000001;id_0000004"',
        '"id_0000002;id_0000003;id_0000009"',
    ]
    with path.open(encoding="utf-8", newline="") as handle:
        assert [row["merged_ids"].split(";") for row in csv.DictReader(handle)] == groups


def test_command_line_writes_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    synthetic.main(["150", str(tmp_path / "out"), "--seed", "3"])
    output = capsys.readouterr().out
    assert re.search(r"records\s+150\b", output)
    records, groups = synthetic.generate(150, seed=3)
    ris = (tmp_path / "out" / "records.ris").read_text(encoding="utf-8")
    assert ris.count("ER  - ") == 150 and "ID  - id_0000150" in ris
    gold = (tmp_path / "out" / "gold.csv").read_text(encoding="utf-8").splitlines()
    assert gold[1:] == [f'"{";".join(group)}"' for group in groups]


@pytest.mark.parametrize("arguments", [["0", "out"], ["10", "out", "--duplicate-share", "0.9"]])
def test_command_line_refuses_bad_arguments(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        synthetic.main(arguments)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


# ---------------------------------------------------------------------------- hard negatives


def _by_kind(export: Any) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    for record in export.records:
        found[export.kinds[export.paper_of[record["id"]]]].append(record)
    return found


def test_hard_negatives_of_every_kind_resemble_another_paper(export: Any) -> None:
    assert set(export.hard_negatives) == {str(kind) for kind in synthetic.HARD_NEGATIVE_KINDS}
    assert sum(export.hard_negatives.values()) == round(0.03 * 2000)
    kinds = _by_kind(export)
    titles = Counter(_plain(r["title"]) for r in export.records)
    series = kinds["series"]
    assert all(len(r["title"].split()) <= 5 and len(r["authors"]) == 1 for r in series)
    issues_of_title: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in series:
        issues_of_title[(_plain(record["title"]), record["volume"])].add(record["issue"])
    assert max(len(issues) for issues in issues_of_title.values()) >= 3  # one item per issue
    assert any(r["doi"] for r in series) and any(not r["doi"] and not r["pages"] for r in series)
    assert all(
        re.match(
            r"(comment on|re|letter to the editor regarding|reply to|authors' reply)\b", t, re.I
        )
        for t in (r["title"] for r in kinds["reply"])
    )
    assert all(
        r["type"] == "CPAPER" and r["journal"].casefold().startswith("proc")
        for r in kinds["proceedings"]
    )
    assert all(titles[_plain(r["title"])] >= 2 for r in kinds["same_title"])
    assert all(not r["doi"] and not r["pages"] for r in kinds["bare"])


def test_no_hard_negative_is_merged_with_what_it_resembles(tmp_path: Path) -> None:
    from screener.dedup.service import dedup_map_rows, run_dedup
    from screener.project import init_project, open_project

    export = synthetic.build(3000, seed=5)
    path = tmp_path / "records.ris"
    synthetic.write_ris(export.records, path)
    with open_project(init_project(tmp_path / "p", "p")) as project:
        import_files(project, [path])
        run_dedup(project)
        rows = dedup_map_rows(project)
    study_papers: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        study_papers[row.study_id].add(export.paper_of[row.source_record_id])
    assert all(len(papers) == 1 for papers in study_papers.values())
