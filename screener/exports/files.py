"""Writing export files safely: each is written to a partial file beside its target and moved
over the target only once complete, so that a failed export leaves the old file as it was
and no half file; a target that cannot be written is one ScreenerError naming it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from screener.errors import ScreenerError

# The buffer of the large text exports (100 MB at 100,000 records): a system call per MB
# rather than per 8 kB, about a quarter less time writing.
WRITE_BUFFER = 1 << 20


def check_target(path: Path, what: str) -> None:
    """A ScreenerError when ``path`` cannot take the file: it is a folder, or a file stands
    where one of its folders should be. Writers call it before their work, not after."""
    if path.is_dir():
        raise ScreenerError(f"{path}: is a folder; give a file name for the {what}")
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise ScreenerError(
                    f"{path}: cannot write the {what}: {folder} is a file, not a folder"
                )
            break


@contextmanager
def replacing(*paths: Path, what: str) -> Iterator[list[Path]]:
    """Partial files to write, one per path (folders created). When the block ends without
    error, each replaces its path; otherwise none does and the partial files go. An
    OSError becomes a ScreenerError naming the path it concerns."""
    for path in paths:
        check_target(path, what)
    partials = [path.with_name(path.name + ".partial") for path in paths]
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        yield partials
        for partial, path in zip(partials, paths, strict=True):
            os.replace(partial, path)
    except OSError as exc:
        failed = next(
            (p for p, t in zip(paths, partials, strict=True) if str(t) == exc.filename), paths[0]
        )
        raise ScreenerError(f"{failed}: cannot write the {what}: {exc.strerror or exc}") from None
    finally:
        for partial in partials:
            with contextlib.suppress(OSError):  # e.g. a folder stands there: not ours
                partial.unlink(missing_ok=True)


@contextmanager
def text_file(path: Path, what: str) -> Iterator[TextIO]:
    """A UTF-8 text file to write at ``path``, lines ended as written, replacing the old
    file only once complete (see :func:`replacing`)."""
    with (
        replacing(path, what=what) as (partial,),
        partial.open("w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as handle,
    ):
        yield handle


def write_lines(path: Path, pieces: Iterable[str], what: str) -> None:
    """Write ``pieces`` to ``path`` as :func:`text_file` does."""
    with text_file(path, what) as handle:
        handle.writelines(pieces)


def write_text(path: Path, text: str, what: str) -> None:
    """Write ``text`` to ``path`` exactly, as :func:`text_file` does."""
    write_lines(path, [text], what)
