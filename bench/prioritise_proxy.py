"""A quick stand-in for the prioritisation benchmark, to try model settings: the same sets,
seeds and priors, but the model is retrained after every max(1, screened // DIVISOR)
records instead of after each one (about 4 minutes for all 26 sets instead of 45, and
within about 0.01 of the full run's means here). Compared with the cached ASReview runs of
``bench/prioritise_benchmark.py`` (run that first); a setting the proxy favours still has
to be confirmed by the full benchmark.

    python bench/prioritise_proxy.py                              # the default settings
    python bench/prioritise_proxy.py --setting pseudo_negatives=100 --sets ADHD,Sep_2021
    python bench/prioritise_proxy.py --setting c=0.3 --json /tmp/c03.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asreview_runs import cache_path  # noqa: E402
from prioritise_benchmark import DATA, dataset_files  # noqa: E402

from screener.screening.labelled import LabelledSet, load_labelled  # noqa: E402
from screener.screening.ranking import DEFAULT_SETTINGS, ModelSettings, feature_matrix  # noqa: E402
from screener.screening.simulate import Scores, found_labels, simulate_seed  # noqa: E402

METRICS = ("wss95", "recall10", "atd")


def asreview_means(cache: Path, labelled: LabelledSet, seeds: list[int]) -> dict[str, float]:
    scores = []
    for seed in seeds:
        path = cache_path(cache, labelled.name, seed)
        if not path.exists():
            sys.exit(f"{path}: no cached ASReview run; run bench/prioritise_benchmark.py first")
        run = json.loads(path.read_text(encoding="utf-8"))
        order = [int(row) for row in run["order"]]
        scores.append(Scores.of(found_labels(labelled, order, run["priors"])))
    return {m: float(np.mean([getattr(s, m) for s in scores])) for m in METRICS}


def parse_setting(text: str) -> tuple[str, float]:
    name, _, value = text.partition("=")
    fields = {f.name: f.type for f in dataclasses.fields(ModelSettings)}
    if name not in fields or not value:
        raise argparse.ArgumentTypeError(f"{text!r}: give NAME=VALUE, NAME one of {sorted(fields)}")
    return name, float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sets", default="", help="comma-separated set names (default all)")
    parser.add_argument("--divisor", type=int, default=40)
    parser.add_argument(
        "--setting",
        type=parse_setting,
        action="append",
        default=[],
        help="a ModelSettings field, e.g. c=0.3 (repeatable)",
    )
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".asreview_cache")
    parser.add_argument("--json", type=Path, help="write the rows to this JSON file")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no labelled sets at {args.data}")
    changes = {
        name: int(value) if isinstance(getattr(DEFAULT_SETTINGS, name), int) else value
        for name, value in args.setting
    }
    settings = dataclasses.replace(DEFAULT_SETTINGS, **changes)
    wanted = {s for s in args.sets.split(",") if s}
    seeds = list(range(1, args.seeds + 1))
    print(f"settings: {settings}; retrain every max(1, screened // {args.divisor})")
    columns = f"{'WSS@95':>7}{'rec@10':>7}{'ATD':>7}"
    print(f"{'set':<26}{columns}  | ASReview {columns}{'s':>7}")
    rows = []
    for path in dataset_files(args.data):
        if wanted and path.stem not in wanted:
            continue
        labelled = load_labelled(path)
        started = time.perf_counter()
        matrix = feature_matrix(labelled.texts, settings)
        scores = []
        for seed in seeds:
            run = simulate_seed(labelled, seed, matrix, settings, divisor=args.divisor)
            scores.append(Scores.of(found_labels(labelled, run.order, run.priors)))
        ours = {m: float(np.mean([getattr(s, m) for s in scores])) for m in METRICS}
        theirs = asreview_means(args.cache, labelled, seeds)
        rows.append({"set": labelled.name, **ours, "asreview": theirs})
        print(
            f"{labelled.name:<26}"
            + "".join(f"{ours[m]:>7.3f}" for m in METRICS)
            + "  |         "
            + "".join(f"{theirs[m]:>7.3f}" for m in METRICS)
            + f"{time.perf_counter() - started:>7.1f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    for metric, sign in (("wss95", 1), ("recall10", 1), ("atd", -1)):
        diffs = [sign * (r[metric] - r["asreview"][metric]) for r in rows]  # type: ignore[index, operator]
        means = np.mean([r[metric] for r in rows]), np.mean([r["asreview"][metric] for r in rows])  # type: ignore[index]
        print(
            f"{metric}: mean {means[0]:.4f} vs {means[1]:.4f}; better on "
            f"{sum(d > 1e-12 for d in diffs)}, equal on {sum(abs(d) <= 1e-12 for d in diffs)} "
            f"of {len(rows)}"
        )


if __name__ == "__main__":
    main()
