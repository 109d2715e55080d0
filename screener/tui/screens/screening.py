"""The screening screen: one study at a time, decided with one key, blind to other reviewers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Header, ProgressBar, Static

from screener.dedup.service import study_of, study_records
from screener.errors import ScreenerError
from screener.models import Decision, NewDecision, Retrieval, Stage, Verdict
from screener.project import Project
from screener.screening import decisions as review
from screener.screening import studies
from screener.screening.decisions import ReportNotRetrievedError
from screener.screening.find import DecisionFilter, filter_queue
from screener.screening.queue import screening_queue
from screener.screening.tags import tags_text
from screener.tui.limit import HINT, describe, parse_limit
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.study import StudyModal
from screener.tui.modals.terms import ask_tags
from screener.tui.ranking import RankedOrder
from screener.tui.screens.full_text import FullTextActions
from screener.tui.session import SESSION_KEYS, in_order
from screener.tui.text import STAGE_LABELS, literal
from screener.tui.widgets.footer import KeysFooter
from screener.tui.widgets.study import (
    StudyView,
    criteria_text,
    decision_text,
    relevance_text,
    retrieval_text,
    saved_text,
)


class ScreeningScreen(FullTextActions):
    """Shows the reviewer's queue at one stage; each decision is committed before the next
    study is shown."""

    BINDINGS = in_order(
        *SESSION_KEYS,
        Binding("i,right", "decide('include')", "Include", id="include"),
        Binding("e,left", "decide('exclude')", "Exclude", id="exclude"),
        Binding("m", "decide('maybe')", "Maybe", id="maybe"),
        Binding("r", "exclude_with_reason", "Exclude+reason", id="reason"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("n", "note", "Note", id="note"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("j,down", "move(1)", "Next", id="next"),
        Binding("k,up", "move(-1)", "Previous", id="previous"),
        Binding("f", "retrieval", "Retrieval", id="retrieval"),
        Binding("v", "view", "Study", id="view-study"),
        Binding("l", "limit", "Limit", id="limit"),
        Binding("o", "open_pdf", "Open PDF", show=False, id="open-pdf"),
        Binding(
            "pagedown,space",
            "scroll(1)",
            "Scroll down",
            show=False,
            id="scroll-down",
            priority=True,
        ),
        Binding("pageup", "scroll(-1)", "Scroll up", show=False, id="scroll-up"),
        Binding("slash", "app.open_screen('search')", "Search", id="search"),
        Binding(
            "h", "app.open_screen('history')", "History", show=False, id="history", priority=True
        ),
        Binding(
            "d",
            "app.open_screen('dashboard')",
            "Dashboard",
            show=False,
            id="dashboard",
            priority=True,
        ),
        Binding("escape", "app.open_screen('dashboard')", "Dashboard", show=False),
    )

    position: reactive[int] = reactive(0, init=False)
    WARM_GRACE = 1.0  # seconds the first study waits for the model's ranking

    def __init__(self, stage: Stage = Stage.TITLE_ABSTRACT) -> None:
        super().__init__()
        self.stage = stage
        self.ids: list[int] = []
        self.mine: dict[int, Decision] = {}
        self.pending_tags: dict[int, dict[str, tuple[str, ...]]] = {}
        self.pending_note: dict[int, str] = {}
        self.retrievals: dict[int, Retrieval] = {}
        self.status_text = ""
        self.decided = 0  # how many of ``ids`` this reviewer has decided (kept, not counted)
        self.order: RankedOrder | None = None  # ranked order: the ranking the queue follows
        self._warm: RankedOrder | None = None  # the highlight-term order, while warming up
        self.limit: DecisionFilter | None = None  # l: only the studies that pass
        self.limit_line = ""  # the limit as typed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what the stage has not got: maybe at full text, retrieval at title/abstract."""
        full_text = self.stage is Stage.FULL_TEXT
        if action == "decide" and parameters == ("maybe",):
            return not full_text
        if action in ("retrieval", "open_pdf"):
            return full_text
        return True

    @property
    def project(self) -> Project:
        return self.app.project

    @property
    def reviewer(self) -> str:
        return self.app.reviewer

    @property
    def ranked(self) -> bool:
        return (self.app.order or self.project.protocol.queue_order) == "ranked"

    @property
    def current(self) -> int | None:
        return self.ids[self.position] if 0 <= self.position < len(self.ids) else None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="progress-row"):
            yield Static(id="progress-label")
            yield ProgressBar(total=1, show_eta=False, id="progress")
        with Horizontal(id="body"):
            yield StudyView(id="record")
            with VerticalScroll(id="criteria", can_focus=False):
                yield Static(id="criteria-text")
        yield Static(id="decision")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._take_latest_ranking()
        self.title = f"{STAGE_LABELS[self.stage]} screening"
        self.query_one("#criteria-text", Static).update(criteria_text(self.project.protocol))
        self.reload()

    def reread(self) -> None:
        self._take_latest_ranking()
        self.reload(keep=self.current)

    def _take_latest_ranking(self) -> None:
        latest = self.app.ranking.latest.get(self.stage)
        if latest is not None and latest.final:
            self.order = latest

    # -- the queue -------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """Rebuild the queue (still-to-decide first) and show ``keep`` or the first study.
        In ranked order the scores come from the session's ranking worker, never from this
        thread: until the first ranking arrives the screen says that it is ranking."""
        app = self.app
        if self.ranked and self.order is None:
            self.ids, self.mine, self.decided = [], {}, 0
            self.show_position(0)
            app.request_ranking(self.stage)
            return
        try:
            self.ids = screening_queue(
                self.project,
                self.reviewer,
                self.stage,
                order=app.order,
                seed=app.seed,
                scores=self.order.ranking.scores if self.order else None,
            )
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.ids = []
        if self.limit is not None:
            self.ids = filter_queue(self.project, self.reviewer, self.stage, self.ids, self.limit)
        self.mine = studies.my_decisions(self.project, self.reviewer, self.stage)
        self.decided = sum(1 for s in self.ids if s in self.mine)
        if self.stage is Stage.FULL_TEXT:
            self.retrievals = studies.current_retrievals(self.project)
        target = keep if keep in self.ids else self._next_undecided(-1)
        self.show_position(self.ids.index(target) if target in self.ids else 0)
        if self.ranked:
            app.request_ranking(self.stage)

    # -- the ranking -----------------------------------------------------------------------

    def apply_ranking(self, order: RankedOrder) -> None:
        """A new ranking from the worker. The model's first one fills the queue (its top
        study is shown); the highlight-term order shown while the model warms up does so only
        if the model takes longer than :attr:`WARM_GRACE` seconds. Later ones re-order the
        studies not yet shown: what is on screen stays."""
        if self.order is None:
            if order.final:
                self.order = order
                self.reload()
            elif self._warm is None:
                self._warm = order
                self.set_timer(self.WARM_GRACE, self._show_warm)
            return
        if self.order.final and not order.final:
            return  # the features are being built again: keep the model's order meanwhile
        self.order = order
        scores = order.ranking.scores
        head, rest = self.ids[: self.position + 1], self.ids[self.position + 1 :]
        undecided = [s for s in rest if s not in self.mine]
        undecided.sort(key=lambda s: -scores.get(s, 0.0))
        self.ids = head + undecided + [s for s in rest if s in self.mine]
        if self.current is not None:
            self.query_one(StudyView).show_relevance(self._relevance(self.current))

    def _show_warm(self) -> None:
        if self.order is None and self._warm is not None:
            self.order = self._warm
            self.reload()

    def _relevance(self, study: int) -> Text:
        return relevance_text(self.order if self.ranked else None, study)

    def _next_undecided(self, after: int) -> int | None:
        n = len(self.ids)
        for step in range(1, n + 1):
            study = self.ids[(after + step) % n]
            if study not in self.mine:
                return study
        return None

    def show_study(self, study: int) -> None:
        """Jump to a study (from search or history); one outside the queue is put in it."""
        if study not in self.ids:
            self.ids.insert(self.position, study)
            self.decided += study in self.mine
        self.show_position(self.ids.index(study))

    def show_position(self, position: int) -> None:
        self.position = max(0, min(position, len(self.ids) - 1)) if self.ids else 0
        self.mutate_reactive(ScreeningScreen.position)
        self._draw()

    # -- showing a study -------------------------------------------------------------------

    def _draw(self) -> None:
        decided = self.decided
        total = len(self.ids)
        label = Text.assemble(
            (f"{STAGE_LABELS[self.stage]} ", "bold"),
            literal(f"· {self.reviewer} · {decided}/{total} decided"),
            literal(f" · study {self.position + 1} of {total}" if total else ""),
            (f" · limited to {describe(self.limit)} (l)" if self.limit else "", "bold yellow"),
            (" · ranking warming up" if self.order and self.order.warming_up else "", "yellow"),
        )
        self.query_one("#progress-label", Static).update(label)
        self.query_one(ProgressBar).update(total=max(total, 1), progress=decided)
        view = self.query_one(StudyView)
        study = self.current
        if study is None:
            view.show_message(self._empty_message())
        else:
            records = study_records(self.project, study)
            view.show(records, self.project.protocol, self._relevance(study))
        self._show_decision()

    def _empty_message(self) -> str:
        if self.ranked and self.order is None:
            return "Ranking the studies… the top-ranked one shows as soon as the ranking is ready."
        if self.limit is not None:
            return f"No study passes the limit ({describe(self.limit)}): l to change it."
        if self.stage is Stage.FULL_TEXT:
            return "Nothing to screen at this stage yet."
        return "No studies to screen: import records first."

    def _show_decision(self) -> None:
        study = self.current
        parts: list[Text | str | tuple[str, str]] = []
        if study is not None:
            made = self.mine.get(study)
            tags = self.pending_tags.get(study, made.tags if made else {})
            note = self.pending_note.get(study, made.note if made else "")
            parts.append(decision_text(made, tags, note, self._reason_labels()))
            if self.stage is Stage.FULL_TEXT:
                parts += [" · ", retrieval_text(self.retrievals.get(study))]
        if self.status_text:
            parts += ["\n", (self.status_text, "dim")]
        self.query_one("#decision", Static).update(Text.assemble(*parts))

    def _reason_labels(self) -> dict[str, str]:
        """The stage's exclusion reasons: code -> label (the first of a code, as listed)."""
        reasons = self.project.protocol.stages[self.stage].reasons
        return {r.code: r.label for r in reversed(reasons)}

    # -- deciding --------------------------------------------------------------------------

    def action_decide(self, verdict: str, reasons: Sequence[str] = ()) -> None:
        study = self.current
        if study is None:
            return
        rules = self.project.protocol.stages[self.stage]
        if verdict == "exclude" and not reasons and rules.reason_required:
            self.action_exclude_with_reason()  # ask for the reason the protocol requires
            return
        self._save_and_advance(Verdict(verdict), reasons)

    def _save_and_advance(
        self, verdict: Verdict, reasons: Sequence[str], *, mark_retrieved: bool = False
    ) -> None:
        study = self.current
        if study is None:
            return
        made = self.mine.get(study)
        tags = self.pending_tags.get(study, made.tags if made else {})
        note = self.pending_note.get(study, made.note if made else "")
        try:
            saved = self._save(study, verdict, reasons, tags, note, mark_retrieved=mark_retrieved)
        except ReportNotRetrievedError as exc:
            self.confirm_retrieved(
                study,
                f"The report of study {study} is not marked retrieved: {verdict} it all the same?",
                lambda: self._save_and_advance(verdict, reasons, mark_retrieved=True),
            )
            self.status_text = str(exc)
            return
        if saved:
            following = self._next_undecided(self.position)
            if following is None:
                self.status_text += " · every study at this stage is decided"
                self._draw()
            else:
                self.show_position(self.ids.index(following))

    def _save(
        self,
        study: int,
        verdict: Verdict,
        reasons: Sequence[str],
        tags: Mapping[str, Sequence[str]],
        note: str,
        *,
        mark_retrieved: bool = False,
    ) -> bool:
        """Commit a decision event; only then is anything shown as saved. A full-text
        decision on a report not marked retrieved raises ReportNotRetrievedError."""
        try:
            made = review.decide(
                self.project,
                NewDecision(study, self.stage, self.reviewer, verdict, reasons, tags, note),
                mark_retrieved=mark_retrieved,
            )
        except ReportNotRetrievedError:
            raise
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        if study not in self.mine and study in self.ids:
            self.decided += 1
        self.mine[study] = made
        self.pending_tags.pop(study, None)
        self.pending_note.pop(study, None)
        if mark_retrieved:
            self.retrievals = studies.current_retrievals(self.project)
        self.status_text = saved_text(study, made, self._reason_labels())
        if self.ranked:  # the decision is committed: learn from it in the background
            self.app.request_ranking(self.stage)
        return True

    def action_exclude_with_reason(self) -> None:
        if self.current is None:
            return
        reasons = self.project.protocol.stages[self.stage].reasons
        if not reasons:  # the protocol lists none, so none can be required
            self._save_and_advance(Verdict.EXCLUDE, ())
            return
        options = [(r.code, r.label) for r in reasons]

        def picked(code: str | None) -> None:
            if code:
                self.action_decide("exclude", (code,))

        self.app.ask(ChoiceModal("Exclusion reason", options), picked)

    def _resave(self, study: int) -> None:
        """A tag or note changed on a study already decided: a new event with the same
        verdict keeps the audit trail and the decision together."""
        made = self.mine.get(study)
        if made is None:
            noted = tags_text(self.pending_tags.get(study, {})) or "none"
            self.status_text = f"Noted for study {study}: tags {noted} (saved with your decision)"
            self._show_decision()
            return
        tags = self.pending_tags.get(study, made.tags)
        note = self.pending_note.get(study, made.note)
        try:
            self._save(study, made.verdict, made.reasons, tags, note)
        except ReportNotRetrievedError as exc:
            self.notify(str(exc), severity="error", markup=False)
        self._show_decision()

    def action_tag(self) -> None:
        study = self.current
        if study is None:
            return
        made = self.mine.get(study)
        current = dict(self.pending_tags.get(study, made.tags if made else {}))

        def tagged(tags: dict[str, tuple[str, ...]]) -> None:
            self.pending_tags[study] = tags
            self._resave(study)

        ask_tags(self.app, "Tag: which vocabulary?", current, tagged)

    def action_note(self) -> None:
        study = self.current
        if study is None:
            return
        made = self.mine.get(study)
        note = self.pending_note.get(study, made.note if made else "")

        def saved(text: str | None) -> None:
            if text is not None:
                self.pending_note[study] = text.strip()
                self._resave(study)

        self.app.ask(PromptModal(f"Note on study {study}", note), saved)

    def action_view(self) -> None:
        """The whole study (v): its records, and everyone's decisions once unblinded."""
        study = self.current
        if study is not None:
            self.app.ask(StudyModal(study), lambda split: self.reread() if split else None)

    def action_limit(self) -> None:
        """Limit the queue (l) to my maybes, a tag, a reason, words; empty: everything."""
        protocol = self.project.protocol
        reasons = {r.code for r in protocol.stages[self.stage].reasons}

        def limit(line: str | None) -> None:
            if line is None:
                return
            wanted = parse_limit(line, set(protocol.vocabularies), reasons)  # refusal: shown
            self.limit = wanted if line.strip() else None
            self.limit_line = line.strip()
            self.status_text = f"Limited to {describe(wanted)}" if self.limit else "No limit"
            self.reload()

        shown = "" if self.limit is None else self.limit_line
        self.app.ask(PromptModal("Limit the queue", shown, HINT), limit)

    def action_undo(self) -> None:
        try:
            undone = review.undo_last(self.project, self.reviewer, self.stage)
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if undone is None:
            self.notify("Nothing to undo at this stage")
            return
        study = study_of(self.project, undone.record_id)
        if self.mine.pop(study, None) is not None and study in self.ids:
            self.decided -= 1
        self.status_text = f"Undone: {undone.verdict} on study {study}"
        self.show_study(study)
        if self.ranked:
            self.app.request_ranking(self.stage)

    def action_move(self, step: int) -> None:
        if self.ids:
            self.status_text = ""
            self.show_position(self.position + step)

    def action_scroll(self, direction: int) -> None:
        record = self.query_one(StudyView)
        if direction > 0:
            record.scroll_page_down(animate=False)
        else:
            record.scroll_page_up(animate=False)
