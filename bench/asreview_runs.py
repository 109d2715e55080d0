"""Run ``asreview simulate`` (ASReview 2.x, in its own virtualenv) with given priors and seed
and cache the labelling order it produced as JSON, so the benchmark can score ASReview's
ordering with screener's own metric definitions.

ASReview is never a dependency of screener: it is called by path, e.g.
``--asreview /tmp/asr/bin/asreview``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path


def cache_path(cache: Path, set_name: str, seed: int) -> Path:
    return cache / f"{set_name}.seed{seed}.json"


def _ordering(project_file: Path, workdir: Path) -> tuple[list[int], list[int], int]:
    """(prior rows, rows in the order ASReview screened them after the priors, records)."""
    with zipfile.ZipFile(project_file) as archive:
        archive.extractall(workdir)
    results = next(workdir.glob("reviews/*/results.db"))
    with sqlite3.connect(workdir / "data_store.db") as store:
        row_of = dict(store.execute("SELECT record_id, dataset_row FROM record"))
    with sqlite3.connect(results) as db:
        labelled = db.execute("SELECT record_id, querier FROM results ORDER BY rowid").fetchall()
    priors = [row_of[r] for r, querier in labelled if querier is None]
    order = [row_of[r] for r, querier in labelled if querier is not None]
    return priors, order, len(row_of)


def run_asreview(
    asreview: Path, dataset: Path, set_name: str, priors: tuple[int, int], seed: int, cache: Path
) -> dict[str, object]:
    """ASReview's default model (ELAS u4) on ``dataset`` with these prior rows and seed; the
    cached result when there is one for the same priors."""
    target = cache_path(cache, set_name, seed)
    if target.exists():
        cached = json.loads(target.read_text(encoding="utf-8"))
        if cached.get("priors") == list(priors):
            return dict(cached)
    with tempfile.TemporaryDirectory(prefix="asr-") as tmp:
        work = Path(tmp)
        output = work / "simulation.asreview"
        command = [
            str(asreview),
            "simulate",
            str(dataset),
            "--prior-idx",
            *(str(p) for p in priors),
            "--seed",
            str(seed),
            "-o",
            str(output),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=work)
        seconds = time.perf_counter() - started
        prior_rows, order, records = _ordering(output, work / "unpacked")
    if sorted(prior_rows) != sorted(priors):
        raise RuntimeError(f"{set_name}: ASReview used priors {prior_rows}, not {list(priors)}")
    result = {
        "set": set_name,
        "seed": seed,
        "priors": list(priors),
        "records": records,
        "order": order,
        "seconds": round(seconds, 3),
    }
    cache.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result), encoding="utf-8")
    return result
