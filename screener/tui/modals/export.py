"""The export menu: every export kind with its summary and file; the chosen one is written
in a worker thread on its own connection, then the files written (or the error) shown."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screener.errors import ScreenerError
from screener.exports.kinds import ExportKind, default_target
from screener.exports.registry import all_kinds
from screener.project import open_project
from screener.tui.session import ScreenerModal
from screener.tui.text import literal

KEYS = "123456789abcdefghijklmnopqrstuvw"


class ExportModal(ScreenerModal[None]):
    """Number keys (or ↑↓ Enter) choose a kind; Escape closes. The project is only read."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="dialog.cancel", priority=True),
        *(Binding(key, f"choose({n})", show=False, priority=True) for n, key in enumerate(KEYS)),
    ]
    DEFAULT_CSS = """
    ExportModal { align: center middle; }
    ExportModal #export-status { height: auto; margin: 1 0 0 0; }
    """

    def __init__(self, project_path: Path, project_name: str) -> None:
        super().__init__()
        self.project_path = project_path
        self.project_name = project_name
        self.load_error = ""
        try:
            self.kinds: list[ExportKind] = all_kinds()[: len(KEYS)]
        except ImportError as exc:  # a writer module that cannot load: say so, do not crash
            self.kinds, self.load_error = [], f"cannot load the export kinds: {exc}"
        self.writing: ExportKind | None = None

    def target(self, kind: ExportKind) -> Path:
        return Path("exports") / self.project_name / kind.file_name()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(literal("Export", "bold"), classes="dialog-title")
            options = []
            width = max((len(k.name) for k in self.kinds), default=0)
            for key, kind in zip(KEYS, self.kinds, strict=False):
                # A grid, so that a summary wrapped on a narrow terminal keeps its indent.
                prompt = Table.grid(padding=(0, 1), expand=True)
                prompt.add_column(no_wrap=True)
                prompt.add_column(no_wrap=True, width=width)
                prompt.add_column(ratio=1)
                prompt.add_row(
                    Text(f" {key} ", "bold reverse"),
                    literal(kind.name, "bold"),
                    Text.assemble(
                        literal(kind.summary), "\n", literal(f"→ {self.target(kind)}", "dim")
                    ),
                )
                options.append(Option(prompt, id=kind.name))
            if not options:
                empty = self.load_error or "No export kinds are registered"
                options.append(Option(literal(empty), disabled=True))
            yield OptionList(*options, id="export-kinds")
            yield Static(literal("Choose what to write."), id="export-status")
            hint = "number key or ↑↓ Enter to write · Esc to close · the project is not changed"
            yield Static(literal(hint), classes="dialog-hint")

    def on_mount(self) -> None:
        # Inline styles win over app.tcss's dialog rules (70 wide, lists of 16 lines):
        # the summaries need the width, and two or three lines per kind the height.
        dialog = self.query_one("#export-dialog")
        dialog.styles.width = min(96, self.app.size.width - 2)
        dialog.styles.max_height = "96%"
        # The list scrolls rather than push the status line (what was written) off screen.
        room = self.app.size.height - 14
        options = self.query_one("#export-kinds", OptionList)
        options.styles.max_height = max(6, min(3 * len(self.kinds) + 2, room))

    def action_choose(self, index: int) -> None:
        if index < len(self.kinds):
            self.choose(self.kinds[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = [k for k in self.kinds if k.name == event.option.id]
        if chosen:
            self.choose(chosen[0])

    def choose(self, kind: ExportKind) -> None:
        if self.writing is not None:
            return  # one export at a time: the status line says which is running
        self.writing = kind
        self._status(literal(f"Writing {kind.name} to {self.target(kind)}…", "bold"))
        # The app's worker, not this screen's: closing the menu must not cancel a write
        # that is under way, whose outcome is then told in a notification.
        app = self.app
        app.run_worker(partial(self._export, app, kind), thread=True, group="export")

    def _export(self, app: App[None], kind: ExportKind) -> None:
        # A connection of this thread's own: a sqlite3 connection belongs to one thread.
        try:
            with open_project(self.project_path) as project:
                target = default_target(project, kind.file_name())
                written = kind.write(project, target, kind.defaults()).paths
        except ScreenerError as exc:
            app.call_from_thread(self._failed, kind, str(exc))
        except OSError as exc:
            app.call_from_thread(self._failed, kind, f"cannot write: {exc.strerror or exc}")
        else:
            app.call_from_thread(self._written, kind, written)

    def _written(self, kind: ExportKind, written: tuple[Path, ...]) -> None:
        self.writing = None
        paths = [str(path.resolve()) for path in written]
        lines = [literal(f"Wrote {kind.name}:", "bold green")]
        lines += [literal(f"\n  {path}") for path in paths]
        self._status(Text.assemble(*lines), f"Wrote {kind.name}: {', '.join(paths)}")

    def _failed(self, kind: ExportKind, message: str) -> None:
        self.writing = None
        text = Text.assemble(literal(f"{kind.name} failed: ", "bold red"), literal(message))
        self._status(text, f"{kind.name} failed: {message}", error=True)

    def _status(self, text: Text, plain: str = "", *, error: bool = False) -> None:
        if self in self.app.screen_stack:
            self.query_one("#export-status", Static).update(text)
        elif plain:  # closed while writing: say how it went anyway
            self.app.notify(plain, severity="error" if error else "information")

    def action_close(self) -> None:
        self.finish(None)
