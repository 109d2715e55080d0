"""Screening TUI benchmark: screen changes, dialog opens and key -> next study, at the demo
and at a big project, idle and while the ranking model retrains; cold start and memory.

Two projects are measured: the bundled demo (its protocol, 21 studies) and a seeded
multi-database RIS export of ``--records`` records (bench/dedup_synthetic.py's generator)
imported once into a cached project under the temp folder (``--fresh`` rebuilds it), given
the demo's protocol. Each run works on a copy in which alice has decided the first 40
studies (8 included) and bob the first ``--prior``, so that the ranking learns and there
are conflicts. Every figure comes from a fresh process, headless (Textual's
``App.run_test``) at 100 x 32, as alice, in ranked order:

- screen change / dialog open: from a key press until the first frame of the new screen
  (or dialog) is composited; ``--rounds`` walks over every screen and dialog. "idle": no
  other work; "retraining": a thread retrains the ranking back to back meanwhile (what the
  screening screen's worker does after each decision).
- key -> next study: ``--presses`` decisions (i, e, m, seeded), each timed from the key press
  until the frame showing the next study is composited. Median and p95.
- cold start (launch to the first study shown, median of ``--runs``) and peak RSS.

    python bench/tui_bench.py [--records 100000] [--seed 1] [--fresh] [--rounds 20]
                              [--presses 200] [--runs 3] [--prior 1000] [--skip-demo]

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
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "screener-tui-bench"
DEMO_PROTOCOL = ROOT / "projects" / "secretome-demo" / "protocol.toml"
REVIEWER, OTHER_REVIEWER = "alice", "bob"
SIZE = (100, 32)
KEYS, KEY_WEIGHTS = ("i", "e", "m"), (3, 6, 1)  # a title/abstract screen excludes most
MY_DECISIONS = 40  # a fifth of them included; a quarter of the demo's studies
TARGET_COLD_S, TARGET_KEY_MS, TARGET_RSS_MB = 1.5, 50.0, 400.0
TARGET_MOVE_MS = {"demo": 100.0, "big": 250.0}

# One walk over every screen and dialog: (figure, key, screen or dialog class expected).
# Escapes that only return to the dashboard or close a dialog are timed too (as "back").
WALK: tuple[tuple[str, str, str], ...] = (
    ("screening -> dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> screening (s)", "s", "ScreeningScreen"),
    ("tag dialog (t)", "t", "ChoiceModal"),
    ("dialog closed (Esc)", "escape", "ScreeningScreen"),
    ("reason dialog (r)", "r", "ChoiceModal"),
    ("dialog closed (Esc)", "escape", "ScreeningScreen"),
    ("note dialog (n)", "n", "PromptModal"),
    ("dialog closed (Esc)", "escape", "ScreeningScreen"),
    ("decision (i) -> next study", "i", "ScreeningScreen"),
    ("tag dialog right after a decision (t)", "t", "ChoiceModal"),
    ("dialog closed (Esc)", "escape", "ScreeningScreen"),
    ("screening -> dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> full text (f)", "f", "ScreeningScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> conflicts (c)", "c", "ConflictsScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> duplicates (d)", "d", "DuplicatesScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> extraction (e)", "e", "ExtractionScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> history (h)", "h", "HistoryScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> search (/)", "slash", "SearchScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("help (?)", "question_mark", "HelpScreen"),
    ("back to the dashboard (Esc)", "escape", "DashboardScreen"),
    ("export menu (x)", "x", "ExportModal"),
    ("dialog closed (Esc)", "escape", "DashboardScreen"),
    ("dashboard -> screening (s)", "s", "ScreeningScreen"),
)


# -- the projects ----------------------------------------------------------------------------


def cached_project(records: int, seed: int, *, fresh: bool = False) -> Path:
    """A project of ``records`` generated records, built once per (records, seed)."""
    folder = CACHE / f"records{records}-seed{seed}"
    ready = folder / "ready"
    if fresh or not ready.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # In a child process: on Linux a child's ru_maxrss starts from its parent's peak,
        # so a parent that generated 100,000 records would inflate the figures after it.
        command = [sys.executable, __file__, "--records", str(records), "--seed", str(seed)]
        subprocess.run([*command, "--child", "build", str(folder)], check=True)
        ready.write_text(f"{records} records, seed {seed}\n", encoding="utf-8")
    return folder / "project"


def build_project(folder: Path, records: int, seed: int) -> None:
    """Generate the records (no extra copies: each record is a study) and import them."""
    sys.path.insert(0, str(ROOT / "bench"))
    from dedup_synthetic import build, write_ris

    from screener.importers.service import import_files
    from screener.project import init_project, open_project

    ris = folder / "records.ris"
    write_ris(build(records, seed, duplicate_share=0.0).records, ris)
    init_project(folder / "project", f"TUI benchmark ({records} records)")
    with open_project(folder / "project") as opened:
        import_files(opened, [ris])
    ris.unlink()


def prepare_copy(project: Path, into: Path, prior: int, seed: int) -> Path:
    """A working copy with the demo's protocol, alice's decisions on the first studies and
    bob's on the first ``prior`` (a sync-like bulk write of events)."""
    from screener.models import NewDecision, Stage, Verdict
    from screener.project import open_project
    from screener.screening.decisions import decide
    from screener.store.events import new_uid, now_iso

    copy = into / "project"
    shutil.copytree(project, copy)
    shutil.copy2(DEMO_PROTOCOL, copy / "protocol.toml")
    rng = random.Random(seed)
    with open_project(copy) as opened:
        ids = opened.store.links.study_ids()
        mine = min(MY_DECISIONS, len(ids) // 4)
        for n, study in enumerate(ids[:mine]):
            verdict = Verdict.INCLUDE if n < max(1, mine // 5) else Verdict.EXCLUDE
            decide(opened, NewDecision(study, Stage.TITLE_ABSTRACT, REVIEWER, verdict))
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
            for study in ids[:prior]
        ]
        opened.store.events.merge_rows({"decisions": rows})
    return copy


# -- in the child process -------------------------------------------------------------------


def _app(project: Path) -> Any:
    from screener.tui.app import ScreenerApp

    return ScreenerApp(project, REVIEWER, order="ranked", cursor_blink=False)


def _showing_study(app: Any) -> bool:
    from textual.widgets import Static

    screen = app.screen
    if type(screen).__name__ != "ScreeningScreen" or screen.current is None:
        return False
    return bool(str(screen.query_one("#title", Static).visual).strip())


def _retrain_loop(project: Path, stop: threading.Event, count: list[int]) -> None:
    """Retrain the ranking back to back on this thread, as the session's ranking worker
    does after each decision (its first run builds the feature matrix)."""
    from screener.models import Stage
    from screener.tui.ranking import SessionRanking

    ranking = SessionRanking(project, REVIEWER, None)
    while not stop.is_set():
        ranking.retrain(Stage.TITLE_ABSTRACT, lambda stage, order: None)
        count[0] += 1


class FrameClock:
    """When each frame is composited, and of which screen: a hook on this app's _display."""

    def __init__(self, app: Any) -> None:
        self.frames: list[tuple[float, str]] = []
        display = app._display

        def timed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            self.frames.append((time.perf_counter(), type(screen).__name__))

        app._display = timed

    async def press(self, pilot: Any, key: str, shown: Callable[[str], bool]) -> float:
        """Milliseconds from pressing ``key`` to the first frame for which ``shown``."""
        start = time.perf_counter()
        seen = len(self.frames)
        press = asyncio.create_task(pilot.press(key))
        while True:
            for stamp, name in self.frames[seen:]:
                if shown(name):
                    await press
                    return (stamp - start) * 1000
            seen = len(self.frames)
            if time.perf_counter() - start > 60:
                raise RuntimeError(f"{key!r}: nothing expected shown in a minute")
            await asyncio.sleep(0)


async def _moves(project: Path, rounds: int, retraining: bool) -> dict[str, Any]:
    app = _app(project)
    stop, count = threading.Event(), [0]
    times: dict[str, list[float]] = {}
    async with app.run_test(size=SIZE) as pilot:
        while not _showing_study(app):
            await pilot.pause()
        await app.workers.wait_for_complete()
        clock = FrameClock(app)
        if retraining:
            threading.Thread(target=_retrain_loop, args=(project, stop, count)).start()
        try:
            for _ in range(rounds):
                for figure, key, expected in WALK:
                    ms = await clock.press(pilot, key, lambda name, e=expected: name == e)
                    times.setdefault(figure, []).append(ms)
                    if type(app.screen).__name__ != expected:
                        raise RuntimeError(f"{figure}: {type(app.screen).__name__} on top")
        finally:
            stop.set()
    return {"times": times, "retrains": count[0]}


async def _keys(project: Path, presses: int, seed: int) -> dict[str, Any]:
    app = _app(project)
    # Every other key undoes the decision before it (u shows that study again), so that a
    # small project never runs out of studies.
    keys = [
        k
        for key in random.Random(seed).choices(KEYS, KEY_WEIGHTS, k=presses // 2)
        for k in (key, "u")
    ]
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        while not _showing_study(app):
            await pilot.pause()
        await app.workers.wait_for_complete()
        clock, screen = FrameClock(app), app.screen
        for key in keys:
            before = screen.current
            moved = lambda _, before=before: screen.current != before  # noqa: E731
            times.append(await clock.press(pilot, key, moved))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"times": times, "peak_rss_mb": peak}


async def _cold(project: Path) -> dict[str, float]:
    app = _app(project)
    async with app.run_test(size=SIZE):
        while not _showing_study(app):  # a short sleep, not Pilot's idle wait (>= 20 ms)
            await asyncio.sleep(0.001)
        return {"shown": time.perf_counter()}


def child(mode: str, project: Path, args: argparse.Namespace) -> None:
    if mode == "cold":
        result: dict[str, Any] = asyncio.run(_cold(project))
    elif mode == "keys":
        result = asyncio.run(_keys(project, args.presses, args.seed))
    else:
        result = asyncio.run(_moves(project, args.rounds, mode == "retraining"))
    print(json.dumps(result), flush=True)


# -- in the parent ----------------------------------------------------------------------------


def _run_child(mode: str, project: Path, args: argparse.Namespace) -> tuple[float, Any]:
    """Run a child mode on a copy of the project (each child starts from the same state: the
    walks make decisions); returns when it was launched (perf_counter: a system-wide
    monotonic clock on Linux and macOS, shared with the child) and its JSON line."""
    # The user's config file might rebind the keys: point past it.
    env = {**os.environ, "SCREENER_CONFIG": str(CACHE / "no-such-config.toml")}
    with tempfile.TemporaryDirectory(prefix="screener-tui-bench-child-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(project, copy)
        command = [sys.executable, __file__, "--child", mode, str(copy)]
        command += ["--rounds", str(args.rounds), "--presses", str(args.presses)]
        launched = time.perf_counter()
        done = subprocess.run(
            [*command, "--seed", str(args.seed)], capture_output=True, text=True, env=env
        )
    if done.returncode != 0:
        raise RuntimeError(f"child {mode} failed:\n{done.stderr[-3000:]}")
    return launched, json.loads(done.stdout.strip().splitlines()[-1])


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _row(name: str, value: str, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    return f"  {name:<40}{value:>11}  {target:<10}{verdict}"


def measure(name: str, project: Path, size: str, args: argparse.Namespace) -> None:
    """Every figure of one project, printed as a table."""
    target = TARGET_MOVE_MS[size]
    runs = {mode: _run_child(mode, project, args)[1] for mode in ("idle", "retraining")}
    print(f"\n{name}: screen change and dialog open, p95 of {args.rounds} (ms)")
    print(f"  {'':<40}{'idle':>11}{'retraining':>12}  target")
    worst = {mode: 0.0 for mode in runs}
    for figure in dict.fromkeys(f for f, _, _ in WALK):
        cells = {mode: p95(run["times"][figure]) for mode, run in runs.items()}
        worst = {mode: max(worst[mode], cells[mode]) for mode in runs}
        ok = all(v <= target for v in cells.values())
        idle, busy, verdict = cells["idle"], cells["retraining"], "ok" if ok else "MISSED"
        print(f"  {figure:<40}{idle:>11.1f}{busy:>12.1f}  <= {target:g}  {verdict}")
    print(f"  {'worst':<40}{worst['idle']:>11.1f}{worst['retraining']:>12.1f}")
    print(f"  retrains while measuring: {runs['retraining']['retrains']}")
    colds = []
    for _ in range(args.runs):
        launched, result = _run_child("cold", project, args)
        colds.append(result["shown"] - launched)
    keys = _run_child("keys", project, args)[1]
    title = f"{name}: key -> next study ({len(keys['times'])}), cold start, memory"
    print(f"\n{title}\n" + _row("figure", "measured", "target", None))
    key_p95 = p95(keys["times"])
    print(_row("key -> next study, median", f"{statistics.median(keys['times']):.1f} ms", "", None))
    print(_row("key -> next study, p95", f"{key_p95:.1f} ms", "<= 50 ms", key_p95 <= TARGET_KEY_MS))
    cold = statistics.median(colds)
    print(_row(f"cold start, median of {args.runs}", f"{cold:.2f} s", "<= 1.5 s", cold <= 1.5))
    rss = keys["peak_rss_mb"]
    print(_row("peak RSS after the decisions", f"{rss:.0f} MB", "<= 400 MB", rss <= 400))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1, help="the generator's and the keys' seed")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached project")
    parser.add_argument("--rounds", type=int, default=20, help="walks over every screen")
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="cold starts (median reported)")
    parser.add_argument("--prior", type=int, default=1000, help=f"studies {OTHER_REVIEWER} decided")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PROJECT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        mode, path = args.child
        if mode == "build":
            build_project(Path(path), args.records, args.seed)
        else:
            child(mode, Path(path), args)
        return
    from screener.demo import make_demo

    print(f"screening TUI, headless {SIZE[0]}x{SIZE[1]}, {sys.platform}, ranked order")
    with tempfile.TemporaryDirectory(prefix="screener-tui-bench-") as tmp:
        if not args.skip_demo:
            demo, _ = make_demo(Path(tmp) / "demo-template")
            project = prepare_copy(demo, Path(tmp) / "demo", 21, args.seed)
            measure("demo (21 studies)", project, "demo", args)
        cached = cached_project(args.records, args.seed, fresh=args.fresh)
        project = prepare_copy(cached, Path(tmp) / "big", args.prior, args.seed)
        measure(f"{args.records:,} records", project, "big", args)


if __name__ == "__main__":
    main()
