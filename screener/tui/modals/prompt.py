"""A dialog that asks for one line of text (a note, a reason, a file path, a value)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from screener.errors import ScreenerError
from screener.tui.session import ScreenerModal, edit_text
from screener.tui.text import literal


class PromptModal(ScreenerModal[str | None]):
    """Enter hands the text (possibly empty) to ``then``; Escape cancels (None). When
    ``then`` refuses the text (a ScreenerError: a PDF that is not there, a dose out of
    range), the dialog stays open with the text and the message, to correct it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel", priority=True),
        Binding("enter", "save", "Save", show=False, priority=True),
    ]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt")
            yield Static(id="prompt-error")
            hint = f"{self.hint} · " if self.hint else ""
            yield Static(literal(f"{hint}Enter to save · Esc to cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.app.cursor_blink

    def type_key(self, event: events.Key) -> bool:
        return edit_text(self.query_one(Input), event)

    def action_save(self) -> None:
        text = self.query_one(Input).value
        then = self.then
        try:
            if then is not None:
                then(text)  # before closing: a refusal keeps the dialog (then opens none)
        except ScreenerError as exc:
            self.query_one("#prompt-error", Static).update(literal(str(exc), "bold red"))
            return
        self.then = None
        self.finish(text)

    def action_cancel(self) -> None:
        self.finish(None)
