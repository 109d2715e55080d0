"""Benchmark the relevance ranking by simulated screening on every labelled set in
../shared/data/screening (seeds 1-3), and, given ``--asreview PATH``, ASReview's default
model (ELAS u4) with the same priors and seeds, both scored with screener's metrics.

    python bench/prioritise_benchmark.py --asreview /tmp/asr/bin/asreview
    python bench/prioritise_benchmark.py --sets Donners_2021,Sep_2021 --seeds 1
    python bench/prioritise_benchmark.py --json ours.json      # screener alone, saved
    python bench/prioritise_benchmark.py --ours ours.json --asreview /tmp/asr/bin/asreview

ASReview results are cached as JSON (``--cache``, one file per set and seed), so reruns
only simulate screener. The time columns are wall-clock seconds per set for all seeds:
screener's from inside one process (features once, then each seed), ASReview's the sum of
its ``asreview simulate`` runs (one process per seed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asreview_runs import run_asreview  # noqa: E402

from screener.screening.labelled import LabelledSet, load_labelled, prior_rows  # noqa: E402
from screener.screening.simulate import Scores, found_labels, simulate  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "screening"
PATTERNS = (
    "Cohen_2006/online/*.csv",
    "Kitchenham_2010/*.csv",
    "Nagtegaal_2019/*.csv",
    "SYNERGY_subset/*.csv",
)
METRICS = ("wss95", "recall10", "atd")


def dataset_files(root: Path) -> list[Path]:
    return [path for pattern in PATTERNS for path in sorted(root.glob(pattern))]


def asreview_scores(
    asreview: Path, path: Path, labelled: LabelledSet, seeds: list[int], cache: Path
) -> tuple[dict[str, float], float]:
    """ASReview's mean metrics over the seeds, and its total seconds."""
    per_seed = []
    seconds = 0.0
    for seed in seeds:
        result = run_asreview(
            asreview, path, labelled.name, prior_rows(labelled.labels, seed), seed, cache
        )
        if result["records"] != len(labelled.labels):
            raise RuntimeError(f"{labelled.name}: ASReview read {result['records']} records")
        order = [int(row) for row in result["order"]]  # type: ignore[attr-defined]
        per_seed.append(Scores.of(found_labels(labelled, order, result["priors"])))  # type: ignore[arg-type]
        seconds += float(result["seconds"])  # type: ignore[arg-type]
    means = {m: sum(getattr(s, m) for s in per_seed) / len(per_seed) for m in METRICS}
    return means, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, default=3, help="seeds 1..N (default 3)")
    parser.add_argument("--sets", default="", help="comma-separated set names (default all)")
    parser.add_argument("--asreview", type=Path, help="path of the asreview executable")
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".asreview_cache")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    parser.add_argument("--ours", type=Path, help="screener's rows from an earlier --json run")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no labelled sets at {args.data}")
    wanted = {s for s in args.sets.split(",") if s}
    files = [p for p in dataset_files(args.data) if not wanted or p.stem in wanted]
    seeds = list(range(1, args.seeds + 1))
    rows: list[dict[str, object]] = []
    earlier = {}
    if args.ours:
        earlier = {r["set"]: r for r in json.loads(args.ours.read_text(encoding="utf-8"))}
    head = f"{'set':<26}{'records':>8}{'relevant':>9}  {'WSS@95':>7}{'rec@10':>7}{'ATD':>7}{'s':>7}"
    if args.asreview:
        head += f"  | ASReview {'WSS@95':>7}{'rec@10':>7}{'ATD':>7}{'s':>7}"
    print(head)
    for path in files:
        labelled = load_labelled(path)
        if labelled.name in earlier:
            row = {k: v for k, v in earlier[labelled.name].items() if k != "asreview"}
        else:
            started = time.perf_counter()
            report = simulate(labelled, seeds)
            row = {
                "set": labelled.name,
                "records": len(labelled.labels),
                "relevant": labelled.relevant,
                "seconds": time.perf_counter() - started,
                "retrain_ms": report.retrain_ms_per_step,
                **{m: report.mean(m) for m in METRICS},
            }
        line = f"{labelled.name:<26}{len(labelled.labels):>8}{labelled.relevant:>9}  "
        line += "".join(f"{float(row[m]):>7.3f}" for m in METRICS)  # type: ignore[arg-type]
        line += f"{float(row['seconds']):>7.1f}"  # type: ignore[arg-type]
        if args.asreview:
            theirs, their_seconds = asreview_scores(
                args.asreview, path, labelled, seeds, args.cache
            )
            row["asreview"] = {**theirs, "seconds": their_seconds}
            line += "  |         " + "".join(f"{theirs[m]:>7.3f}" for m in METRICS)
            line += f"{their_seconds:>7.1f}"
        rows.append(row)
        print(line, flush=True)
        if args.json:  # after every set, so that an interrupted run keeps what it did
            args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    _summary(rows, bool(args.asreview))


def _summary(rows: list[dict[str, object]], compare: bool) -> None:
    def mean(key: str, side: str = "") -> float:
        values = [float((r[side] if side else r)[key]) for r in rows]  # type: ignore[index]
        return sum(values) / len(values)

    line = f"{'mean':<43}" + "".join(f"{mean(m):>7.3f}" for m in METRICS)
    line += f"{mean('seconds'):>7.1f}"
    if compare:
        line += "  |         " + "".join(f"{mean(m, 'asreview'):>7.3f}" for m in METRICS)
        line += f"{mean('seconds', 'asreview'):>7.1f}"
    print(line)
    print(f"mean retrain + rerank per step: {mean('retrain_ms'):.1f} ms")
    if not compare:
        return
    n = len(rows)
    for metric, better_is_lower in (("wss95", False), ("recall10", False), ("atd", True)):
        ours = [float(r[metric]) for r in rows]  # type: ignore[arg-type]
        theirs = [float(r["asreview"][metric]) for r in rows]  # type: ignore[index]
        sign = -1 if better_is_lower else 1
        better = sum(1 for a, b in zip(ours, theirs, strict=True) if sign * (a - b) > 1e-12)
        ties = sum(1 for a, b in zip(ours, theirs, strict=True) if abs(a - b) <= 1e-12)
        print(f"{metric}: screener better on {better} of {n} sets, equal on {ties}")
    faster = sum(1 for r in rows if float(r["seconds"]) <= float(r["asreview"]["seconds"]))  # type: ignore[index, arg-type]
    print(f"screener as fast or faster on {faster} of {n} sets")


if __name__ == "__main__":
    main()
