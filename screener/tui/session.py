"""What the screens know of the app: one reviewer's session on one open project (the app
below its navigation), the base screen and dialog whose ``app`` is typed to it, and the
message a screen sends up to open a study."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from textual import constants as textual_constants
from textual import events, getters
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from screener.errors import ScreenerError
from screener.models import Stage
from screener.project import Project, open_project
from screener.screening.decisions import check_reviewer
from screener.tui.ranking import RankedOrder, SessionRanking

USER_CONFIG = Path("~/.config/screener/config.toml")
# How long the terminal driver waits after an Esc byte for the rest of an escape sequence.
# Textual's default, 100 ms, turns Esc and the next key typed within it into one Alt key
# (or the Esc into "^" when another Esc follows): a reviewer typing Esc, e 80 ms apart lost
# both. The bytes of one escape sequence arrive together, so 25 ms (as ncurses programs
# commonly use) is enough; a user's ESCDELAY (in ms, read by Textual) is kept.
ESCAPE_DELAY_S = 0.025
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
        if "ESCDELAY" not in os.environ:  # the value Textual reads from ESCDELAY at import
            textual_constants.ESCAPE_DELAY = ESCAPE_DELAY_S  # type: ignore[misc]
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
        self.ranking = SessionRanking(project_path, self.reviewer, seed)
        self._held_keys: list[events.Key] = []

    def on_unmount(self) -> None:
        self.ranking.close()
        self.project.close()

    # -- keys, in the order typed -----------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys go through :meth:`release_keys`: held while the screen or dialog on top is
        still opening, then handled one after the other against whatever is on top then."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.extend(self._typed(event))
            await self.release_keys()
            return
        await super().on_event(event)

    async def release_keys(self) -> None:
        """Handle the keys held, in order, while the screen on top is ready for them."""
        while self._held_keys and getattr(self.screen, "ready", True):
            key, screen = self._held_keys.pop(0), self.screen
            if isinstance(screen, ScreenerModal) and screen.type_key(key):
                continue
            await super().on_event(key)

    def _typed(self, event: events.Key) -> list[events.Key]:
        """What the reviewer typed. A terminal sends Escape as the same byte that starts an
        Alt key, so Esc then ``e`` typed within the escape delay (100 ms) arrives as alt+e;
        no key of screener is an Alt key, so such a key is taken as Esc then the key."""
        key = event.key
        if not key.startswith("alt+") or key in self.screen.active_bindings:
            return [event]
        return [events.Key("escape", "\x1b"), events.Key(key.removeprefix("alt+"), event.character)]

    def ask(self, dialog: ScreenerModal[ResultType], then: Callable[[ResultType], None]) -> None:
        """Open a dialog; ``then`` gets its result as it closes (:meth:`ScreenerModal.finish`)."""
        dialog.then = then
        self.push_screen(dialog)

    def request_ranking(self, stage: Stage) -> None:
        """Retrain the ranking of ``stage`` in the ranking process, waited for on a worker
        thread (one more run if one is under way); each result arrives as a
        :class:`RankingReady` message."""
        if self.ranking.want(stage):
            self.run_worker(
                partial(self.ranking.retrain, stage, self._ranking_ready),
                thread=True,
                group="ranking",
                description=f"ranking {stage}",
            )

    def _ranking_ready(self, stage: Stage, order: RankedOrder) -> None:
        self.post_message(RankingReady(stage, order))  # thread-safe: posted to the UI loop

    def key_label(self, binding: Binding) -> str:
        """The keys of a binding as the keymap has set them, for help and the palette."""
        keys = self.keymap.get(binding.id or "", binding.key)
        return ", ".join(self.get_key_display(Binding(k, "")) for k in keys.split(","))


# Help and Quit first in every screen's footer, so that 80 columns still show them (the
# app's own bindings come last, after the screen's). The ids are the app's: one remap.
SESSION_KEYS = (
    Binding("question_mark", "app.help", "Help", id="help"),
    Binding("q", "app.quit", "Quit", id="quit"),
)


def in_order(*bindings: Binding) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """A screen's keys as priority bindings: each handled as it is typed, by the screen on
    top then, before the next key goes anywhere (a key that went on to a widget's queue
    could be overtaken by the next one, or land on a screen that a key before it closed)."""
    return [replace(binding, priority=True) for binding in bindings]


def _opened(screen: ScreenerScreen[Any] | ScreenerModal[Any]) -> None:
    """A screen of the session is shown and focused: keys typed meanwhile may go to it."""
    if not screen.ready:
        screen.ready = True
        screen.app.call_next(screen.app.release_keys)


class ScreenerScreen(Screen[ResultType]):
    """A screen of the session: ``self.app`` is the :class:`SessionApp`. The session keeps
    one instance of each screen; when it shows again after another screen (not a dialog)
    covered it, :meth:`reread` brings its data up to date. Keys typed while it opens are
    held until it is ``ready``."""

    app = getters.app(SessionApp)
    ready = False
    _covered = False

    def on_screen_suspend(self) -> None:
        self._covered = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        _opened(self)
        if self._covered:
            self._covered = False
            self.reread()

    def reread(self) -> None:
        """Read the screen's data again (what other screens may have changed)."""


class ScreenerModal(ModalScreen[ResultType]):
    """A dialog of the session: ``self.app`` is the :class:`SessionApp`. Opened with
    :meth:`SessionApp.ask`; keys typed while it opens are held until it is ``ready``."""

    app = getters.app(SessionApp)
    ready = False
    then: Callable[[ResultType], None] | None = None

    def on_screen_resume(self) -> None:
        _opened(self)

    def type_key(self, event: events.Key) -> bool:
        """Handle a key of a text entry at once (not in the entry's own queue, where the
        keys after it could overtake it); False for keys that are not text."""
        return False

    def finish(self, result: ResultType) -> None:
        """Close the dialog and hand ``result`` to ``then`` at once, not a message later
        (Textual's dismiss): a dialog that opens another, and the key after, then meet the
        next dialog, never the screen below."""
        self.app.pop_screen()
        if self.then is not None:
            self.then(result)


def edit_text(entry: Input, event: events.Key) -> bool:
    """Apply a typing or editing key to a one-line text entry at once; False for others."""
    actions: dict[str, Callable[[], None]] = {
        "backspace": entry.action_delete_left,
        "delete": entry.action_delete_right,
        "left": entry.action_cursor_left,
        "right": entry.action_cursor_right,
        "home": entry.action_home,
        "end": entry.action_end,
        "ctrl+left": entry.action_cursor_left_word,
        "ctrl+right": entry.action_cursor_right_word,
        "ctrl+w": entry.action_delete_left_word,
        "ctrl+u": entry.action_delete_left_all,
        "ctrl+k": entry.action_delete_right_all,
    }
    if event.key in actions:
        actions[event.key]()
    elif event.is_printable and event.character:
        entry.insert_text_at_cursor(event.character)
    else:
        return False
    return True


class OpenStudy(Message):
    """Open a study (any of its records' ids) on the screening screen of ``stage``: sent up
    by the search and history screens, handled by the app."""

    def __init__(self, record_id: int, stage: Stage) -> None:
        super().__init__()
        self.record_id = record_id
        self.stage = stage


class RankingReady(Message):
    """A new ranking of ``stage`` from the session's ranking worker."""

    def __init__(self, stage: Stage, order: RankedOrder) -> None:
        super().__init__()
        self.stage = stage
        self.order = order
