"""What the screens know of the app: one reviewer's session on one open project (the app
below its navigation), the base screen and dialog whose ``app`` is typed to it, and the
message a screen sends up to open a study."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TypeVar

from textual import getters
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen

from screener.errors import ScreenerError
from screener.models import Stage
from screener.project import Project, open_project
from screener.screening.decisions import check_reviewer

USER_CONFIG = Path("~/.config/screener/config.toml")
ResultType = TypeVar("ResultType")


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


class SessionApp(App[None]):
    """One reviewer's session on one project: the open project (the main thread's
    connection), the reviewer, the queue options and the keymap. The screens read these;
    :class:`screener.tui.app.ScreenerApp` adds the moving between them."""

    def __init__(
        self,
        project_path: Path,
        reviewer: str,
        *,
        stage: Stage = Stage.TITLE_ABSTRACT,
        order: str | None = None,
        seed: int | None = None,
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
        self.cursor_blink = cursor_blink
        self.keymap = {**self.project.protocol.keys, **user_keys}
        self.sub_title = f"{self.project.protocol.title} · {reviewer}"

    def on_unmount(self) -> None:
        self.project.close()

    def key_label(self, binding: Binding) -> str:
        """The keys of a binding as the keymap has set them, for help and the palette."""
        keys = self.keymap.get(binding.id or "", binding.key)
        return ", ".join(self.get_key_display(Binding(k, "")) for k in keys.split(","))


class ScreenerScreen(Screen[ResultType]):
    """A screen of the session: ``self.app`` is the :class:`SessionApp`."""

    app = getters.app(SessionApp)


class ScreenerModal(ModalScreen[ResultType]):
    """A dialog of the session: ``self.app`` is the :class:`SessionApp`."""

    app = getters.app(SessionApp)


class OpenStudy(Message):
    """Open a study (any of its records' ids) on the screening screen of ``stage``: sent up
    by the search and history screens, handled by the app."""

    def __init__(self, record_id: int, stage: Stage) -> None:
        super().__init__()
        self.record_id = record_id
        self.stage = stage
