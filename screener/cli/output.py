"""Where `screener export` writes: ``-o FILE`` as given; ``-o FOLDER`` (a folder that
exists, or a path ending in /) the kind's own file name in that folder; without ``-o``,
exports/<project folder name>/ in the working folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from screener.exports.kinds import default_target
from screener.project import Project

F = TypeVar("F", bound=Callable[..., Any])


def output_option(default_file: str) -> Callable[[F], F]:
    """The ``-o/--output`` option of an export command that writes ``default_file``."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(),
        metavar="PATH",
        help=f"Where to write: a file, or a folder (one that exists, or a path ending in /) "
        f"to write {default_file} in. Default: exports/<project folder name>/{default_file}.",
    )


def export_target(output: str | None, project: Project, file_name: str) -> Path:
    """The file an export writes (see the module docstring)."""
    if not output:
        return default_target(project, file_name)
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        return path / file_name
    return path
