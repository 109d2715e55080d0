"""Conflicts: both reviewers' decisions side by side, unblinded; the resolver decides."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from screener.dedup.links import merged_study
from screener.dedup.service import study_records
from screener.errors import ScreenerError
from screener.lookup import study_summaries
from screener.models import Stage, Verdict
from screener.project import Project
from screener.screening import decisions as review
from screener.screening import studies
from screener.screening.state import StageState
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.session import ScreenerScreen
from screener.tui.text import STAGE_LABELS, VERDICT_STYLES, literal


class ConflictsScreen(ScreenerScreen[None]):
    BINDINGS = [
        Binding("i", "resolve('include')", "Resolve: include", id="resolve-include"),
        Binding("e", "resolve('exclude')", "Resolve: exclude", id="resolve-exclude"),
        Binding("n", "note", "Note", id="resolve-note"),
        Binding("escape", "app.open_screen('dashboard')", "Dashboard", id="conflicts-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: list[StageState] = []
        self.note = ""

    @property
    def project(self) -> Project:
        return self.app.project

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            yield OptionList(id="conflict-list")
            with VerticalScroll(id="conflict-detail", can_focus=False):
                yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Conflicts"
        self.reload()

    def reload(self, index: int = 0) -> None:
        self.conflicts = studies.conflicts(self.project)
        options = self.query_one(OptionList)
        options.clear_options()
        summaries = study_summaries(self.project, (s.study_id for s in self.conflicts))
        for state in self.conflicts:
            title = summaries[state.study_id].title if state.study_id in summaries else ""
            stage = "TA" if state.stage is Stage.TITLE_ABSTRACT else "FT"
            label = Text.assemble(
                (f"{state.study_id:>5} ", "bold"), (f"{stage} ", "dim"), literal(title[:21])
            )
            options.add_option(Option(label))
        if self.conflicts:
            options.highlighted = min(index, len(self.conflicts) - 1)
            options.focus()
        self._show()

    @property
    def selected(self) -> StageState | None:
        index = self.query_one(OptionList).highlighted
        return self.conflicts[index] if index is not None and index < len(self.conflicts) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.note = ""
        self._show()

    def _show(self) -> None:
        state = self.selected
        detail = self.query_one("#detail", Static)
        if state is None:
            detail.update(literal("No conflicts waiting. Esc: dashboard", "bold"))
            return
        merged = merged_study(study_records(self.project, state.study_id))
        table = Table(show_edge=False, header_style="bold", expand=True)
        table.add_column("")
        for d in state.decisions:
            table.add_column(literal(d.reviewer))
        rows = {
            "decision": [Text(str(d.verdict), VERDICT_STYLES[d.verdict]) for d in state.decisions],
            "reasons": [literal(", ".join(d.reasons)) for d in state.decisions],
            "tags": [
                literal("; ".join(f"{k}: {', '.join(v)}" for k, v in d.tags.items()))
                for d in state.decisions
            ],
            "note": [literal(d.note) for d in state.decisions],
        }
        for name, cells in rows.items():
            table.add_row(Text(name, "bold"), *cells)
        head = Text.assemble(
            (f"Study {state.study_id} · {STAGE_LABELS[state.stage]}\n", "dim"),
            literal(merged.title or "(no title)", "bold"),
            "\n",
            literal(" · ".join(p for p in (str(merged.year or ""), merged.journal) if p)),
        )
        footer = Text.assemble(
            "\n",
            literal(merged.abstract[:1200] + ("…" if len(merged.abstract) > 1200 else "")),
            "\n\n",
            ("Resolution note: ", "bold"),
            literal(self.note or "(none: n to add)"),
        )
        detail.update(Group(head, Text(""), table, footer))

    def action_note(self) -> None:
        if self.selected is None:
            return

        def saved(text: str | None) -> None:
            if text is not None:
                self.note = text.strip()
                self._show()

        self.app.push_screen(PromptModal("Why this resolution?", self.note), saved)

    def action_resolve(self, verdict: str) -> None:
        state = self.selected
        if state is None:
            return
        rules = self.project.protocol.stages[state.stage]
        if (
            verdict == "exclude"
            and rules.reasons
            and (rules.reason_required or state.stage is Stage.FULL_TEXT)
        ):
            options = [(r.code, r.label) for r in rules.reasons]
            self.app.push_screen(
                ChoiceModal("Exclusion reason", options),
                lambda code: self._resolve(state, Verdict.EXCLUDE, (code,)) if code else None,
            )
            return
        self._resolve(state, Verdict(verdict), ())

    def _resolve(self, state: StageState, verdict: Verdict, reasons: tuple[str, ...]) -> None:
        try:
            review.resolve(
                self.project,
                state.study_id,
                state.stage,
                self.app.reviewer,
                verdict,
                reasons,
                self.note,
            )
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Resolved study {state.study_id}: {verdict}")
        self.note = ""
        self.reload(self.query_one(OptionList).highlighted or 0)
