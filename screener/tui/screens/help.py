"""Help: every key of every screen, as the keymap has set them."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from screener.tui.screens.conflicts import ConflictsScreen
from screener.tui.screens.dashboard import DashboardScreen
from screener.tui.screens.duplicates import DuplicatesScreen
from screener.tui.screens.extraction import ExtractionScreen
from screener.tui.screens.history import HistoryScreen
from screener.tui.screens.screening import ScreeningScreen
from screener.tui.screens.search import SearchScreen
from screener.tui.session import SESSION_KEYS, ScreenerScreen
from screener.tui.text import literal
from screener.tui.widgets.footer import KeysFooter

SECTIONS: tuple[tuple[str, type[ScreenerScreen[None]]], ...] = (
    ("Dashboard", DashboardScreen),
    ("Screening", ScreeningScreen),
    ("Conflicts", ConflictsScreen),
    ("Extraction", ExtractionScreen),
    ("Duplicates", DuplicatesScreen),
    ("History", HistoryScreen),
    ("Search", SearchScreen),
)


def _described(bindings: Iterable[object], *, screen: bool = True) -> list[Binding]:
    """The bindings to list: a screen's own, without the Help and Quit every screen has
    (listed once, under Everywhere)."""
    everywhere = {b.id for b in SESSION_KEYS} if screen else set()
    return [
        b for b in bindings if isinstance(b, Binding) and b.description and b.id not in everywhere
    ]


class HelpScreen(ScreenerScreen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="help-back"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="help"):
            yield Static(id="keys")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Keys"
        app = self.app
        sections = [("Everywhere", app.BINDINGS)] + [(t, cls.BINDINGS) for t, cls in SECTIONS]
        tables = []
        for title, bindings in sections:
            table = Table(
                title=title, title_justify="left", show_edge=False, header_style="bold", expand=True
            )
            table.add_column("key", width=16)
            table.add_column("does")
            table.add_column(literal("binding id (remap in protocol.toml [keys])"), style="dim")
            for binding in _described(bindings, screen=title != "Everywhere"):
                keys = app.key_label(binding)
                table.add_row(
                    literal(keys), literal(binding.description), literal(binding.id or "")
                )
            tables.append(table)
        note = literal(
            "Every action is also in the command palette (ctrl+p). Remap a key by its binding "
            'id, e.g. [keys] include = "y,right", in protocol.toml or '
            "~/.config/screener/config.toml."
        )
        self.query_one("#keys", Static).update(Group(*tables, note))

    def action_scroll(self, lines: int) -> None:
        """Scroll the keys (they are longer than a small terminal)."""
        self.query_one("#help", VerticalScroll).scroll_relative(y=lines, animate=False)
