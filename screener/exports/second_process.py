"""Part of an export done by a second Python process, on the machine's other core.

An export of 100,000 records spends seconds in two independent reads (the audit's CSV and
JSONL; the ASReview dataset's labels and its text; the evidence table's values and which
studies are included). Threads do not help, since sqlite3 takes the GIL for every row, so
the second part runs as ``python -m MODULE JOB``: the job (a little JSON) is its one
argument, its result comes back on standard output (or in files the job names, with a
line on standard output when one is ready: :func:`wait_for`) and its errors (one line
each) on standard error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import screener
from screener.errors import ScreenerError
from screener.project import Project, open_project


def start(module: str, job: Mapping[str, Any]) -> subprocess.Popen[bytes] | None:
    """``python -m module`` started on ``job``; None where no process can be started (this
    process then does that part itself)."""
    package_root = str(Path(screener.__file__).resolve().parent.parent)
    paths = [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", module, json.dumps(job)],
            bufsize=0,  # unbuffered: wait_for reads one line without reading ahead
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        )
    except OSError:
        return None
    return child


def finish(child: subprocess.Popen[bytes], failure: str) -> bytes:
    """Wait for ``child`` and return what it wrote to standard output. When it failed,
    raise ScreenerError "``failure``: its last line of error"."""
    output, errors = child.communicate()
    if child.returncode != 0:
        lines = errors.decode("utf-8", "replace").strip().splitlines()
        raise ScreenerError(
            f"{failure}: {lines[-1] if lines else f'exit status {child.returncode}'}"
        )
    return output


def wait_for(child: subprocess.Popen[bytes], signal: str, failure: str) -> None:
    """Wait until ``child`` writes the line ``signal`` (the rest of its output is for
    :func:`finish`). When it ends first, raise as :func:`finish` does."""
    assert child.stdout is not None
    line = child.stdout.readline()
    if line != f"{signal}\n".encode():
        finish(child, failure)
        raise ScreenerError(f"{failure}: the second process ended early")


def stop(child: subprocess.Popen[bytes] | None) -> None:
    """End ``child`` when this process gave up first (its result is not wanted)."""
    if child is not None and child.poll() is None:
        child.kill()
    if child is not None:
        child.communicate()


def serve(compute: Callable[[Project, dict[str, Any]], str]) -> None:
    """A second process's main: open the project the job (``sys.argv[1]``) names, write
    ``compute(project, job)`` to standard output. Whatever stops it ends on standard
    error, whose last line the export reports."""
    job = json.loads(sys.argv[1])
    try:
        with open_project(Path(job["project"])) as project:
            text = compute(project, job)
    except ScreenerError as exc:
        sys.exit(str(exc))
    except OSError as exc:
        sys.exit(f"{exc.filename or job['project']}: {exc.strerror or exc}")
    sys.stdout.write(text)
