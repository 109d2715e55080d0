"""Synthetic multi-database search exports with known duplicates, for the dedup benchmark.

Papers are drawn from a biomedical "world" (Zipf-distributed title words, a few hundred common
family names, ~3,000 journals); each paper is then exported by one to four databases, each of
which writes it in its own style (MEDLINE "Smith JA" and "1535-41", WoS upper-case journals,
DOIs as URLs...) plus the noise real exports carry. About 2% of the records are near-misses
of another paper, which a deduplicator must keep apart: same team and journal, erratum, Part 1/2,
preprint and journal version, conference abstract and full article; about 3% more are hard
negatives (synthetic_hard_negatives.py: editorial series, comments and replies, proceedings
paper and later article, same title in another journal, no DOI and no pages).

    python bench/dedup_synthetic.py N OUT_DIR [--seed S] [--duplicate-share 0.3]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its modules beside it

from synthetic_hard_negatives import HARD_NEGATIVE_KINDS, add_hard_negatives  # noqa: E402
from synthetic_papers import add_near_misses, article  # noqa: E402
from synthetic_render import copies_per_paper, databases, render  # noqa: E402
from synthetic_world import (  # noqa: E402
    HARD_NEGATIVE_SHARE,
    MAX_DUPLICATE_SHARE,
    NEAR_MISS_KINDS,
    NEAR_MISS_SHARE,
    Identifiers,
    PaperKind,
    RecordDict,
    SyntheticExport,
    World,
    world,
)

__all__ = [
    "HARD_NEGATIVE_KINDS",
    "NEAR_MISS_KINDS",
    "PaperKind",
    "build",
    "generate",
    "world",
    "write_gold",
    "write_ris",
]

# ---------------------------------------------------------------------------- public interface


def build(
    n: int, seed: int = 1, duplicate_share: float = 0.3, hard_negatives: bool = True
) -> SyntheticExport:
    """``n`` records in random order (ids ``id_0000001``...), the gold duplicate groups and
    what went into them. ``duplicate_share`` is the share of records that are extra copies
    of another record's paper (what a perfect deduplication removes); ``hard_negatives``
    adds HARD_NEGATIVE_SHARE of papers that a deduplicator must keep apart."""
    if n < 0:
        raise ValueError(f"the number of records must not be negative, not {n}")
    if not 0 <= duplicate_share <= MAX_DUPLICATE_SHARE:
        raise ValueError(
            f"duplicate_share must be between 0 and {MAX_DUPLICATE_SHARE}, not {duplicate_share}"
        )
    w = world()
    hard_share = HARD_NEGATIVE_SHARE if hard_negatives else 0.0
    return _build(w, n, random.Random(seed), duplicate_share, hard_share)


def _build(
    w: World, n: int, rng: random.Random, duplicate_share: float, hard_share: float
) -> SyntheticExport:
    ids = Identifiers(rng)
    extra_copies = round(duplicate_share * n)
    paper_count = n - extra_copies
    near_miss_count = min(round(NEAR_MISS_SHARE * n), paper_count // 2)
    hard_count = min(round(hard_share * n), paper_count // 4)
    papers = [article(rng, w, ids) for _ in range(paper_count - near_miss_count - hard_count)]
    papers += add_near_misses(rng, w, ids, papers, near_miss_count)
    papers += add_hard_negatives(rng, w, ids, papers, hard_count)
    copies = copies_per_paper(rng, len(papers), extra_copies)
    rendered: list[tuple[int, RecordDict]] = []
    for index, (paper, count) in enumerate(zip(papers, copies, strict=True)):
        for number, database in enumerate(databases(rng, count)):
            rendered.append((index, render(rng, paper, database, copy=number > 0)))
    rng.shuffle(rendered)  # databases' exports concatenated: copies land anywhere
    width = max(7, len(str(n)))
    members: dict[int, list[str]] = {}
    records = []
    paper_of = {}
    for position, (index, record) in enumerate(rendered, 1):
        record["id"] = f"id_{position:0{width}d}"
        records.append(record)
        paper_of[record["id"]] = index
        if copies[index] > 1:
            members.setdefault(index, []).append(record["id"])
    return SyntheticExport(
        records=records,
        groups=sorted(members.values()),
        papers=len(papers),
        near_misses=Counter(str(p.kind) for p in papers if p.kind in NEAR_MISS_KINDS),
        hard_negatives=Counter(str(p.kind) for p in papers if p.kind in HARD_NEGATIVE_KINDS),
        paper_of=paper_of,
        kinds=tuple(str(p.kind) for p in papers),
    )


def generate(
    n: int, seed: int = 1, duplicate_share: float = 0.3
) -> tuple[list[RecordDict], list[list[str]]]:
    """``n`` record dicts and the gold duplicate groups (lists of 2-4 ids); the same for the
    same arguments. See :func:`build`."""
    export = build(n, seed, duplicate_share)
    return export.records, export.groups


def write_ris(records: Sequence[RecordDict], path: Path | str) -> None:
    """RIS as databases export it; each record's id in ``ID`` (screener's source_record_id)."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            lines = [f"TY  - {record['type'] or 'JOUR'}", f"ID  - {record['id']}"]
            lines.append(f"TI  - {record['title']}")
            lines += [f"AU  - {author}" for author in record["authors"]]
            if record["year"]:
                lines.append(f"PY  - {record['year']}")
            for tag, key in (("T2", "journal"), ("VL", "volume"), ("IS", "issue")):
                if record[key]:
                    lines.append(f"{tag}  - {record[key]}")
            if record["pages"]:
                start, _, end = record["pages"].partition("-")
                lines.append(f"SP  - {start}")
                if end:
                    lines.append(f"EP  - {end}")
            if record["doi"]:
                lines.append(f"DO  - {record['doi']}")
            if record["pmid"]:
                lines.append(f"AN  - PMID: {record['pmid']}")
            if record["abstract"]:
                lines.append(f"AB  - {record['abstract']}")
            lines.append("ER  - \n\n")
            out.write("\n".join(lines))


def write_gold(groups: Sequence[Sequence[str]], path: Path | str) -> None:
    """The gold groups as bib-dedupe's merged_record_ids.csv: ``merged_ids``, ids joined by ';'."""
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        out.write("merged_ids\n")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerows([";".join(group)] for group in groups)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, metavar="N", help="number of records")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--duplicate-share",
        type=float,
        default=0.3,
        help="share of the records that are extra copies of another record (default 0.3)",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if not 0 <= args.duplicate_share <= MAX_DUPLICATE_SHARE:
        parser.error(f"--duplicate-share must be between 0 and {MAX_DUPLICATE_SHARE}")
    start = time.perf_counter()
    export = build(args.n, args.seed, args.duplicate_share)
    generated = time.perf_counter() - start
    ris_path, gold_path = args.out_dir / "records.ris", args.out_dir / "gold.csv"
    try:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        write_ris(export.records, ris_path)
        write_gold(export.groups, gold_path)
    except OSError as exc:
        parser.exit(1, f"cannot write to {args.out_dir}: {exc.strerror}\n")
    written = time.perf_counter() - start - generated
    records, groups = export.records, export.groups
    sizes = Counter(len(group) for group in groups)
    in_groups = sum(len(group) for group in groups)
    print(f"records            {len(records):>8}   (seed {args.seed})")
    print(f"papers             {export.papers:>8}")
    print(
        f"duplicate groups   {len(groups):>8}   "
        + ", ".join(f"{size} records: {sizes[size]}" for size in sorted(sizes))
    )
    print(f"records in groups  {in_groups:>8}   extra copies: {in_groups - len(groups)}")
    print(
        f"near-misses        {sum(export.near_misses.values()):>8}   "
        + ", ".join(f"{kind}: {export.near_misses[kind]}" for kind in NEAR_MISS_KINDS)
    )
    print(
        f"hard negatives     {sum(export.hard_negatives.values()):>8}   "
        + ", ".join(f"{kind}: {export.hard_negatives[kind]}" for kind in HARD_NEGATIVE_KINDS)
    )
    with_doi = sum(1 for record in records if record["doi"]) / max(1, len(records))
    with_pmid = sum(1 for record in records if record["pmid"]) / max(1, len(records))
    print(f"with DOI / PMID    {with_doi:>8.1%}   {with_pmid:.1%}")
    print(f"generated in {generated:.1f} s, written in {written:.1f} s:")
    print(f"  {ris_path} ({ris_path.stat().st_size / 1e6:.1f} MB)")
    print(f"  {gold_path}")


if __name__ == "__main__":
    main()
