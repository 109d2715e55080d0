"""Killing a screening session with SIGKILL loses no decision that the screen showed as saved.

A child process screens the demo project in the TUI (headless, Textual's ``run_test``) and
prints ``SAVED <study> <verdict>`` each time the ``#decision`` line reads "Saved: <verdict>
study <study>". Once it has printed a few, the parent kills it with SIGKILL, while it is
still pressing keys, and opens the project: every study shown as saved has the reviewer's
decision in force with the verdict shown, and the database passes ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from screener.demo import make_demo
from screener.models import Stage, Verdict
from screener.project import open_project
from screener.screening.studies import my_decisions
from tests.paths import ROOT

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="SIGKILL and fork-style process kills are POSIX"
)

REVIEWER = "alice"
SAVED_BEFORE_KILL = 8
DEADLINE_SECONDS = 15.0

# The screening session. Keys alternate include/include/exclude; after each press the child
# waits for the screen to say the decision is saved, then reports what the screen says.
# os.write: unbuffered, and past anything Textual does with sys.stdout.
CHILD = r"""
import asyncio, os, re, sys
from pathlib import Path

from textual.widgets import Static

from screener.tui.app import ScreenerApp
from screener.tui.screens.screening import ScreeningScreen

SAVED = re.compile(r"Saved: (\w+)[^\n]* · study (\d+)")


async def main() -> None:
    app = ScreenerApp(Path(sys.argv[1]), sys.argv[2], cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        while not isinstance(app.screen, ScreeningScreen) or app.screen.current is None:
            await pilot.pause()
        screen = app.screen
        decision = screen.query_one("#decision", Static)
        os.write(1, f"READY {len(screen.ids)}\n".encode())
        for n in range(len(screen.ids)):
            study = screen.current
            key = "e" if n % 3 == 2 else "i"
            await pilot.press(key)
            verdict = "exclude" if key == "e" else "include"
            while True:
                shown = SAVED.search(str(decision.render()))
                if shown and shown.groups() == (verdict, str(study)):
                    break
                await pilot.pause()
            os.write(1, f"SAVED {shown.group(2)} {shown.group(1)}\n".encode())
        os.write(1, b"DONE\n")
        await asyncio.sleep(3600)


asyncio.run(main())
"""


def _lines(stream: object, into: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line.rstrip("\n"))
    into.put(None)


def test_sigkill_loses_no_decision_shown_as_saved(tmp_path: Path) -> None:
    project_path, _ = make_demo(tmp_path / "demo")
    stderr_path = tmp_path / "child-stderr.txt"
    env = {**os.environ, "SCREENER_CONFIG": str(tmp_path / "no-config.toml")}
    with stderr_path.open("w", encoding="utf-8") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(project_path), REVIEWER],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
            env=env,
        )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_lines, args=(child.stdout, lines), daemon=True).start()
    saved: list[tuple[int, Verdict]] = []
    queue_length = 0
    deadline = time.monotonic() + DEADLINE_SECONDS
    try:
        while len(saved) < SAVED_BEFORE_KILL:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                error = stderr_path.read_text(encoding="utf-8")[-3000:]
                pytest.fail(f"the session stopped or stalled after {saved}:\n{error}")
            if match := re.fullmatch(r"READY (\d+)", line):
                queue_length = int(match.group(1))
            elif match := re.fullmatch(r"SAVED (\d+) (\w+)", line):
                saved.append((int(match.group(1)), Verdict(match.group(2))))
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if child.stdout:
            child.stdout.close()

    # Killed while it was still screening: more studies were waiting.
    assert queue_length > SAVED_BEFORE_KILL
    shown = dict(saved)  # a study shown twice: the later verdict
    assert len(shown) == SAVED_BEFORE_KILL
    with open_project(project_path) as project:
        mine = my_decisions(project, REVIEWER, Stage.TITLE_ABSTRACT)
        for study, verdict in shown.items():
            assert study in mine, f"study {study} was shown as saved but has no decision"
            assert mine[study].verdict is verdict
        assert project.store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
