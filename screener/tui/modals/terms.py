"""The tag picker for one vocabulary: type to filter, toggle several terms, add new ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screener.screening.decisions import vocabulary_terms
from screener.tui.modals.choice import ChoiceModal
from screener.tui.session import ScreenerModal, SessionApp, edit_text
from screener.tui.text import literal


class TermsModal(ScreenerModal[tuple[str, ...] | None]):
    """Returns the selected terms when closed with Escape (new terms included). With
    ``single`` it is a single-choice picker: Enter picks one term and closes (a tuple of it),
    Escape cancels (None)."""

    BINDINGS = [
        Binding("escape", "done", "Done", id="terms.done", priority=True),
        Binding("ctrl+n", "add", "Add new term", id="terms.add", priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("enter", "toggle_term", "Toggle", show=False, priority=True),
    ]

    def __init__(
        self,
        vocabulary: str,
        terms: Sequence[str],
        selected: Sequence[str],
        is_open: bool,
        *,
        single: bool = False,
    ) -> None:
        super().__init__()
        self.single = single
        self.vocabulary = vocabulary
        self.terms = list(dict.fromkeys([*terms, *selected]))
        self.selected = list(selected)
        self.is_open = is_open

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            kind = "open: ctrl+n adds what you typed" if self.is_open else "closed list"
            what = "Choose one" if self.single else "Tags"
            yield Static(
                literal(f"{what}: {self.vocabulary} ({kind})", "bold"), classes="dialog-title"
            )
            yield Input(placeholder="type to filter", id="filter")
            yield OptionList(id="terms")
            keys = "Enter choose · Esc cancel" if self.single else "Enter toggle · Esc done"
            yield Static(literal(f"↑↓ move · {keys}"), classes="dialog-hint", id="terms-hint")

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
            chosen = term in self.selected
            mark = ("(•)" if chosen else "( )") if self.single else ("[x]" if chosen else "[ ]")
            options.add_option(Option(Text.assemble(mark + " ", literal(term)), id=term))
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def type_key(self, event: events.Key) -> bool:
        typed = self.query_one(Input)
        before = typed.value
        if not edit_text(typed, event):
            return False
        if typed.value != before:  # filter at once: Enter may follow before Input.Changed
            self.query_one(OptionList).highlighted = 0
            self._refill()
        return True

    def action_toggle_term(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            self.action_add()
            return
        term = options.get_option_at_index(options.highlighted).id or ""
        if self.single:
            self.finish((term,))
            return
        if term in self.selected:
            self.selected.remove(term)
        else:
            self.selected.append(term)
        if self.query_one(Input).value:
            self.query_one(Input).value = ""  # ready to filter for the next term
        self._refill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click
        self.query_one(OptionList).highlighted = event.option_index
        self.action_toggle_term()

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
        if self.single:
            self.finish((typed,))
            return
        if typed not in self.selected:
            self.selected.append(typed)
        self.query_one(Input).value = ""
        self._refill()

    def action_done(self) -> None:
        self.finish(None if self.single else tuple(self.selected))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # a paste: typed keys filter at once (type_key)
        self._refill()


def ask_tags(
    app: SessionApp,
    title: str,
    current: dict[str, tuple[str, ...]],
    then: Callable[[dict[str, tuple[str, ...]]], None],
) -> None:
    """Pick a vocabulary, then its terms: ``then`` gets the tags with that vocabulary's
    terms replaced (vocabularies left empty dropped); nothing when either is cancelled."""
    vocabularies = app.project.protocol.vocabularies
    options = [
        (name, name + (f" ({', '.join(current[name])})" if current.get(name) else ""))
        for name in vocabularies
    ]

    def picked_vocabulary(name: str | None) -> None:
        if not name:
            return
        terms = vocabulary_terms(app.project)[name]

        def picked_terms(selected: tuple[str, ...] | None) -> None:
            if selected is not None:
                tags = {**current, name: selected}
                then({k: v for k, v in tags.items() if v})

        app.ask(
            TermsModal(name, terms, current.get(name, ()), vocabularies[name].open), picked_terms
        )

    app.ask(ChoiceModal(title, options), picked_vocabulary)
