"""Screening TUI benchmark: cold start, keypress latency and memory on a big project.

A seeded multi-database RIS export (bench/dedup_synthetic.py's generator) of ``--records``
records is imported into a fresh project, cached under the temp folder by record count and
seed (``--fresh`` rebuilds it). Each run screens a copy of the cached project, so that the
cache never gains decisions. Every figure is measured in a fresh process, headless
(Textual's ``App.run_test``, 100 x 32), as reviewer "alice" at title/abstract:

- cold start: from launching ``python`` (before screener or Textual is imported) until the
  screening screen's ``#title`` shows the first study's title; the median of ``--runs``.
- keypress -> next record: ``--presses`` decisions (``i``, ``e`` and ``m``, seeded); each is
  timed from the key press until ``#title`` is given the next study's title ("title"), and
  until the frame holding it is composited ("painted"). Median and p95.
- peak RSS of that screening process after its decisions.

``--prior N`` first gives the working copy N title/abstract decisions by "bob" (the first N
studies), as when alice screens second: the decision log is then big too.

    python bench/tui_bench.py [--records 100000] [--seed 1] [--fresh] [--presses 200]
                              [--prior 0]

It is a benchmark, not a test: it prints the figures beside their targets and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "screener-tui-bench"
REVIEWER = "alice"
OTHER_REVIEWER = "bob"
SIZE = (100, 32)
KEYS = ("i", "e", "m")
KEY_WEIGHTS = (3, 6, 1)  # a title/abstract screen excludes most studies
TARGET_COLD_S = 1.5
TARGET_P95_MS = 50.0
TARGET_RSS_MB = 400.0


# -- the project ----------------------------------------------------------------------------


def cached_project(records: int, seed: int, *, fresh: bool = False) -> Path:
    """A project of ``records`` generated records, built once per (records, seed)."""
    folder = CACHE / f"records{records}-seed{seed}"
    project = folder / "project"
    ready = folder / "ready"
    if fresh or not ready.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # In a child process: on Linux a process's ru_maxrss starts from its parent's peak
        # when it is spawned, so a parent that generated 100,000 records would inflate
        # the screening processes' peak RSS.
        command = [sys.executable, __file__, "--records", str(records), "--seed", str(seed)]
        subprocess.run([*command, "--child", "build", str(folder)], check=True)
        ready.write_text(f"{records} records, seed {seed}\n", encoding="utf-8")
    return project


def build_project(folder: Path, records: int, seed: int) -> None:
    """Generate the records and import them into ``folder``/project."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from dedup_synthetic import build, write_ris

    from screener.importers.service import import_files
    from screener.project import init_project, open_project

    start = time.perf_counter()
    # No extra copies: every record is a paper of its own, so that without deduplication
    # each record is one study to screen (near-misses are still there, as in real searches).
    export = build(records, seed, duplicate_share=0.0)
    ris = folder / "records.ris"
    write_ris(export.records, ris)
    del export
    print(f"generated {records} records (seed {seed}) in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    project = folder / "project"
    init_project(project, f"TUI benchmark ({records} records)")
    with open_project(project) as opened:
        import_files(opened, [ris])
    ris.unlink()
    print(f"imported into {project} in {time.perf_counter() - start:.1f} s")


def working_copy(project: Path, into: Path) -> Path:
    """A copy of the cached project (database and WAL included) to screen in."""
    copy = into / "project"
    shutil.copytree(project, copy)
    return copy


def add_prior_decisions(project: Path, count: int, seed: int) -> int:
    """The other reviewer's decisions on the first ``count`` studies, in one transaction
    (as a sync would bring them in: ``merge_event_rows``)."""
    from screener.project import open_project
    from screener.store.events import new_uid, now_iso

    rng = random.Random(seed)
    with open_project(project) as opened:
        rows = [
            {
                "uid": new_uid(),
                "record_id": study,
                "stage": "title_abstract",
                "reviewer": OTHER_REVIEWER,
                "verdict": rng.choices(("include", "exclude", "maybe"), KEY_WEIGHTS)[0],
                "reasons": "[]",
                "tags": "{}",
                "note": "",
                "created_at": now_iso(),
            }
            for study in opened.store.links.study_ids()[:count]
        ]
        return opened.store.events.merge_rows({"decisions": rows})["decisions"]


# -- in the child process -------------------------------------------------------------------


def _is_showing_study(app: Any) -> bool:
    from textual.widgets import Static

    from screener.tui.screens.screening import ScreeningScreen

    screen = app.screen
    if not isinstance(screen, ScreeningScreen) or screen.current is None:
        return False
    return bool(str(screen.query_one("#title", Static).visual).strip())


async def _cold(project: Path, started: float) -> dict[str, float]:
    from screener.tui.app import ScreenerApp

    imported = time.perf_counter()
    app = ScreenerApp(project, REVIEWER, cursor_blink=False)
    created = time.perf_counter()
    async with app.run_test(size=SIZE):
        while not _is_showing_study(app):  # a short sleep, not Pilot's idle wait (>= 20 ms)
            await asyncio.sleep(0.001)
        shown = time.perf_counter()
    return {"started": started, "imported": imported, "created": created, "shown": shown}


async def _keys(project: Path, presses: int, seed: int) -> dict[str, Any]:
    from textual.widgets import Static

    from screener.tui.app import ScreenerApp

    app = ScreenerApp(project, REVIEWER, cursor_blink=False)
    keys = random.Random(seed).choices(KEYS, KEY_WEIGHTS, k=presses)
    title_ms: list[float] = []
    painted_ms: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        while not _is_showing_study(app):
            await pilot.pause()
        await pilot.pause()
        screen = app.screen
        title = screen.query_one("#title", Static)
        decision = screen.query_one("#decision", Static)
        # Hooks on this app's instances only: when #title is given new content, and when
        # the next frame is composited (Screen._compositor_refresh calls App._display).
        stamps: dict[str, float | None] = {"title": None, "painted": None}
        update, display = title.update, app._display

        def timed_update(*args: Any, **kwargs: Any) -> None:
            update(*args, **kwargs)
            stamps["title"] = time.perf_counter()

        def timed_display(*args: Any, **kwargs: Any) -> None:
            display(*args, **kwargs)
            if stamps["title"] is not None and stamps["painted"] is None:
                stamps["painted"] = time.perf_counter()

        title.update = timed_update  # type: ignore[method-assign]
        app._display = timed_display  # type: ignore[method-assign]
        for key in keys:
            before = screen.current
            stamps["title"] = stamps["painted"] = None
            start = time.perf_counter()
            press = asyncio.create_task(pilot.press(key))
            while stamps["painted"] is None and not press.done():
                await asyncio.sleep(0)
            await press
            while stamps["painted"] is None:  # painted after Pilot's idle wait: rare
                await pilot.pause()
            moved = screen.current != before and f"study {before}" in str(decision.visual)
            if stamps["title"] is None or not moved:
                raise RuntimeError(f"{key!r} on study {before} did not show the next study")
            title_ms.append((stamps["title"] - start) * 1000)
            painted_ms.append((stamps["painted"] - start) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"title_ms": title_ms, "painted_ms": painted_ms, "peak_rss_mb": peak}


def child(mode: str, project: Path, presses: int, seed: int, started: float) -> None:
    if mode == "cold":
        result: dict[str, Any] = asyncio.run(_cold(project, started))
    else:
        result = asyncio.run(_keys(project, presses, seed))
    print(json.dumps(result), flush=True)


# -- in the parent ----------------------------------------------------------------------------


def _run_child(args: Sequence[str]) -> tuple[float, dict[str, Any]]:
    """Run a child mode; returns when it was launched (perf_counter, which on Linux and
    macOS is a system-wide monotonic clock shared with the child) and its JSON line."""
    # The user's config file might bind i, e and m to something else: point past it.
    env = {**os.environ, "SCREENER_CONFIG": str(CACHE / "no-such-config.toml")}
    launched = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {args[1]} failed:\n{done.stderr[-3000:]}")
    return launched, json.loads(done.stdout.strip().splitlines()[-1])


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _row(name: str, value: str, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    return f"{name:<34}{value:>12}  {target:<10}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1, help="the generator's and the keys' seed")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached project")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="cold starts (median reported)")
    parser.add_argument(
        "--prior", type=int, default=0, metavar="N", help=f"studies {OTHER_REVIEWER} decided"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PROJECT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        started = time.perf_counter()
        sys.path.insert(0, str(ROOT))
        mode, path = args.child
        if mode == "build":
            build_project(Path(path), args.records, args.seed)
        elif mode == "prior":
            print(json.dumps({"added": add_prior_decisions(Path(path), args.prior, args.seed)}))
        else:
            child(mode, Path(path), args.presses, args.seed, started)
        return

    cached = cached_project(args.records, args.seed, fresh=args.fresh)
    with tempfile.TemporaryDirectory(prefix="screener-tui-bench-") as tmp:
        project = working_copy(cached, Path(tmp))
        common = ["--presses", str(args.presses), "--seed", str(args.seed)]
        if args.prior:
            _run_child(["--child", "prior", str(project), *common, "--prior", str(args.prior)])
        colds: list[float] = []
        phases: list[dict[str, float]] = []
        for _ in range(args.runs):
            launched, r = _run_child(["--child", "cold", str(project), *common])
            colds.append(r["shown"] - launched)
            phases.append(
                {
                    "interpreter": r["started"] - launched,
                    "imports": r["imported"] - r["started"],
                    "ScreenerApp()": r["created"] - r["imported"],
                    "run_test -> title": r["shown"] - r["created"],
                }
            )
        _, keys = _run_child(["--child", "keys", str(project), *common])

    cold = statistics.median(colds)
    title, painted = keys["title_ms"], keys["painted_ms"]
    title_med, title_p95 = statistics.median(title), _percentile(title, 0.95)
    painted_med, painted_p95 = statistics.median(painted), _percentile(painted, 0.95)
    rss = keys["peak_rss_mb"]
    prior = f", {args.prior} decided by {OTHER_REVIEWER}" if args.prior else ""
    print(
        f"\nscreening TUI, {args.records} records{prior}, headless {SIZE[0]}x{SIZE[1]}, "
        f"{sys.platform}"
    )
    print(_row("figure", "measured", "target", None))
    print(
        _row(
            f"cold start, median of {args.runs}",
            f"{cold:.2f} s",
            f"<= {TARGET_COLD_S} s",
            cold <= TARGET_COLD_S,
        )
    )
    n = len(title)
    print(_row(f"keypress -> title, median ({n})", f"{title_med:.1f} ms", "", None))
    print(
        _row(
            "keypress -> title, p95",
            f"{title_p95:.1f} ms",
            f"<= {TARGET_P95_MS:g} ms",
            title_p95 <= TARGET_P95_MS,
        )
    )
    print(_row("keypress -> painted, median", f"{painted_med:.1f} ms", "", None))
    print(
        _row(
            "keypress -> painted, p95",
            f"{painted_p95:.1f} ms",
            f"<= {TARGET_P95_MS:g} ms",
            painted_p95 <= TARGET_P95_MS,
        )
    )
    print(
        _row(
            f"peak RSS after {n} decisions",
            f"{rss:.0f} MB",
            f"<= {TARGET_RSS_MB:g} MB",
            rss <= TARGET_RSS_MB,
        )
    )
    print("\ncold start by phase (s, each run):")
    for phase in phases[0]:
        print(f"  {phase:<20}" + "".join(f"{p[phase]:>8.3f}" for p in phases))


if __name__ == "__main__":
    main()
