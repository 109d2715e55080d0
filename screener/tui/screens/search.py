"""Search: full-text search (SQLite FTS5) of titles, abstracts, authors, journals and years."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from screener.errors import ScreenerError
from screener.lookup import find_studies, study_summaries, update_search_index
from screener.models import Stage
from screener.project import open_project
from screener.screening.find import ViewerStatus, viewer_statuses
from screener.tui.modals.study import StudyModal
from screener.tui.session import OpenStudy, ScreenerScreen
from screener.tui.text import VERDICT_STYLES, literal
from screener.tui.widgets.footer import KeysFooter


class SearchScreen(ScreenerScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="search-back"),
        Binding("down", "results", "Results", show=False),
        Binding("v", "view", "Study", id="search-view"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: list[int] = []
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(placeholder='words, "a phrase", prefix*  (Enter to search)', id="query")
        yield Static(id="search-status")
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Search"
        query = self.query_one(Input)
        query.cursor_blink = self.app.cursor_blink
        query.focus()
        self.query_one(DataTable).add_columns("study", "you", "year", "first author", "title")
        self._status("Indexing new records…")
        self._index()

    def reread(self) -> None:
        self.ready = False  # records may have been imported meanwhile
        self._index()

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(literal(text))

    @work(thread=True, exclusive=True, group="index")
    def _index(self) -> None:
        """Bring the search index up to date on this thread's own connection."""

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(
                self._status, f"Indexing new records for search: {done:,} of {total:,}…"
            )

        with open_project(self.app.project_path) as project:
            added = update_search_index(project, progress)
        self.app.call_from_thread(self._indexed, added)

    def _indexed(self, added: int) -> None:
        self.ready = True
        self._status(
            f"Index up to date ({added} record(s) added)" if added else "Type and press Enter"
        )
        if self.query_one(Input).value.strip():
            self.on_input_submitted(
                Input.Submitted(self.query_one(Input), self.query_one(Input).value)
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not self.ready:
            return
        project = self.app.project
        try:
            self.found = find_studies(project, event.value)
        except ScreenerError as exc:
            self._status(str(exc))
            return
        summaries = study_summaries(project, self.found)
        statuses = viewer_statuses(project, self.app.reviewer, self.found)
        table = self.query_one(DataTable)
        table.clear()
        for study in self.found:
            s = summaries[study]
            table.add_row(
                Text(str(study)),
                status_text(statuses.get(study)),
                Text(str(s.year or "")),
                literal(s.first_author[:24]),
                literal(s.title[:80]),
            )
        shown = f"{len(self.found)} stud{'y' if len(self.found) == 1 else 'ies'}"
        self._status(f"{shown} · ↓ to the results · Enter opens one for screening")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":  # v types into the query; on the results it opens the study
            return self.query_one(DataTable).has_focus
        return True

    def action_view(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.found):
            self.app.ask(StudyModal(self.found[row]), lambda split: None)

    def action_results(self) -> None:
        if self.found:
            self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.found):
            self.post_message(OpenStudy(self.found[event.cursor_row], self.app.stage))


def status_text(status: ViewerStatus | None) -> Text:
    """Where a study stands for the reviewer: "TA include", "FT –", with the outcome once
    the stage is no longer blind ("TA include → included")."""
    if status is None:
        return Text("")
    view = status.latest
    stage = "TA" if view.stage is Stage.TITLE_ABSTRACT else "FT"
    mine = str(view.mine) if view.mine else "–"
    text = Text.assemble((f"{stage} ", "dim"), (mine, VERDICT_STYLES.get(mine, "dim")))
    if view.outcome is not None:
        text.append(f" → {view.outcome}", "dim")
    return text
