"""Time one retrain + rerank of the relevance ranking at 10,000 records, as the TUI's
ranking worker does it after a decision: read the reviewer's decisions, retrain the
classifier on the cached features, score and order every study.

    python bench/prioritise_retrain.py            # 10,000 records, 500 decisions
    python bench/prioritise_retrain.py --records 20000 --decisions 2000

The records are the Cohen 2006 sets from ../shared/data/screening (their real titles and
abstracts), imported into a temporary project; decisions follow the sets' labels.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

from screener.importers.service import import_files
from screener.models import NewDecision, Stage, Verdict
from screener.project import init_project, open_project
from screener.screening.decisions import decide
from screener.screening.ranking import project_features, rank
from screener.screening.state import ordered

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "screening" / "Cohen_2006"


def build_sample(target: Path, records: int) -> None:
    """A CSV of ``records`` real records (title, abstract, label)."""
    rows: list[dict[str, str]] = []
    for path in sorted((DATA / "online").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
        if len(rows) >= records:
            break
    rows = rows[:records]
    if len(rows) < records:
        sys.exit(f"only {len(rows)} records in {DATA}")
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "label_included"])
        for i, row in enumerate(rows):
            # A number keeps every title distinct, so that no two records are one study.
            writer.writerow([f"{row['title']} [{i}]", row["abstract"], row["label_included"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no Cohen 2006 sets at {DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.csv"
        build_sample(sample, args.records)
        path = init_project(Path(tmp) / "review", "Retrain benchmark")
        with open_project(path) as project:
            import_files(project, [sample])
            studies = project.store.links.study_ids()

            labels = {r.id: r.record.label for r in project.store.records.all()}
            # Every 7th study is decided until enough are, with a few includes for certain.
            chosen = [s for s in studies if labels[s]][:5] + studies[::7]
            for study in list(dict.fromkeys(chosen))[: args.decisions]:
                verdict = Verdict.INCLUDE if labels[study] else Verdict.EXCLUDE
                decide(project, NewDecision(study, Stage.TITLE_ABSTRACT, "alice", verdict))
            started = time.perf_counter()
            features = project_features(project)
            feature_seconds = time.perf_counter() - started
            times, cpu = [], []
            for _ in range(args.runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                ranking = rank(project, "alice", Stage.TITLE_ABSTRACT, features=features)
                ordered(studies, "ranked", scores=ranking.scores)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
    print(
        f"{len(studies):,} studies, {ranking.relevant + ranking.irrelevant} decisions "
        f"({ranking.relevant} include, {ranking.irrelevant} exclude), "
        f"{features.matrix.shape[1]:,} features"
    )
    print(f"features (once per screening session): {feature_seconds * 1000:.0f} ms")
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    print(f"retrain + rerank over {args.runs} runs: median {median:.0f} ms, max {worst:.0f} ms")
    # CPU time too: on a busy machine the wall clock also counts other processes' turns.
    median, worst = statistics.median(cpu) * 1000, max(cpu) * 1000
    print(f"  CPU time: median {median:.0f} ms, max {worst:.0f} ms")


if __name__ == "__main__":
    main()
