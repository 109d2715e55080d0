"""What an export kind is: a name, a summary and a description for the CLI and the menu, its
options as plain data, its file and its writer. The faces build their commands and menus
from these values; nothing here knows a face."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeGuard

from screener.errors import ScreenerError
from screener.project import Project

Options = Mapping[str, object]  # option name -> value: a str, or a tuple of str if multiple
# progress(done, total): how many entries of how many are written (for a progress bar).
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ExportOption:
    """One option of an export kind, e.g. ``--studies included|excluded|all``. ``name`` is
    a Python identifier (the CLI offers it as ``--name``); with ``choices`` any other value
    is refused; a ``multiple`` option takes a tuple of values (repeatable on the CLI)."""

    name: str
    help: str
    default: str | tuple[str, ...]
    choices: tuple[str, ...] = ()
    multiple: bool = False

    def values(self, options: Options) -> tuple[str, ...]:
        """The values given in ``options`` (each once, in order), else the default; a
        ScreenerError for a value outside the choices."""
        given = options.get(self.name) or self.default
        items = list(given) if _sequence(given) else [given]
        found: list[str] = []
        for value in items:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                known = ", ".join(self.choices) or "text"
                raise ScreenerError(f"--{self.name}: {value!r} is not one of {known}")
            found.append(value)
        if not found:
            raise ScreenerError(f"--{self.name}: no value given")
        return tuple(dict.fromkeys(found))  # each once, in order

    def value(self, options: Options) -> str:
        """The one value of a single-valued option (see :meth:`values`)."""
        return self.values(options)[0]


@dataclass(frozen=True, slots=True)
class Written:
    """What an export wrote: its files, first the one asked for; ``contents`` says what
    they hold when the kind counts its entries (e.g. "2 studies"), for a face to report."""

    paths: tuple[Path, ...]
    contents: str = ""


class Writer(Protocol):
    """Writes the project to ``target`` (a file, or for kinds that write several files the
    first of them; the others beside it with the same stem) with the kind's ``options``;
    reports its progress to ``progress`` when it can. Raises ScreenerError (one line naming
    the path) when a file cannot be written; an existing file then stays as it was."""

    def __call__(
        self, project: Project, target: Path, options: Options, progress: Progress | None = None
    ) -> Written: ...


@dataclass(frozen=True, slots=True)
class ExportKind:
    """One entry of the export menu: ``screener export NAME PROJECT`` writes the same."""

    name: str  # the CLI sub-command, e.g. "prisma-csv"
    summary: str  # one line for menus and help
    # The file name under exports/<project folder name>/; "{option}" stands for the first
    # value of that option (e.g. "{studies}.ris": included.ris, excluded.ris).
    default_file: str
    write: Writer
    description: str = ""  # paragraphs of help beyond the summary, separated by blank lines
    options: tuple[ExportOption, ...] = ()

    def defaults(self) -> dict[str, object]:
        """Every option at its default: what the export menu writes."""
        return {option.name: option.default for option in self.options}

    def file_name(self, options: Options | None = None) -> str:
        """The default file for ``options`` (their defaults where not given)."""
        given = options or {}
        return self.default_file.format_map({o.name: o.value(given) for o in self.options})

    def file_names(self) -> list[str]:
        """Every default file the kind's choices give, the default first (for help text)."""
        names = [self.file_name()]
        for option in self.options:
            for choice in option.choices:
                name = self.file_name({option.name: choice})
                if name not in names:
                    names.append(name)
        return names


def _sequence(value: object) -> TypeGuard[tuple[object, ...] | list[object]]:
    """A tuple or list of values (a str is one value)."""
    return isinstance(value, tuple | list)


def default_target(project: Project, file_name: str) -> Path:
    """Where an export is written when no path is given: exports/<project folder>/<file>,
    relative to the working folder (as `screener export` documents)."""
    return Path("exports") / project.name / file_name


def count_text(count: int, one: str, many: str) -> str:
    """ "1 study", "2 studies": what a Written's contents say."""
    return f"{count} {one if count == 1 else many}"
