"""PRISMA benchmark: counts and exports of a big screened project.

The 100,000-record project of bench/tui_bench.py (cached under the temp folder) is copied
and given a screening history in one transaction: ``--screened`` share of the studies
decided at title/abstract by alice and by bob (dual screening, seeded verdicts; the rest
unscreened), a retrieval mark and two full-text decisions for every fifth study both
included. Then, each in a fresh process-warm loop, the median of ``--runs``:

- counts: ``project_prisma`` (reading the store and counting);
- prisma-csv: counts plus writing the CSV (the figure with a 2 s target);
- prisma-svg, prisma-md: counts plus the drawing;
- audit: the audit export (CSV + JSONL) and its replay.

    python bench/prisma_bench.py [--records 100000] [--screened 1.0] [--runs 3]

It is a benchmark, not a test: it prints the figures beside their targets and exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tui_bench import cached_project  # noqa: E402

from screener.exports import audit, prisma_csv, prisma_md, prisma_svg  # noqa: E402
from screener.prisma.inputs import project_prisma  # noqa: E402
from screener.prisma.replay import replay_file  # noqa: E402
from screener.project import open_project  # noqa: E402
from screener.store.events import new_uid, now_iso  # noqa: E402

TARGET_CSV_S = 2.0


def screen(project: Path, share: float, seed: int) -> tuple[int, int]:
    """Give the working copy its history; returns (decisions, retrievals) written."""
    rng = random.Random(seed)
    with open_project(project) as opened:
        studies = opened.store.links.study_ids()
        chosen = studies[: int(len(studies) * share)]
        rows, marks, included = [], [], []
        for study in chosen:
            verdicts = [rng.choices(("include", "exclude", "maybe"), (3, 6, 1))[0] for _ in "ab"]
            for who, verdict in zip(("alice", "bob"), verdicts, strict=True):
                rows.append(_decision(study, "title_abstract", who, verdict))
            if "exclude" not in verdicts:
                included.append(study)
        for study in included[::5]:
            marks.append(
                {
                    "uid": new_uid(),
                    "record_id": study,
                    "status": "retrieved",
                    "reason": "",
                    "pdf_path": "",
                    "reviewer": "alice",
                    "created_at": now_iso(),
                }
            )
            verdict = rng.choice(("include", "exclude"))
            reasons = '["design"]' if verdict == "exclude" else "[]"
            for who in ("alice", "bob"):
                rows.append(_decision(study, "full_text", who, verdict, reasons))
        added = opened.store.events.merge_rows({"decisions": rows, "retrievals": marks})
    return added["decisions"], added["retrievals"]


def _decision(study: int, stage: str, who: str, verdict: str, reasons: str = "[]") -> dict:
    return {
        "uid": new_uid(),
        "record_id": study,
        "stage": stage,
        "reviewer": who,
        "verdict": verdict,
        "reasons": reasons,
        "tags": "{}",
        "note": "",
        "created_at": now_iso(),
    }


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` runs (CPU time shows the cost when other
    jobs share the machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--screened", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cached = cached_project(args.records, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(cached, project)
        decisions, retrievals = screen(project, args.screened, args.seed)
        print(f"{args.records} records; {decisions} decisions, {retrievals} retrieval marks")
        out = Path(tmp) / "out"
        with open_project(project) as opened:

            def export(kind: prisma_csv.ExportKind, name: str) -> Callable[[], object]:
                return lambda: kind.write(opened, out / name, {})

            figures = {
                "counts": timed(args.runs, lambda: project_prisma(opened)),
                "prisma-csv": timed(args.runs, export(prisma_csv.KINDS[0], "prisma.csv")),
                "prisma-svg": timed(args.runs, export(prisma_svg.KINDS[0], "prisma.svg")),
                "prisma-md": timed(args.runs, export(prisma_md.KINDS[0], "prisma.md")),
                "audit export": timed(1, export(audit.KINDS[0], "audit.csv")),
            }
            expected = project_prisma(opened)
        replayed = replay_file(out / "audit.jsonl")
        figures["audit replay"] = timed(1, lambda: replay_file(out / "audit.jsonl"))
        size = (out / "audit.jsonl").stat().st_size / 1e6
        print(f"audit.jsonl: {size:.1f} MB; replay equals the counts: {replayed == expected}")
        main_column = expected.main
        print(
            f"screened {main_column.records_screened}, sought {main_column.reports_sought}, "
            f"included {main_column.reports_included}"
        )
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, (wall, cpu) in figures.items():
        target = f"  (target <= {TARGET_CSV_S:.1f} s)" if name == "prisma-csv" else ""
        print(f"{name:>14}: {wall:6.3f} s wall, {cpu:6.3f} s CPU{target}")


if __name__ == "__main__":
    main()
