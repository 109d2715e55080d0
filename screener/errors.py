"""The exceptions the core raises for problems a user can fix (never shown as tracebacks)."""

from __future__ import annotations

from screener.text import visible


class ScreenerError(Exception):
    """A problem with the user's input or project, reported as a plain message."""


class ImportFormatError(ScreenerError):
    """An input file cannot be imported; names the file, the line or record, and the problem.

    This is the only exception an importer's ``parse`` may raise for bad input.
    """

    def __init__(
        self,
        problem: str,
        *,
        line: int | None = None,
        record: int | None = None,
        file: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.problem = problem
        self.line = line
        self.record = record
        self.file = file
        self.sheet = sheet  # a workbook's sheet: then ``line`` is its row number
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:  # data: a line break or an escape in a file name is shown, not obeyed
            where.append(visible(self.file, lines=False))
        if self.sheet is not None:
            where.append(f"sheet {visible(self.sheet, lines=False)!r}")
        if self.line is not None:
            where.append(f"row {self.line}" if self.sheet is not None else f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.problem}" if prefix else self.problem

    def in_file(self, file: str, sheet: str | None = None) -> ImportFormatError:
        """The same error, naming ``file`` (importers parse text and do not know its name)
        and the workbook's ``sheet`` if it has none yet."""
        return ImportFormatError(
            self.problem, line=self.line, record=self.record, file=file, sheet=self.sheet or sheet
        )


class ProtocolError(ScreenerError):
    """protocol.toml is invalid; ``problems`` lists every problem with its key path."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        if len(problems) == 1:  # one line, like every other refusal
            super().__init__(f"{path}: {problems[0]}")
            return
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problems in the protocol:\n{lines}")


class DuplicateSourceError(ScreenerError):
    """The same file (same sha256) was imported before."""
