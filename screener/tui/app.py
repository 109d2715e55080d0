"""The screener app: opens a project for one reviewer and moves between its screens."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from screener.errors import ScreenerError
from screener.models import Stage
from screener.project import Project, open_project
from screener.screening.decisions import check_reviewer

USER_CONFIG = Path("~/.config/screener/config.toml")


def user_keymap() -> dict[str, str]:
    """``[keys]`` of the user's config file ($SCREENER_CONFIG or ~/.config/screener/config.toml)."""
    path = Path(os.environ.get("SCREENER_CONFIG", str(USER_CONFIG))).expanduser()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScreenerError(f"{path}: cannot read the config file: {exc}") from None
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ScreenerError(f'{path}: [keys] must map binding ids to keys, e.g. include = "y"')
    return {str(k): v.replace(" ", "") for k, v in keys.items()}


class ScreenerApp(App[None]):
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
        super().__init__()
        user_keys = user_keymap()  # a broken config file is reported before anything opens
        self.project_path = project_path
        self.project: Project = open_project(project_path)
        try:
            self.reviewer = check_reviewer(self.project, reviewer)
        except ScreenerError:
            self.project.close()
            raise
        self.stage = stage
        self.order = order
        self.seed = seed
        self.start = start
        self.cursor_blink = cursor_blink
        self.keymap = {**self.project.protocol.keys, **user_keys}
        self.sub_title = f"{self.project.protocol.title} · {reviewer}"

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.open_screen(self.start)

    def on_unmount(self) -> None:
        self.project.close()

    # -- moving between screens ------------------------------------------------------------

    def make_screen(self, name: str) -> Screen[None]:
        from screener.tui.screens.conflicts import ConflictsScreen
        from screener.tui.screens.dashboard import DashboardScreen
        from screener.tui.screens.duplicates import DuplicatesScreen
        from screener.tui.screens.extraction import ExtractionScreen
        from screener.tui.screens.help import HelpScreen
        from screener.tui.screens.history import HistoryScreen
        from screener.tui.screens.screening import ScreeningScreen
        from screener.tui.screens.search import SearchScreen

        screens: dict[str, type[Screen[None]]] = {
            "dashboard": DashboardScreen,
            "screening": ScreeningScreen,
            "full_text": ScreeningScreen,
            "conflicts": ConflictsScreen,
            "duplicates": DuplicatesScreen,
            "extraction": ExtractionScreen,
            "history": HistoryScreen,
            "search": SearchScreen,
            "help": HelpScreen,
        }
        if name == "full_text":
            return ScreeningScreen(Stage.FULL_TEXT)
        if name == "screening":
            return ScreeningScreen(self.stage)
        return screens[name]()

    def open_screen(self, name: str) -> None:
        """Show a screen; the dashboard is always at the bottom of the stack."""
        if name == "dashboard":
            while len(self.screen_stack) > 2:
                self.pop_screen()
            if len(self.screen_stack) == 1:
                self.push_screen(self.make_screen("dashboard"))
            return
        if len(self.screen_stack) == 1:
            self.push_screen(self.make_screen("dashboard"))
        self.push_screen(self.make_screen(name))

    def action_open_screen(self, name: str) -> None:
        self.open_screen(name)

    def jump_to(self, record_id: int, stage: Stage) -> None:
        """Open a study on the screening screen of ``stage`` (from search or history)."""
        from screener.tui.screens.screening import ScreeningScreen

        study = self.project.store.links.study_of(record_id)
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ScreeningScreen) and screen.stage is stage:
                while self.screen is not screen:
                    self.pop_screen()
                screen.show_study(study)
                return
        screening = ScreeningScreen(stage)
        self.push_screen(screening)
        self.call_after_refresh(screening.show_study, study)

    def action_open_export(self) -> None:
        """The export menu (x on the dashboard): write any export kind of this project."""
        from screener.tui.modals.export import ExportModal

        if not isinstance(self.screen, ExportModal):
            self.push_screen(ExportModal(self.project_path, self.project.name))

    def action_help(self) -> None:
        if not isinstance(self.screen, self._help_type()):
            self.push_screen(self.make_screen("help"))

    def _help_type(self) -> type[Screen[None]]:
        from screener.tui.screens.help import HelpScreen

        return HelpScreen

    def get_system_commands(self, screen: Screen[None]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, title, help_text in (
            ("dashboard", "Dashboard", "Progress, conflicts, agreement and duplicates"),
            ("screening", "Screen titles and abstracts", "Decide include / exclude / maybe"),
            ("full_text", "Screen full texts", "Retrieve reports and decide eligibility"),
            ("conflicts", "Resolve conflicts", "Both reviewers' decisions side by side"),
            ("duplicates", "Review duplicates", "Uncertain duplicate pairs side by side"),
            ("extraction", "Extract data", "The extraction form of each included study"),
            ("history", "My decisions", "Your decisions: filter, jump to one, change it"),
            ("search", "Search records", "Full-text search of titles, abstracts, authors"),
            ("help", "Keys", "Every key of every screen"),
        ):
            yield SystemCommand(title, help_text, lambda name=name: self.open_screen(name))
        summary = "Reference lists, PRISMA, evidence tables: pick a kind"
        yield SystemCommand("Export", summary, self.action_open_export)
        # The focused screen's own actions, so that everything a key does is in the palette.
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                action = binding.action
                yield SystemCommand(
                    f"{binding.description} ({self.key_label(binding)})",
                    f"{type(screen).__name__.removesuffix('Screen')} screen",
                    lambda action=action, screen=screen: self.call_later(screen.run_action, action),
                )

    def key_label(self, binding: Binding) -> str:
        keys = self.keymap.get(binding.id or "", binding.key)
        return ", ".join(self.get_key_display(Binding(k, "")) for k in keys.split(","))
