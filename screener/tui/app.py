"""The screener app: a reviewer's session (:mod:`screener.tui.session`) and the moving
between its screens, by name, with the dashboard always at the bottom of the stack."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from screener.dedup.service import study_of
from screener.models import Stage
from screener.tui.modals.export import ExportModal
from screener.tui.screens.conflicts import ConflictsScreen
from screener.tui.screens.dashboard import DashboardScreen
from screener.tui.screens.duplicates import DuplicatesScreen
from screener.tui.screens.extraction import ExtractionScreen
from screener.tui.screens.help import HelpScreen
from screener.tui.screens.history import HistoryScreen
from screener.tui.screens.screening import ScreeningScreen
from screener.tui.screens.search import SearchScreen
from screener.tui.session import OpenStudy, RankingReady, SessionApp

# Every screen by name (for bindings, --start and the command palette): its title and what
# it is for, as the palette lists them.
SCREEN_TITLES: dict[str, tuple[str, str]] = {
    "dashboard": ("Dashboard", "Progress, conflicts, agreement and duplicates"),
    "screening": ("Screen titles and abstracts", "Decide include / exclude / maybe"),
    "full_text": ("Screen full texts", "Retrieve reports and decide eligibility"),
    "conflicts": ("Resolve conflicts", "Both reviewers' decisions side by side"),
    "duplicates": ("Review duplicates", "Uncertain duplicate pairs side by side"),
    "extraction": ("Extract data", "The extraction form of each included study"),
    "history": ("My decisions", "Your decisions: filter, jump to one, change it"),
    "search": ("Search records", "Full-text search of titles, abstracts, authors"),
    "help": ("Keys", "Every key of every screen"),
}


class ScreenerApp(SessionApp):
    """One reviewer's session on one project. ``start`` names the first screen."""

    CSS_PATH = "app.tcss"
    TITLE = "screener"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="palette"),
    ]

    def __init__(
        self,
        project_path: Path,
        reviewer: str,
        *,
        stage: Stage = Stage.TITLE_ABSTRACT,
        order: str | None = None,
        seed: int | None = None,
        start: str = "screening",
        cursor_blink: bool = True,
    ) -> None:
        super().__init__(
            project_path, reviewer, stage=stage, order=order, seed=seed, cursor_blink=cursor_blink
        )
        self.start = start

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.open_screen(self.start)

    # -- moving between screens ------------------------------------------------------------

    def make_screen(self, name: str) -> Screen[None]:
        makers: dict[str, Callable[[], Screen[None]]] = {
            "dashboard": DashboardScreen,
            "title_abstract": lambda: ScreeningScreen(Stage.TITLE_ABSTRACT),
            "full_text": lambda: ScreeningScreen(Stage.FULL_TEXT),
            "conflicts": ConflictsScreen,
            "duplicates": DuplicatesScreen,
            "extraction": ExtractionScreen,
            "history": HistoryScreen,
            "search": SearchScreen,
            "help": HelpScreen,
        }
        return makers[name]()

    def screen_named(self, name: str) -> Screen[None]:
        """The session's one instance of a screen: made and installed the first time, then
        shown again as it was (its data read again on resume), not composed anew."""
        if name == "screening":  # the stage this session screens at
            name = str(self.stage)
        if not self.is_screen_installed(name):
            self.install_screen(self.make_screen(name), name)
        return self.get_screen(name)

    def open_screen(self, name: str) -> None:
        """Show a screen; the dashboard is always at the bottom of the stack, and a screen
        already on the stack is gone back to."""
        if len(self.screen_stack) == 1:
            self.push_screen(self.screen_named("dashboard"))
        screen = self.screen_named(name)
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
            return
        self.push_screen(screen)

    def action_open_screen(self, name: str) -> None:
        self.open_screen(name)

    def on_open_study(self, message: OpenStudy) -> None:
        """Open a study on the screening screen of its stage (from search or history)."""
        study = study_of(self.project, message.record_id)
        self.open_screen(str(message.stage))
        screening = self.screen_named(str(message.stage))
        assert isinstance(screening, ScreeningScreen)
        if screening.is_mounted:
            screening.show_study(study)
        else:  # composed and its queue read first
            self.call_after_refresh(screening.show_study, study)

    def on_ranking_ready(self, message: RankingReady) -> None:
        name = str(message.stage)
        if self.is_screen_installed(name):
            screen = self.get_screen(name)
            if isinstance(screen, ScreeningScreen) and screen.is_attached:
                screen.apply_ranking(message.order)  # one not shown rereads it on resume

    def action_open_export(self) -> None:
        """The export menu (x on the dashboard): write any export kind of this project."""
        if not isinstance(self.screen, ExportModal):
            self.push_screen(ExportModal(self.project_path, self.project.name))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.open_screen("help")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands (but its "Keys": the help screen lists every key), each screen,
        the export menu, and the focused screen's own keys that are not one of those."""
        ours = {title for title, _ in SCREEN_TITLES.values()}
        yield from (c for c in super().get_system_commands(screen) if c.title not in ours)
        for name, (title, help_text) in SCREEN_TITLES.items():
            yield SystemCommand(title, help_text, lambda name=name: self.open_screen(name))
        summary = "Reference lists, PRISMA, evidence tables: pick a kind"
        yield SystemCommand("Export", summary, self.action_open_export)
        # The focused screen's own actions, so that everything a key does is in the palette.
        for binding in getattr(screen, "BINDINGS", []):
            if (
                isinstance(binding, Binding)
                and binding.description
                and not binding.action.startswith("app.")  # a screen or export: listed above
            ):
                action = binding.action
                yield SystemCommand(
                    f"{binding.description} ({self.key_label(binding)})",
                    f"{type(screen).__name__.removesuffix('Screen')} screen",
                    lambda action=action, screen=screen: self.call_later(screen.run_action, action),
                )
