"""A study in full, as the reviewer may see it: its records and the database each came from,
and at each stage who decided what once the stage's review is complete (while it is blind,
only the reviewer's own decision and how many have decided); a wrong merge split here."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from screener.dedup.service import split_record
from screener.errors import ScreenerError
from screener.screening.detail import StageDetail, StudyDetail, study_detail
from screener.screening.tags import TagStatus, tags_text
from screener.tui.modals.choice import ChoiceModal
from screener.tui.session import ScreenerModal
from screener.tui.text import STAGE_LABELS, VERDICT_STYLES, literal
from screener.tui.widgets.types import type_name

TAG_STATUS = {
    TagStatus.AGREED: ("agreed", "green"),
    TagStatus.CONFLICT: (
        "in conflict (a resolver sets them on the conflicts screen); agreed so far",
        "red",
    ),
    TagStatus.RESOLVED: ("the consensus a resolver set", "cyan"),
}


class StudyModal(ScreenerModal[bool]):
    """Returns whether the study's records were split (what the screen below shows changed)."""

    BINDINGS = [
        Binding("escape,v", "close", "Close", id="study.close", priority=True),
        Binding("s", "split", "Split a record off", id="study.split", priority=True),
    ]
    DEFAULT_CSS = """
    StudyModal { align: center middle; }
    StudyModal #study-body { height: 1fr; }
    """

    def __init__(self, record_id: int) -> None:
        super().__init__()
        self.record_id = record_id
        self.split = False
        self.detail: StudyDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            with VerticalScroll(id="study-body"):
                yield Static(id="study-text")
            yield Static(
                literal("↑↓ PgUp PgDn scroll · s split a record off · Esc close"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        # Inline styles win over app.tcss's dialog rules (70 wide): a study needs the room.
        dialog = self.query_one(".dialog")
        dialog.styles.width = min(120, self.app.size.width - 2)
        dialog.styles.height = "90%"
        dialog.styles.max_height = "90%"
        self.show()

    def show(self) -> None:
        app = self.app
        self.detail = study_detail(app.project, self.record_id, app.reviewer)
        labels = {r.code: r.label for s in app.project.protocol.stages.values() for r in s.reasons}
        self.query_one("#study-text", Static).update(detail_view(self.detail, labels))

    def action_close(self) -> None:
        self.finish(self.split)

    def action_split(self) -> None:
        detail = self.detail
        if detail is None or len(detail.records) < 2:
            self.notify("This study has one record: nothing to split off")
            return
        options = [
            (str(r.record_id), f"record {r.record_id} · {r.database} · {r.title[:60]}")
            for r in detail.records
        ]

        def picked(record: str | None) -> None:
            if record is None:
                return
            confirm = [("yes", f"Yes: record {record} becomes a study of its own")]
            self.app.ask(
                ChoiceModal(f"Split record {record} off study {detail.study_id}?", confirm),
                lambda answer: self._split(int(record)) if answer == "yes" else None,
            )

        self.app.ask(ChoiceModal("Which record is not this study?", options), picked)

    def _split(self, record_id: int) -> None:
        app = self.app
        try:
            pairs = split_record(app.project, record_id, app.reviewer)
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.split = True
        app.ranking.forget_features()
        self.notify(f"Record {record_id} is a study of its own ({len(pairs)} link(s) undone)")
        if self.detail is not None:  # go on showing what remains of the study
            self.record_id = next(
                r.record_id for r in self.detail.records if r.record_id != record_id
            )
        self.show()


def detail_view(detail: StudyDetail, reason_labels: dict[str, str]) -> RenderableType:
    """The whole study: citation, records with their databases, then each stage."""
    merged = detail.citation
    head = Text.assemble(
        (f"Study {detail.study_id}", "bold"),
        (f" · {len(detail.records)} record(s)", "dim"),
        "\n",
        literal(merged.title or "(no title)", "bold"),
        "\n",
        literal("; ".join(merged.authors[:6]) or "(no authors)", "italic"),
        "\n",
        literal(" · ".join(p for p in (str(merged.year or ""), merged.journal) if p)),
    )
    records = Table(
        title="Records", title_justify="left", box=box.SIMPLE_HEAD, expand=True, header_style="bold"
    )
    for column in ("record", "database", "type", "year", "id in its file"):
        records.add_column(column, overflow="fold")
    for r in detail.records:
        records.add_row(
            str(r.record_id),
            literal(r.database),
            literal(type_name(r.type)),
            str(r.year or ""),
            literal(f"{r.source_record_id} ({r.file_name})"),
        )
    parts: list[RenderableType] = [head, Text(""), records]
    for stage in detail.stages:
        parts += [Text(""), *stage_view(stage, reason_labels)]
    return Group(*parts)


def stage_view(stage: StageDetail, reason_labels: dict[str, str]) -> list[RenderableType]:
    """One stage: blind (the viewer's own decision and a count) or everyone's decisions."""
    head = Text.assemble(
        (STAGE_LABELS[stage.stage], "bold underline"),
        literal(f" · {stage.status} · {stage.decided} of {stage.needed} reviewer(s) decided"),
    )
    if stage.blind:
        blind = literal(
            "Blind until the review of this stage is complete: you see your own decision only.",
            "yellow",
        )
        head = Text.assemble(head, "\n", blind)
    table = Table(expand=True, header_style="bold", box=box.SIMPLE_HEAD, show_edge=False)
    for column in ("reviewer", "decision", "reasons", "tags", "note"):
        table.add_column(column, overflow="fold")
    for d in stage.decisions:
        table.add_row(
            literal(d.reviewer),
            Text(str(d.verdict), VERDICT_STYLES[d.verdict]),
            literal(", ".join(reason_labels.get(r, r) for r in d.reasons)),
            literal(tags_text(d.tags)),
            literal(d.note),
        )
    parts: list[RenderableType] = [head]
    if stage.decisions:
        parts.append(table)
    if stage.resolution is not None:
        r = stage.resolution
        reasons = ", ".join(reason_labels.get(c, c) for c in r.reasons)
        line = f"Resolved by {r.resolver}: {r.verdict}" + (f" ({reasons})" if reasons else "")
        parts.append(literal(line + (f" · {r.note}" if r.note else ""), "cyan"))
    if stage.tags is not None:
        shown, style = TAG_STATUS[stage.tags.status]
        tags = tags_text(stage.tags.tags) or "none"
        parts.append(Text.assemble(("Tags ", "bold"), (shown, style), ": ", literal(tags)))
    return parts
