"""A dialog that asks for one line of text (a note, a reason, a file path)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from screener.tui.session import ScreenerModal
from screener.tui.text import literal


class PromptModal(ScreenerModal[str | None]):
    """Enter returns the text (possibly empty); Escape cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt")
            yield Static(literal("Enter to save · Esc to cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.app.cursor_blink

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
