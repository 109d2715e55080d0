"""The footer of every screen: Textual's, less a leak that slows every screen change."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer recomposes its keys whenever the bindings change (each screen
    change), and each key it composes adds a watcher of the footer's ``compact`` that nothing
    removes: thousands of dead keys after a few hundred screen changes, each one more for the
    garbage collector to walk. Mutating ``compact`` after a recompose makes Textual drop the
    watchers of the keys that are gone."""

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(Footer.compact)
