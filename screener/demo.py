"""The bundled demo project: a fresh working copy with its sources imported and deduplicated."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from screener.dedup.service import run_dedup
from screener.errors import ScreenerError
from screener.importers.service import FileImport, Search, import_files
from screener.project import PROTOCOL_FILE, open_project

DEMO_NAME = "secretome-demo"
# The databases the demo's exports came from (the RIS file does not name its own).
DEMO_DATABASES = {"pubmed.nbib": "PubMed", "sciencedirect.ris": "ScienceDirect"}


def demo_template() -> Path:
    """Where the demo's protocol and sources are: inside an installed wheel, or in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_demo" / DEMO_NAME, here.parent / "projects" / DEMO_NAME):
        if (candidate / PROTOCOL_FILE).is_file() and (candidate / "sources").is_dir():
            return candidate
    raise ScreenerError("the demo project is missing from this installation")


def make_demo(path: Path | None = None) -> tuple[Path, list[FileImport]]:
    """Copy the demo to ``path`` (default: a new temporary folder), import its sources and
    link their duplicates.
    An existing non-empty folder is refused, so a demo never overwrites anyone's work."""
    template = demo_template()
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="screener-demo-")) / DEMO_NAME
    elif path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ScreenerError(f"{path}: exists and is not empty; give a new folder for the demo")
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template / PROTOCOL_FILE, path / PROTOCOL_FILE)
    shutil.copytree(template / "sources", path / "sources", dirs_exist_ok=True)
    with open_project(path) as project:
        files = sorted(p for p in (path / "sources").iterdir() if p.is_file())
        imported = [
            result
            for file in files
            for result in import_files(project, [file], Search(DEMO_DATABASES.get(file.name)))
        ]
        run_dedup(project)  # the demo opens ready to screen, one study per paper
    return path, imported
