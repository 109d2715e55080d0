"""Duplicate review: two records side by side with the differing fields marked, and the
related items (never merged) beside them."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from screener.dedup.service import (
    RelatedPair,
    ReviewPair,
    decide_pair,
    pending_pairs,
    related_pairs,
    undo_pair_decision,
)
from screener.errors import ScreenerError
from screener.models import LinkVerdict
from screener.overview import project_sources
from screener.project import open_project
from screener.tui.session import SESSION_KEYS, ScreenerScreen
from screener.tui.text import literal
from screener.tui.widgets.footer import KeysFooter
from screener.tui.widgets.types import same_type, type_name


class DuplicatesScreen(ScreenerScreen[None]):
    BINDINGS = [
        *SESSION_KEYS,
        Binding("s", "decide('same')", "Same study", id="pair-same"),
        Binding("x", "decide('different')", "Different", id="pair-different"),
        Binding("space", "decide('skip')", "Skip", id="pair-skip"),
        Binding("u", "undo", "Undo", id="pair-undo"),
        Binding("j,down", "move(1)", "Next", id="pair-next"),
        Binding("k,up", "move(-1)", "Previous", id="pair-previous"),
        Binding("escape", "app.open_screen('dashboard')", "Dashboard", id="pairs-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[ReviewPair] = []
        self.related: list[RelatedPair] = []
        self.databases: dict[int, str] = {}  # source id -> database
        self.index = 0
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="pair-status")
        with VerticalScroll(id="pair", can_focus=False):
            yield Static(id="pair-table")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Duplicate review"
        self._run(None)

    def reread(self) -> None:
        self._run(None)

    @work(thread=True, exclusive=True)
    def _run(self, verdict: str | None) -> None:
        """Write a decision (if any) and re-read the pairs on this thread's own connection:
        re-clustering a large project takes a moment, and the screen must not freeze."""
        app = self.app
        message = ""
        with open_project(app.project_path) as project:
            try:
                if verdict == "undo":
                    undone = undo_pair_decision(project, app.reviewer)
                    message = f"Undone: pair {undone}" if undone else "Nothing to undo"
                elif verdict is not None:
                    pair = self.pairs[self.index]
                    decide_pair(project, pair.a.id, pair.b.id, LinkVerdict(verdict), app.reviewer)
                    message = f"Saved: records {pair.a.id} and {pair.b.id} {verdict}"
            except ScreenerError as exc:
                message = str(exc)
            pairs = pending_pairs(project)
            related = related_pairs(project)
            databases = {s.id: s.database for s in project_sources(project)}
        app.call_from_thread(self._show, pairs, related, databases, message)

    def _show(
        self,
        pairs: list[ReviewPair],
        related: list[RelatedPair],
        databases: dict[int, str],
        message: str,
    ) -> None:
        self.pairs = pairs
        self.databases = databases
        self.related = related
        self.busy = False
        self.index = min(self.index, max(len(pairs) - 1, 0))
        self._draw(message)

    def _draw(self, message: str = "") -> None:
        status = self.query_one("#pair-status", Static)
        table_widget = self.query_one("#pair-table", Static)
        if not self.pairs:
            status.update(
                Text.assemble(
                    literal("No duplicate pairs awaiting review."), "\n", (message, "dim")
                )
            )
            table_widget.update(self._related_text(None) or literal("Esc: dashboard"))
            return
        pair = self.pairs[self.index]
        head = f"Pair {self.index + 1} of {len(self.pairs)} · score {pair.score:.2f}"
        head += f" · {pair.reason}" if pair.reason else ""
        head += " · skipped before" if pair.skipped else ""
        status.update(Text.assemble(literal(head), "\n", (message, "dim")))
        table = Table(show_edge=False, header_style="bold", expand=True, show_lines=False)
        table.add_column("", width=2)
        table.add_column("field", width=9)
        table.add_column(f"record {pair.a.id}", ratio=1)
        table.add_column(f"record {pair.b.id}", ratio=1)
        database_a = self.databases.get(pair.a.source_id, "")
        database_b = self.databases.get(pair.b.source_id, "")
        table.add_row(Text("·", "dim"), "Database", literal(database_a), literal(database_b))
        for field in pair.fields:
            value_a, value_b, same = field.value_a, field.value_b, field.same
            if field.field == "type":
                value_a, value_b = type_name(value_a), type_name(value_b)
                same = same_type(field.value_a, field.value_b)
            mark = Text("=", "green") if same else Text("≠", "bold red")
            style = "" if same else "yellow"
            limit = 400 if field.field == "abstract" else 200
            table.add_row(
                mark,
                field.label,
                literal(value_a[:limit], style),
                literal(value_b[:limit], style),
            )
        related = self._related_text(pair)
        table_widget.update(Group(table, related) if related else table)

    def _related_text(self, pair: ReviewPair | None) -> Text | None:
        """The related links (never merged) of the pair's records, or all of them when no
        pair awaits review; None when there are none."""
        ids = {pair.a.id, pair.b.id} if pair else None
        shown = [r for r in self.related if ids is None or {r.a.id, r.b.id} & ids]
        if not shown:
            return None
        lines = [Text("Related, never merged:", "bold")]
        for r in shown[:20]:
            line = f"{r.kind}: record {r.a.id} ↔ record {r.b.id} · {r.b.record.title[:80]}"
            lines.append(literal(line))
        return Text("\n").join(lines)

    def action_decide(self, verdict: str) -> None:
        if self.pairs and not self.busy:
            self.busy = True
            self._run(verdict)

    def action_undo(self) -> None:
        if not self.busy:
            self.busy = True
            self._run("undo")

    def action_move(self, step: int) -> None:
        if self.pairs:
            self.index = (self.index + step) % len(self.pairs)
            self._draw()
