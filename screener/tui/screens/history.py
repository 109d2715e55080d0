"""History: the reviewer's own decisions, filterable; Enter jumps to one to change it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screener.lookup import study_summaries
from screener.models import Decision, Stage, Verdict
from screener.screening.find import DecisionFilter, filter_history
from screener.screening.tags import tags_text
from screener.tui.limit import HINT, describe, parse_limit
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.study import StudyModal
from screener.tui.session import SESSION_KEYS, OpenStudy, ScreenerScreen
from screener.tui.text import STAGE_LABELS, VERDICT_STYLES, literal
from screener.tui.widgets.footer import KeysFooter

FILTERS = {
    "all": (),
    "include": (Verdict.INCLUDE,),
    "exclude": (Verdict.EXCLUDE,),
    "maybe": (Verdict.MAYBE,),
}


class HistoryScreen(ScreenerScreen[None]):
    BINDINGS = [
        *SESSION_KEYS,
        Binding("a", "filter('all')", "All", id="history-all"),
        Binding("i", "filter('include')", "Included", id="history-include"),
        Binding("e", "filter('exclude')", "Excluded", id="history-exclude"),
        Binding("m", "filter('maybe')", "Maybe", id="history-maybe"),
        Binding("t", "toggle_stage", "Stage", id="history-stage"),
        Binding("l", "limit", "Limit", id="history-limit"),
        Binding("v", "view", "Study", id="history-view"),
        Binding("escape", "app.pop_screen", "Back", id="history-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.verdict_filter = "all"
        self.stage: Stage | None = None
        self.limit = DecisionFilter()
        self.limit_line = ""
        self.rows: list[Decision] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="history-filter")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "My decisions"
        table = self.query_one(DataTable)
        table.add_columns("study", "stage", "decision", "title", "reasons", "tags")
        self.reload()
        table.focus()

    def reread(self) -> None:
        self.reload()

    def reload(self) -> None:
        project = self.app.project
        wanted = DecisionFilter(
            frozenset(FILTERS[self.verdict_filter]) or self.limit.verdicts,
            self.limit.tag,
            self.limit.reason,
            self.limit.text,
        )
        self.rows = filter_history(project, self.app.reviewer, wanted, self.stage)
        summaries = study_summaries(project, (d.record_id for d in self.rows))
        labels = {r.code: r.label for s in project.protocol.stages.values() for r in s.reasons}
        table = self.query_one(DataTable)
        table.clear()
        for d in self.rows:
            summary = summaries.get(d.record_id)
            table.add_row(
                Text(str(d.record_id)),
                Text(STAGE_LABELS[d.stage][:5]),
                Text(str(d.verdict), VERDICT_STYLES[d.verdict]),
                literal((summary.title if summary else "")[:60]),
                literal(", ".join(labels.get(r, r) for r in d.reasons)[:30]),
                literal(tags_text(d.tags)[:30]),
            )
        stage = STAGE_LABELS[self.stage] if self.stage else "both stages"
        limit = f" · limited to {describe(self.limit)}" if self.limit_line else ""
        self.query_one("#history-filter", Static).update(
            literal(
                f"{len(self.rows)} decision(s) · {self.verdict_filter} · {stage}{limit} · "
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

    def action_limit(self) -> None:
        """Limit by verdict, tag, reason and words (see screener.tui.limit)."""
        protocol = self.app.project.protocol
        reasons = {r.code for s in protocol.stages.values() for r in s.reasons}

        def limit(line: str | None) -> None:
            if line is not None:
                self.limit = parse_limit(line, set(protocol.vocabularies), reasons)
                self.limit_line = line.strip()
                self.verdict_filter = "all"
                self.reload()

        self.app.ask(PromptModal("Limit my decisions", self.limit_line, HINT), limit)

    @property
    def selected(self) -> Decision | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def action_view(self) -> None:
        decision = self.selected
        if decision is not None:
            self.app.ask(StudyModal(decision.record_id), lambda split: self.reload())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            decision = self.rows[event.cursor_row]
            self.post_message(OpenStudy(decision.record_id, decision.stage))
