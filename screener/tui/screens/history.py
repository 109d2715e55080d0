"""History: the reviewer's own decisions, filterable; Enter jumps to one to change it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from screener.lookup import study_summaries
from screener.models import Decision, Stage, Verdict
from screener.screening import studies
from screener.tui.session import OpenStudy, ScreenerScreen
from screener.tui.text import STAGE_LABELS, VERDICT_STYLES, literal

FILTERS = {
    "all": (),
    "include": (Verdict.INCLUDE,),
    "exclude": (Verdict.EXCLUDE,),
    "maybe": (Verdict.MAYBE,),
}


class HistoryScreen(ScreenerScreen[None]):
    BINDINGS = [
        Binding("a", "filter('all')", "All", id="history-all"),
        Binding("i", "filter('include')", "Included", id="history-include"),
        Binding("e", "filter('exclude')", "Excluded", id="history-exclude"),
        Binding("m", "filter('maybe')", "Maybe", id="history-maybe"),
        Binding("t", "toggle_stage", "Stage", id="history-stage"),
        Binding("escape", "app.pop_screen", "Back", id="history-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.verdict_filter = "all"
        self.stage: Stage | None = None
        self.rows: list[Decision] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="history-filter")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "My decisions"
        table = self.query_one(DataTable)
        table.add_columns("study", "stage", "decision", "reasons", "tags", "title")
        self.reload()
        table.focus()

    def reload(self) -> None:
        project = self.app.project
        self.rows = studies.history(
            project, self.app.reviewer, self.stage, FILTERS[self.verdict_filter]
        )
        summaries = study_summaries(project, (d.record_id for d in self.rows))
        table = self.query_one(DataTable)
        table.clear()
        for d in self.rows:
            summary = summaries.get(d.record_id)
            tags = "; ".join(f"{k}: {', '.join(v)}" for k, v in d.tags.items())
            table.add_row(
                Text(str(d.record_id)),
                Text(STAGE_LABELS[d.stage][:5]),
                Text(str(d.verdict), VERDICT_STYLES[d.verdict]),
                literal(", ".join(d.reasons)),
                literal(tags[:30]),
                literal((summary.title if summary else "")[:70]),
            )
        stage = STAGE_LABELS[self.stage] if self.stage else "both stages"
        self.query_one("#history-filter", Static).update(
            literal(
                f"{len(self.rows)} decision(s) · {self.verdict_filter} · {stage} · "
                "Enter: open the study to change it"
            )
        )

    def action_filter(self, name: str) -> None:
        self.verdict_filter = name
        self.reload()

    def action_toggle_stage(self) -> None:
        order = [None, Stage.TITLE_ABSTRACT, Stage.FULL_TEXT]
        self.stage = order[(order.index(self.stage) + 1) % len(order)]
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            decision = self.rows[event.cursor_row]
            self.post_message(OpenStudy(decision.record_id, decision.stage))
