"""A dialog that picks one of a few options with number keys (or arrows and Enter)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screener.tui.text import literal


class ChoiceModal(ModalScreen[str | None]):
    """Options numbered 1-9 then a-z; a key press picks at once; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    KEYS = "123456789abcdefghijklmnopqrstuvwxyz"

    def __init__(self, title: str, options: Sequence[tuple[str, str]], hint: str = "") -> None:
        """``options``: (value, label) pairs."""
        super().__init__()
        self.title_text = title
        self.options = list(options)[: len(self.KEYS)]
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            items = []
            for key, (value, label) in zip(self.KEYS, self.options, strict=False):
                prompt = Text.assemble((f" {key} ", "bold reverse"), " ", literal(label))
                items.append(Option(prompt, id=value))
            yield OptionList(*items, id="choices")
            hint = self.hint or "number key or ↑↓ Enter to choose · Esc to cancel"
            yield Static(literal(hint), classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character in self.KEYS:
            index = self.KEYS.index(event.character)
            if index < len(self.options):
                event.stop()
                self.dismiss(self.options[index][0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
