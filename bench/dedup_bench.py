"""Deduplication benchmark: accuracy on the labelled sets, speed and memory on generated ones.

Accuracy: each labelled set in ../shared/data/dedup is imported into a fresh project as a
user would import it, `run_dedup` links its duplicates, and the dedup map is scored the way
BibDedupe scores itself (bib_dedupe/dedupe_benchmark.py, compare_dedupe_id: per gold group,
the records left over after merging are false negatives; a merged-away record that belongs to
no group, or a group merged away entirely, is a false positive). "+review" counts the pairs
waiting for a reviewer as found, "+related" also the RELATED links (errata, comments,
preprints ..., never merged; haematology's gold groups them with their articles). "review
true" is the share of review pairs whose two records are in one gold group. Records
screener skips at import (nothing to screen) count as kept singletons. The automatic links
are then counted by the rule that made them.

Speed: generated multi-database exports (bench/dedup_synthetic.py) of 2,000 / 10,000 /
100,000 records are imported, then `run_dedup` is timed in a fresh process, from reading the
records to the committed links, with that process's peak RSS.

    python bench/dedup_bench.py [--accuracy] [--speed] [--sizes 2000,10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from screener.dedup.service import (  # noqa: E402
    dedup_map_rows,
    pending_pairs,
    related_pairs,
    run_dedup,
)
from screener.importers.service import import_files  # noqa: E402
from screener.models import DedupEvent, LinkMethod  # noqa: E402
from screener.project import init_project, open_project  # noqa: E402

DEDUP = ROOT.parent / "shared" / "data" / "dedup"
# (name, records file, gold file or None when the records carry a dup_group column,
#  BibDedupe's published sensitivity on the set)
LABELLED = (
    (
        "cytology",
        "bib-dedupe/cytology_screening/records_pre_merged.csv",
        "bib-dedupe/cytology_screening/merged_record_ids.csv",
        0.9922,
    ),
    (
        "haematology",
        "bib-dedupe/haematology/records_pre_merged.csv",
        "bib-dedupe/haematology/merged_record_ids.csv",
        0.8889,
    ),
    (
        "respiratory",
        "bib-dedupe/respiratory/records_pre_merged.csv",
        "bib-dedupe/respiratory/merged_record_ids.csv",
        0.9358,
    ),
    ("diabetes", "asysd_diabetes/diabetes_labelled_with_group_id.csv", None, 1.0),
)


def gold_groups(records: Path, gold: Path | None) -> tuple[list[str], list[list[str]]]:
    """All record ids of a set and its duplicate groups (two or more ids each)."""
    with records.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if gold is not None:
        ids = [row["ID"] for row in rows]
        with gold.open(encoding="utf-8", newline="") as handle:
            groups = [row["merged_ids"].split(";") for row in csv.DictReader(handle)]
        return ids, groups
    ids = [row["record_id"] for row in rows]
    by_group: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_group[row["dup_group"]].append(row["record_id"])
    return ids, [g for g in by_group.values() if len(g) > 1]


def score(
    ids: Sequence[str], groups: Sequence[Sequence[str]], study_of: Mapping[str, str]
) -> dict[str, float]:
    """BibDedupe's compare_dedupe_id. ``study_of`` maps a record id to the id of the record
    its study keeps (itself when it is kept); ids missing from it are kept singletons."""
    kept = {i for i in ids if study_of.get(i, i) == i}
    grouped = {i for group in groups for i in group}
    tp = fp = fn = tn = 0
    for i in ids:
        if i not in grouped:
            tn, fp = (tn + 1, fp) if i in kept else (tn, fp + 1)
    for group in groups:
        left = sum(1 for i in group if i in kept)
        if left == 0:
            fp, tp = fp + 1, tp + len(group) - 1
        else:
            tn, fn, tp = tn + 1, fn + left - 1, tp + len(group) - left
    return {
        "TP": tp,
        "FP": fp,
        "FN": fn,
        "TN": tn,
        "sensitivity": tp / (tp + fn) if tp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
    }


def _components(pairs: Iterable[tuple[str, str]], ids: Iterable[str]) -> dict[str, str]:
    """Each id -> the smallest id joined to it by ``pairs`` (union-find)."""
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in parent}


def accuracy(work: Path) -> list[dict[str, object]]:
    results = []
    for name, records_file, gold_file, bibdedupe in LABELLED:
        records = DEDUP / records_file
        ids, groups = gold_groups(records, DEDUP / gold_file if gold_file else None)
        path = init_project(work / name, name)
        with open_project(path) as project:
            import_files(project, [records])
            started = time.perf_counter()
            report = run_dedup(project)
            seconds = time.perf_counter() - started
            rows = dedup_map_rows(project)
            own_id = {row.record_id: row.source_record_id for row in rows}
            # Order ids as the gold does so that "kept" is the study's first record.
            by_study: dict[int, list[str]] = defaultdict(list)
            for row in rows:
                by_study[row.study_id].append(row.source_record_id)
            auto = {i: min(members) for members in by_study.values() for i in members}
            review = [(own_id[p.a.id], own_id[p.b.id]) for p in pending_pairs(project)]
            related = [(own_id[p.a.id], own_id[p.b.id]) for p in related_pairs(project)]
            rules = rule_counts(project.store.links.events())
        same = [
            (i, j)
            for members in by_study.values()
            for i, j in zip(members, members[1:], strict=False)
        ]
        with_review = _components(same + review, own_id.values())
        with_related = _components(same + review + related, own_id.values())
        in_review = {i for pair in review for i in pair}
        group_of = {i: number for number, group in enumerate(groups) for i in group}
        true_pairs = sum(1 for a, b in review if a in group_of and group_of[a] == group_of.get(b))
        results.append(
            {
                "set": name,
                "records": len(ids),
                "imported": len(rows),
                "seconds": round(seconds, 3),
                "bibdedupe_sensitivity": bibdedupe,
                "auto": score(ids, groups, auto),
                "with_review": score(ids, groups, with_review),
                "with_related": score(ids, groups, with_related),
                "review_pairs": len(review),
                "review_true_share": true_pairs / len(review) if review else 1.0,
                "related_links": len(related),
                "records_in_review": len(in_review),
                "review_share": len(in_review) / len(ids),
                "rules": rules,
                "report": report.as_dict(),
            }
        )
    return results


def rule_counts(events: Iterable[DedupEvent]) -> Counter[str]:
    """Automatic link events by verdict and rule ("same field_agreement": 412)."""
    return Counter(f"{e.verdict} {e.rule}" for e in events if e.method is not LinkMethod.REVIEWER)


def _child(project: str) -> None:
    """Time run_dedup alone in this process and print JSON (wall seconds, peak RSS)."""
    with open_project(Path(project)) as opened:
        started = time.perf_counter()
        report = run_dedup(opened)
        seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": rss, "report": report.as_dict()}))


def speed(work: Path, sizes: Sequence[int]) -> list[dict[str, Any]]:
    from dedup_synthetic import build, write_ris

    results = []
    for n in sizes:
        export = build(n, seed=1)
        ris = work / f"synthetic-{n}.ris"
        write_ris(export.records, ris)
        path = init_project(work / f"speed-{n}", f"synthetic {n}")
        with open_project(path) as project:
            import_files(project, [ris])
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(done.stdout)
        with open_project(path) as project:
            rows = dedup_map_rows(project)
            rules = rule_counts(project.store.links.events())
        by_study: dict[int, list[str]] = defaultdict(list)
        for row in rows:
            by_study[row.study_id].append(row.source_record_id)
        auto = {i: min(members) for members in by_study.values() for i in members}
        ids = [str(r["id"]) for r in export.records]
        figures.update(
            {
                "records": n,
                "score": score(ids, export.groups, auto),
                "false_merges": false_merges(by_study.values(), export.paper_of, export.kinds),
                "rules": rules,
            }
        )
        results.append(figures)
    return results


def false_merges(
    studies: Iterable[Sequence[str]], paper_of: Mapping[str, int], kinds: Sequence[str]
) -> Counter[str]:
    """Papers merged into another paper's study, by the kind of paper involved: a study
    holding records of k papers merged k - 1 papers away, counted against each kind of
    near-miss or hard negative among them ("article" when all are ordinary articles)."""
    found: Counter[str] = Counter()
    for members in studies:
        papers = {paper_of[i] for i in members}
        if len(papers) > 1:
            involved = {kinds[p] for p in papers} - {"article"} or {"article"}
            for kind in involved:
                found[kind] += len(papers) - 1
    return found


def print_speed(results: Sequence[dict[str, Any]]) -> None:
    from dedup_synthetic import HARD_NEGATIVE_KINDS, NEAR_MISS_KINDS

    print("\nrecords  dedup seconds  peak RSS MB  studies  auto sens  auto prec")
    previous = None
    for r in results:
        s, rep = r["score"], r["report"]
        growth = f"  x{r['seconds'] / previous:.1f}" if previous else ""
        print(
            f"{r['records']:7}  {r['seconds']:13.2f}  {r['peak_rss_mb']:11.0f}  "
            f"{rep['studies']:7}  {s['sensitivity']:.4f}     {s['precision']:.4f}{growth}"
        )
        previous = r["seconds"]
    print("\nfalse merges by kind of paper" + "".join(f"{r['records']:>10}" for r in results))
    for kind in ("article", *NEAR_MISS_KINDS, *HARD_NEGATIVE_KINDS):
        print(f"{kind:29}" + "".join(f"{r['false_merges'][kind]:>10}" for r in results))
    names = sorted({rule for r in results for rule in r["rules"]})
    print("\nautomatic links by rule" + "".join(f"{r['records']:>16}" for r in results))
    for rule in names:
        print(f"{rule:23}" + "".join(f"{r['rules'][rule]:>16}" for r in results))


def print_accuracy(results: Sequence[dict[str, Any]]) -> None:
    print(
        "set          records  auto sens  auto prec  BibDedupe  +review  +related  "
        "review pairs (true)  in review  seconds"
    )
    for r in results:
        auto = r["auto"]
        print(
            f"{r['set']:12} {r['records']:7}  {auto['sensitivity']:.4f}     "
            f"{auto['precision']:.4f}     {r['bibdedupe_sensitivity']:.4f}     "
            f"{r['with_review']['sensitivity']:.4f}   {r['with_related']['sensitivity']:.4f}    "
            f"{r['review_pairs']:5} ({r['review_true_share']:4.0%})        "
            f"{r['review_share']:6.1%}     {r['seconds']:.2f}"
            f"   (TP {auto['TP']} FP {auto['FP']} FN {auto['FN']}; "
            f"{r['related_links']} related links)"
        )
    names = sorted({rule for r in results for rule in r["rules"]})
    print("\nautomatic links by rule" + "".join(f"{r['set']:>13}" for r in results))
    for rule in names:
        print(f"{rule:34}" + "".join(f"{r['rules'][rule]:>13}" for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accuracy", action="store_true", help="only the labelled sets")
    parser.add_argument("--speed", action="store_true", help="only the generated sets")
    parser.add_argument("--sizes", default="2000,10000,100000")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    both = not args.accuracy and not args.speed
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.accuracy or both:
            if not DEDUP.is_dir():
                sys.exit(f"{DEDUP} not found: the labelled sets live in ../shared")
            print_accuracy(accuracy(work))
        if args.speed or both:
            print_speed(speed(work, [int(size) for size in args.sizes.split(",")]))


if __name__ == "__main__":
    main()
