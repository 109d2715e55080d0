"""Acceptance: two concurrent reviewer processes x 1,000 decisions each: all 2,000 events are
present afterwards and neither process shows an error."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from screener.importers.service import import_files
from screener.models import Stage, Verdict
from screener.project import init_project, open_project
from screener.screening.decisions import vocabulary_terms
from screener.screening.studies import my_decisions

STUDIES = 1000
REVIEWERS = ("alice", "bob")
WORDS = (
    "secretome",
    "exosome",
    "vesicle",
    "conditioned",
    "medium",
    "stromal",
    "adipose",
    "marrow",
    "tendon",
    "cartilage",
    "wound",
    "nerve",
    "angiogenesis",
    "fibrosis",
)

# Each process opens its own Project, says it is ready, waits for the go (so that both
# write at the same time) and decides every study once: include, exclude with a reason, or
# maybe, with a tag from an open vocabulary that both processes add new terms to.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from screener.models import NewDecision, Stage, Verdict
    from screener.project import open_project
    from screener.screening.decisions import decide

    folder, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    verdicts = [Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE]
    with open_project(folder) as project:
        ids = project.store.links.study_ids()
        (folder.parent / f"ready-{name}").touch()
        while not go.exists():
            time.sleep(0.005)
        offset = 0 if name == "alice" else 1
        for i, study in enumerate(ids):
            verdict = verdicts[(i + offset) % 3]
            reasons = ["design"] if verdict is Verdict.EXCLUDE else []
            tags = {"tissue": [f"tissue {i % 40}"]}
            decide(project, NewDecision(study, Stage.TITLE_ABSTRACT, name, verdict, reasons, tags,
                   note=f"{name} {i}"))
    """
)


def _title(i: int) -> str:
    """Titles that share no run of words, so that deduplication keeps them apart."""
    words = [WORDS[(i * k) % len(WORDS)] for k in (1, 3, 5)]
    return f"Study {i}: {' '.join(words)} in model {i * 7919 % 100_003} (cohort {i})"


def _ris(count: int) -> str:
    lines = []
    for i in range(1, count + 1):
        lines += [
            "TY  - JOUR",
            f"ID  - r{i}",
            f"TI  - {_title(i)}",
            f"AU  - Author{i}, A.",
            f"AU  - Writer{i * 31 % 997}, B.",
            f"PY  - {1990 + i % 35}",
            f"T2  - Journal of Tests {i % 23}",
            f"DO  - 10.1000/test.{i}",
            "ER  - ",
            "",
        ]
    return "\n".join(lines)


def _wait_for(paths: list[Path], processes: list[subprocess.Popen[str]]) -> None:
    """Until every path exists; a process that exits early ends the wait (and the test)."""
    while not all(path.exists() for path in paths):
        for process in processes:
            if process.poll() is not None:
                _, stderr = process.communicate()
                raise AssertionError(f"a reviewer process ended early:\n{stderr}")
        time.sleep(0.01)


def test_two_reviewer_processes_decide_1000_studies_each_at_once(tmp_path: Path) -> None:
    folder = init_project(tmp_path / "review", "Concurrency")
    export = tmp_path / "search.ris"
    export.write_text(_ris(STUDIES), encoding="utf-8")
    with open_project(folder) as project:
        import_files(project, [export])
        assert len(project.store.links.study_ids()) == STUDIES

    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(folder), name, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in REVIEWERS
    ]
    try:
        _wait_for([tmp_path / f"ready-{name}" for name in REVIEWERS], processes)
        go.touch()
        results = [process.communicate(timeout=600) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    for name, process, (stdout, stderr) in zip(REVIEWERS, processes, results, strict=True):
        assert (process.returncode, stderr, stdout) == (0, "", ""), name

    with open_project(folder) as project:
        events = project.store.events.decisions()
        assert len(events) == 2 * STUDIES
        assert Counter(e.reviewer for e in events) == {"alice": STUDIES, "bob": STUDIES}
        assert len({e.uid for e in events}) == 2 * STUDIES
        ids = project.store.links.study_ids()
        for name in REVIEWERS:
            mine = my_decisions(project, name, Stage.TITLE_ABSTRACT)
            assert sorted(mine) == ids  # every study decided once, by the right process
            assert all(d.note == f"{name} {ids.index(s)}" for s, d in mine.items())
            excluded = [d for d in mine.values() if d.verdict is Verdict.EXCLUDE]
            assert excluded and all(d.reasons == ("design",) for d in excluded)
        # both processes added the same new terms: each is in the vocabulary once
        added = [t for t in project.store.events.vocabulary_terms() if t.vocabulary == "tissue"]
        assert sorted(t.term for t in added) == sorted(f"tissue {i}" for i in range(40))
        assert len(vocabulary_terms(project)["tissue"]) == 40
