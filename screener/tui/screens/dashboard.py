"""The dashboard: sources, duplicates, progress per stage and reviewer, conflicts, agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from screener.overview import ProjectStatus, project_status
from screener.project import open_project
from screener.tui.session import SESSION_KEYS, ScreenerScreen
from screener.tui.text import literal
from screener.tui.widgets.footer import KeysFooter
from screener.tui.widgets.prisma import figures_table, prisma_table
from screener.tui.widgets.stopping import StoppingAid

STAGES = (("title_abstract", "Title/abstract"), ("full_text", "Full text"))


def gather(project_path: Path) -> ProjectStatus:
    """Every figure the dashboard shows, read on a connection of the calling thread."""
    with open_project(project_path) as project:
        return project_status(project)


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(title: str, columns: tuple[str, ...], text_columns: int) -> Table:
    """A dashboard table: the first ``text_columns`` columns are text, the rest numbers. No
    lines between the columns and headers never cut, so that 80 columns show them whole."""
    table = figures_table(title)
    for i, column in enumerate(columns):
        justify: Literal["left", "right"] = "left" if i < text_columns else "right"
        table.add_column(column, justify=justify, no_wrap=True, min_width=len(column))
    return table


class DashboardScreen(ScreenerScreen[None]):
    BINDINGS = [
        *SESSION_KEYS,
        Binding("s", "app.open_screen('screening')", "Screen", id="open-screening"),
        Binding("f", "app.open_screen('full_text')", "Full text", id="open-full-text"),
        Binding("c", "app.open_screen('conflicts')", "Conflicts", id="open-conflicts"),
        Binding("d", "app.open_screen('duplicates')", "Duplicates", id="open-duplicates"),
        Binding("h", "app.open_screen('history')", "History", id="open-history", show=False),
        Binding("e", "app.open_screen('extraction')", "Extract", id="open-extraction"),
        # History, search and refresh are left out of the footer so that 100 columns show the rest;
        # help (?) and the command palette list them.
        Binding("slash", "app.open_screen('search')", "Search", id="open-search", show=False),
        Binding("x", "app.open_export", "Export", id="open-export"),
        Binding("g", "refresh_figures(True)", "Refresh", id="refresh", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="dashboard"):
            yield Static(literal("Reading the project…"), id="figures")
            yield StoppingAid(id="stopping")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Dashboard"

    def on_screen_resume(self) -> None:
        # After a refresh, and only if still on top: a dashboard that another screen covers
        # at once (screener screen starts on the screening screen) computes nothing.
        self.call_after_refresh(lambda: self.action_refresh_figures() if self.is_current else None)

    def action_refresh_figures(self, announce: bool = False) -> None:
        if announce:
            self.notify("Reading the figures again…", timeout=2)
        self._gather(announce)
        self.query_one(StoppingAid).refresh_figures()

    @work(thread=True, exclusive=True)
    def _gather(self, announce: bool = False) -> None:
        data = gather(self.app.project_path)
        self.app.call_from_thread(self._show, data, announce)

    def _show(self, data: ProjectStatus, announce: bool = False) -> None:
        self.query_one("#figures", Static).update(Group(*self._parts(data)))
        if announce:
            self.notify("Figures up to date", timeout=2)

    def _parts(self, data: ProjectStatus) -> list[Any]:
        dedup = data.dedup
        head = Text.assemble(
            literal(data.title, "bold"),
            "\n",
            literal(
                f"{len(data.sources)} source(s) · {data.records} records · "
                f"{dedup.duplicates_removed} duplicates removed "
                f"({dedup.duplicates_removed_automatic} automatic, "
                f"{dedup.duplicates_removed_by_reviewer} by reviewer) · {dedup.studies} studies · "
                f"{dedup.pairs_awaiting_review} duplicate pair(s) awaiting review (d)"
            ),
        )
        parts: list[Any] = [head, Text("")]
        progress = _table(
            "Progress",
            ("stage", "studies", "to do", "waiting", "conflict", "resolved", "incl.", "excl."),
            1,
        )
        for key, label in STAGES:
            p = data.progress[key]
            progress.add_row(
                label,
                str(p["studies"]),
                str(p["unscreened"]),
                str(p["awaiting"]),
                str(p["conflict"]),
                str(p["resolved"]),
                str(p["included"]),
                str(p["excluded"]),
            )
        parts += [progress, Text(""), prisma_table(data.prisma.as_dict()), Text("")]
        reviewers = _table(
            "Decisions by reviewer (others' verdicts stay blind)",
            ("stage", "reviewer", "decided", "include", "maybe", "exclude"),
            2,
        )
        me = self.app.reviewer.casefold()
        for key, label in STAGES:
            for name, counts in data.progress[key]["by_reviewer"].items():
                mine = name.casefold() == me
                verdicts = ("include", "maybe", "exclude")
                reviewers.add_row(
                    label,
                    literal(name),
                    str(sum(counts.values())),
                    *[str(counts[v]) if mine else "·" for v in verdicts],
                )
        if not reviewers.row_count:
            reviewers.add_row("–", literal("no decisions yet"), "", "", "", "")
        parts += [reviewers, Text("")]
        agreement = _table(
            "Agreement (maybe counts as include)",
            ("stage", "reviewers", "n", "agree %", "κ", "κ 95% CI", "PABAK", "AC1"),
            2,
        )
        labels = dict(STAGES)
        for pair in data.agreement:
            a = pair.agreement
            ci = (
                "–"
                if a.kappa is None
                else f"{_number(a.kappa_ci_low)} to {_number(a.kappa_ci_high)}"
            )
            agreement.add_row(
                labels[str(pair.stage)],
                literal(f"{pair.reviewer_a} / {pair.reviewer_b}"),
                str(a.n),
                _number(a.percent_agreement, 1),
                _number(a.kappa),
                ci,
                _number(a.pabak),
                _number(a.gwet_ac1),
            )
        if not agreement.row_count:
            agreement.add_row("–", literal("no study decided by two reviewers yet"), *[""] * 6)
        parts.append(agreement)
        return parts
