"""A dialog that picks one of a few options with number keys (or arrows and Enter)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screener.tui.session import ScreenerModal
from screener.tui.text import literal

KEYS = "123456789abcdefghijklmnopqrstuvwxyz"


class ChoiceModal(ScreenerModal[str | None]):
    """Options numbered 1-9 then a-z; a key press picks at once; Escape cancels. Every key
    is a priority binding, handled as it is typed, before the next (see SessionApp.on_event)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel", priority=True),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("enter", "pick_highlighted", "Choose", show=False, priority=True),
        *(Binding(key, f"pick({n})", show=False, priority=True) for n, key in enumerate(KEYS)),
    ]

    def __init__(self, title: str, options: Sequence[tuple[str, str]], hint: str = "") -> None:
        """``options``: (value, label) pairs."""
        super().__init__()
        self.title_text = title
        self.options = list(options)[: len(KEYS)]
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            items = []
            for key, (value, label) in zip(KEYS, self.options, strict=False):
                prompt = Text.assemble((f" {key} ", "bold reverse"), " ", literal(label))
                items.append(Option(prompt, id=value))
            yield OptionList(*items, id="choices")
            hint = self.hint or "number key or ↑↓ Enter to choose · Esc to cancel"
            yield Static(literal(hint), classes="dialog-hint")

    def action_pick(self, index: int) -> None:
        if index < len(self.options):
            self.finish(self.options[index][0])

    def action_move(self, step: int) -> None:
        choices = self.query_one(OptionList)
        if choices.option_count:
            current = choices.highlighted or 0
            choices.highlighted = max(0, min(choices.option_count - 1, current + step))

    def action_pick_highlighted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        self.action_pick(highlighted or 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click
        self.action_pick(event.option_index)

    def action_cancel(self) -> None:
        self.finish(None)
