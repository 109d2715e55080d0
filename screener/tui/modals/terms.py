"""The tag picker for one vocabulary: type to filter, toggle several terms, add new ones."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screener.tui.session import ScreenerModal
from screener.tui.text import literal


class TermsModal(ScreenerModal[tuple[str, ...] | None]):
    """Returns the selected terms when closed with Escape (new terms included)."""

    BINDINGS = [
        Binding("escape", "done", "Done", id="terms.done"),
        Binding("ctrl+n", "add", "Add new term", id="terms.add"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(
        self, vocabulary: str, terms: Sequence[str], selected: Sequence[str], is_open: bool
    ) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.terms = list(dict.fromkeys([*terms, *selected]))
        self.selected = list(selected)
        self.is_open = is_open

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            kind = "open: ctrl+n adds what you typed" if self.is_open else "closed list"
            yield Static(
                literal(f"Tags: {self.vocabulary} ({kind})", "bold"), classes="dialog-title"
            )
            yield Input(placeholder="type to filter", id="filter")
            yield OptionList(id="terms")
            yield Static(
                literal("↑↓ move · Enter toggle · Esc done"), classes="dialog-hint", id="terms-hint"
            )

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.app.cursor_blink
        self._refill()

    def _shown(self) -> list[str]:
        words = self.query_one(Input).value.casefold().split()
        return [t for t in self.terms if all(w in t.casefold() for w in words)]

    def _refill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for term in self._shown():
            mark = "[x]" if term in self.selected else "[ ]"
            options.add_option(Option(Text.assemble(mark + " ", literal(term)), id=term))
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(OptionList).highlighted = 0
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            self.action_add()
            return
        term = options.get_option_at_index(options.highlighted).id or ""
        if term in self.selected:
            self.selected.remove(term)
        else:
            self.selected.append(term)
        if self.query_one(Input).value:
            self.query_one(Input).value = ""  # ready to filter for the next term
        self._refill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.on_input_submitted(Input.Submitted(self.query_one(Input), ""))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_add(self) -> None:
        typed = " ".join(self.query_one(Input).value.split())
        if not typed:
            return
        if not self.is_open:
            self.notify(
                f"{self.vocabulary} is a closed list: pick one of its terms", severity="warning"
            )
            return
        if typed not in self.terms:
            self.terms.append(typed)
        if typed not in self.selected:
            self.selected.append(typed)
        self.query_one(Input).value = ""
        self._refill()

    def action_done(self) -> None:
        self.dismiss(tuple(self.selected))

    def on_key(self, event: events.Key) -> None:
        # Keep typing in the filter even when the list has focus.
        if not self.query_one(Input).has_focus and event.is_printable:
            self.query_one(Input).focus()
